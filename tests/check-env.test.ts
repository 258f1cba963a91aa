import { describe, expect, it } from 'vitest';
import {
  assertConforms,
  assertEnvConforms,
  checkAnyEnv,
  checkEnv,
  checkSingleAgentEnv,
  EnvCheckError,
  failedChecks,
  firstDifference,
  invalidAction,
  PARALLEL_CHECK_NAMES,
  SINGLE_AGENT_CHECK_NAMES,
} from '../envs/check/index.js';
import { Rng } from '../envs/core/rng.js';
import { Box, Dict, Discrete, MultiDiscrete, Subset } from '../envs/core/spaces/index.js';
import type { Space } from '../envs/core/spaces/space.js';
import { SingleAgentEnv } from '../envs/wrappers/index.js';
import type { SingleStepResult } from '../envs/wrappers/index.js';
import type { Agent } from '../agents/agent.js';
import { BROKEN_CASES, NanReward, SeedIgnored } from './fixtures/broken-toy-envs.js';
import { FOLLOWER_0, FOLLOWER_1, LEADER, ToyEnv, type ToyAction, type ToyObservation } from './fixtures/toy-env.js';

const randomPolicies = (env: ToyEnv) => (id: string): Agent => ({ name: 'random', act: (_obs, ctx) => env.actionSpace(id).sample(ctx.rng) });

describe('checkEnv on the correct toy env', () => {
  const report = checkEnv(new ToyEnv());

  it('runs every check, in a stable order, and all pass without being skipped', () => {
    expect(report.checks.map((c) => c.name)).toEqual([
      'spaces returned by identity',
      'reset returns every live agent',
      'sampled actions accepted',
      'keys of step results are the live agents',
      'agents are possible agents',
      'done agents leave agents',
      'terminated agents never reappear',
      'acting agents are live',
      'observations inside their spaces',
      'rewards finite',
      'done flags are booleans',
      'infos are objects',
      'step after the end throws',
      'bad action rejected and state unchanged',
      "non-acting agents' actions rejected",
      'missing acting agent rejected',
      'determinism over many steps',
      'different seeds give different trajectories',
      'reset(seed) honoured at every step',
      'reset with options',
      'close twice',
    ]);
    expect(PARALLEL_CHECK_NAMES).toEqual(report.checks.map((c) => c.name));
    expect(failedChecks(report)).toEqual([]);
    expect(report.checks.filter((c) => c.skipped)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.envId).toBe('toy-leader-follower-v0');
  });

  it('covers many steps across episodes: 200 steps, 20 episodes of 10, 60 departures', () => {
    const detail = (name: string) => report.checks.find((c) => c.name === name)?.detail;
    expect(detail('sampled actions accepted')).toBe('200 steps over 20 episode(s)');
    expect(detail('determinism over many steps')).toBe('200 steps over 20 episode(s) identical');
    // follower_1 terminates in every episode, the two others are truncated.
    expect(detail('terminated agents never reappear')).toBe('60 departures');
    expect(detail('step after the end throws')).toMatch(/^after 10 steps: EnvStateError/);
  });

  it('honours opts.steps and opts.seed', () => {
    const short = checkEnv(new ToyEnv(), { steps: 25, seed: 9 });
    expect(short.ok).toBe(true);
    expect(short.checks.find((c) => c.name === 'sampled actions accepted')?.detail).toBe('25 steps over 3 episode(s)');
    expect(() => checkEnv(new ToyEnv(), { steps: 0 })).toThrow(/steps must be a positive integer/);
  });
});

describe('checkEnv catches each fault by the check named for it', () => {
  for (const [fault, c] of Object.entries(BROKEN_CASES)) {
    it(fault, () => {
      const report = checkEnv(c.make());
      expect(report.ok).toBe(false);
      expect(new Set(failedChecks(report))).toEqual(new Set(c.fails));
      const main = report.checks.find((r) => r.name === c.fails[0])!;
      expect(main.detail).toContain(c.mentions);
    });
  }

  it('names the agent and the step in the detail', () => {
    const report = checkEnv(BROKEN_CASES['NaN reward'].make());
    expect(report.checks.find((c) => c.name === 'rewards finite')?.detail).toMatch(
      /^step 1 \(episode 0, step 1\): agent "follower_0" got reward NaN; step 11 \(episode 1, step 1\)/,
    );
  });

  it('seedSensitive: false skips the different-seed check instead of failing', () => {
    const report = checkEnv(new SeedIgnored(), { seedSensitive: false });
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.name === 'different seeds give different trajectories')).toEqual({
      name: 'different seeds give different trajectories',
      ok: true,
      skipped: true,
      detail: 'seedSensitive is false',
    });
  });
});

