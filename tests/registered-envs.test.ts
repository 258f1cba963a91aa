import { describe, expect, it } from 'vitest';
import { RandomAgent } from '../agents/random.js';
import { checkEnv, checkSingleAgentEnv, type CheckReport } from '../envs/check/index.js';
import { make, presetNames, presetOptions, registeredIds } from '../envs/registry.js';
import { RecordEpisodeStatistics, SingleAgentEnv } from '../envs/wrappers/index.js';

const failures = (r: CheckReport) => r.checks.filter((c) => !c.ok && !c.skipped).map((c) => `${c.name}: ${c.detail ?? ''}`);

// DESIGN.md: the conformance checker runs on every registered env and every wrapper.
describe.each(registeredIds())('%s conforms', (id) => {
  it('passes checkEnv with default options', () => {
    const report = checkEnv(make(id), { seed: 3, steps: 200 });
    expect(failures(report)).toEqual([]);
    expect(report.checks.length).toBeGreaterThan(15);
  });

  it('passes checkEnv wrapped in RecordEpisodeStatistics', () => {
    expect(failures(checkEnv(new RecordEpisodeStatistics(make(id)), { seed: 4, steps: 150 }))).toEqual([]);
  });

  it('passes checkSingleAgentEnv as a single-agent env for each role', () => {
    const probe = make(id);
    const firstOfEachRole = [...new Map(probe.possibleAgents.map((a) => [a.replace(/_\d+$/, ''), a])).values()];
    for (const agent of firstOfEachRole) {
      const single = new SingleAgentEnv(make(id), agent, () => new RandomAgent());
      expect(failures(checkSingleAgentEnv(single, { seed: 5, steps: 120 })), agent).toEqual([]);
    }
  });
});

// Each preset (a game's published instance, say) is an env configuration of its own.
const presets: [string, string, string][] = registeredIds().flatMap((id) => presetNames(id).map((name): [string, string, string] => [`${id} --preset ${name}`, id, name]));
if (presets.length === 0) presets.push(['(no presets)', '', '']);
describe.each(presets)('%s conforms', (_label, id, name) => {
  it.runIf(id !== '')('passes checkEnv and checkSingleAgentEnv for each role', () => {
    const options = presetOptions(id, name);
    expect(failures(checkEnv(make(id, options), { seed: 6, steps: 150 }))).toEqual([]);
    const probe = make(id, options);
    const firstOfEachRole = [...new Map(probe.possibleAgents.map((a) => [a.replace(/_\d+$/, ''), a])).values()];
    for (const agent of firstOfEachRole) {
      const single = new SingleAgentEnv(make(id, options), agent, () => new RandomAgent());
      expect(failures(checkSingleAgentEnv(single, { seed: 7, steps: 100 })), agent).toEqual([]);
    }
  });
});

it('every registered id is checked', () => {
  expect(registeredIds()).toContain('attention-market-v0');
});