describe('assertConforms and assertEnvConforms', () => {
  it('return the report of a conforming env', () => {
    expect(assertEnvConforms(new ToyEnv()).ok).toBe(true);
  });

  it('throw an EnvCheckError listing every failed check', () => {
    const report = checkEnv(BROKEN_CASES['bad action mutates state before throwing'].make());
    let error: unknown;
    try {
      assertConforms(report);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvCheckError);
    expect((error as EnvCheckError).message).toMatch(
      /^toy-leader-follower-v0 failed 3 conformance check\(s\): "bad action rejected and state unchanged", "non-acting agents' actions rejected", "missing acting agent rejected"\n/,
    );
    expect((error as EnvCheckError).report).toBe(report);
  });
});

describe('checkSingleAgentEnv and checkAnyEnv', () => {
  it('checkAnyEnv dispatches on the kind of env', () => {
    const parallel = checkAnyEnv(new ToyEnv());
    expect(parallel.checks.map((c) => c.name)).toEqual(PARALLEL_CHECK_NAMES);
    const env = new ToyEnv();
    const single = checkAnyEnv(new SingleAgentEnv(env, LEADER, randomPolicies(env)));
    expect(single.checks.map((c) => c.name)).toEqual(SINGLE_AGENT_CHECK_NAMES);
    expect(SINGLE_AGENT_CHECK_NAMES).toContain('step returns observation, reward, terminated, truncated, info');
    expect(single.ok).toBe(true);
  });

  it('reports a NaN reward that reaches the controlled agent', () => {
    const env = new NanReward();
    const report = checkSingleAgentEnv(new SingleAgentEnv(env, FOLLOWER_0, randomPolicies(env)));
    expect(failedChecks(report)).toEqual(['rewards finite']);
    expect(report.checks.find((c) => c.name === 'rewards finite')?.detail).toMatch(/^step 0 \(episode 0, step 0\): reward NaN/);
  });

  it('reports results of the wrong shape and an ignored seed', () => {
    class NumericFlags extends SingleAgentEnv<ToyObservation, ToyAction, Record<string, never>> {
      override step(action: ToyAction): SingleStepResult<ToyObservation> {
        const r = super.step(action);
        return { ...r, terminated: (r.terminated ? 1 : 0) as unknown as boolean };
      }
    }
    // Fixed followers: the env is the only source of chance, and it ignores the seed.
    const fixed = { [FOLLOWER_0]: () => Float32Array.of(0.5, 0.5), [FOLLOWER_1]: () => Int32Array.of(0, 1) };
    const report = checkSingleAgentEnv(new NumericFlags(new SeedIgnored(), LEADER, fixed));
    expect(failedChecks(report)).toEqual([
      'step returns observation, reward, terminated, truncated, info',
      'different seeds give different trajectories',
    ]);
    expect(report.checks[3].detail).toMatch(/^step 0 \(episode 0, step 0\): terminated is 0, not a boolean/);
  });
});

describe('invalidAction', () => {
  const rng = new Rng(5);
  const spaces: [string, Space<unknown>][] = [
    ['Box', new Box(0, 1, [3])],
    ['Discrete', new Discrete(4, 2)],
    ['MultiDiscrete', new MultiDiscrete([2, 3])],
    ['Subset k = 3', new Subset(6, 3)],
    ['Subset k = 1', new Subset(6, 1)],
    ['Dict', new Dict({ pick: new Discrete(2), point: new Box(-1, 1, [2]) })],
  ];
  for (const [name, space] of spaces) {
    it(`makes an action outside ${name} without touching the valid one`, () => {
      const valid = space.sample(rng);
      const copy = structuredClone(valid);
      const bad = invalidAction(space, valid);
      expect(bad).not.toBeNull();
      expect(space.contains(bad!.action)).toBe(false);
      expect(firstDifference(valid, copy)).toBeNull();
    });
  }
});

describe('firstDifference', () => {
  it('compares numbers with Object.is and names the path', () => {
    expect(firstDifference({ a: [1, Number.NaN] }, { a: [1, Number.NaN] })).toBeNull();
    expect(firstDifference({ a: Float32Array.of(0) }, { a: Float32Array.of(-0) })).toBe('a[0]: 0 vs 0');
    expect(firstDifference({ obs: { x: Float32Array.of(1, 2) } }, { obs: { x: Float32Array.of(1, 3) } })).toBe('obs.x[1]: 2 vs 3');
    expect(firstDifference({ a: 1 }, { b: 1 })).toBe('a: present vs missing');
    expect(firstDifference(Float32Array.of(1), Float64Array.of(1))).toBe('value: Float32Array of length 1 vs Float64Array of length 1');
  });
});
