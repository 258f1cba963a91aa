import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PERSUASION_PRESETS, SINGLE_USER_PRESETS } from '../games/persuasion/presets.js';
import { alignedValue, marketAlignment } from '../games/persuasion/analysis/index.js';
import type { AnalysisReport } from '../games/persuasion/analysis/report.js';
import { captureIO } from '../cli/io.js';
import { runCli } from '../cli/program.js';

const PLURAL = 'pluralistic-market-v0';
const SINGLE = 'emergent-alignment-v0';

async function cli(...argv: string[]) {
  const io = captureIO();
  const code = await runCli(['analyze', ...argv], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

type ReportJson = AnalysisReport & { env: string; options: Record<string, unknown> };

async function json(...argv: string[]): Promise<ReportJson> {
  const r = await cli(...argv, '--json');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as ReportJson;
}

describe('buddy-gym analyze: every preset, text and --json', () => {
  for (const preset of Object.keys(PERSUASION_PRESETS)) {
    it(`${preset}: V*, ε* (both kinds), KG when binary, NashConv and gaps, the same numbers in text and JSON`, async () => {
      const instance = PERSUASION_PRESETS[preset];
      const report = await json(PLURAL, '--preset', preset);
      expect(report.env).toBe(PLURAL);
      expect(report.options.preset).toBe(preset);
      expect(report.instance.name).toBe(preset);
      expect(report.userTypes.map((t) => t.alignedValue)).toEqual(alignedValue(instance));
      const anonymous = await marketAlignment(instance, { personalized: false });
      const personal = await marketAlignment(instance, { personalized: true });
      report.marketAlignment.anonymous.types.forEach((t, th) => expect(t.epsilon).toBeCloseTo(anonymous.types[th].epsilon, 9));
      report.marketAlignment.personalized.types.forEach((t, th) => {
        expect(t.epsilon).toBeCloseTo(personal.types[th].epsilon, 9);
        expect(Object.keys(t.weights)).toEqual(instance.providers.map((p) => p.name));
      });
      expect(report.kamenicaGentzkow === null).toBe(instance.states.length !== 2);
      for (const profile of [report.profiles.truthful, report.profiles.babbling]) {
        expect(profile.nashConv).not.toBeNull();
        expect(profile.nashConv!).toBeGreaterThanOrEqual(0);
        for (const u of profile.users) expect(u.gap).toBeCloseTo(u.alignedValue - u.value, 12);
        for (const p of profile.providers) expect(p.bestResponseValue! + 1e-9).toBeGreaterThanOrEqual(p.value);
      }
      // Every preset reveals y with its messages: truth-telling gives each type its V*.
      for (const u of report.profiles.truthful.users) expect(u.gap).toBeCloseTo(0, 12);

      const text = await cli(PLURAL, '--preset', preset);
      expect(text.code).toBe(0);
      expect(text.out).toContain(`${PLURAL}: instance ${preset}: ${instance.states.length} states`);
      for (const [th, t] of report.userTypes.entries()) {
        const row = new RegExp(`^ {2}${t.type}\\s+${t.weight.toFixed(3)}\\s+${t.alignedValue.toFixed(4)}\\s+${report.marketAlignment.anonymous.types[th].epsilon.toFixed(4)}\\s+${report.marketAlignment.personalized.types[th].epsilon.toFixed(4)}`, 'm');
        expect(text.out).toMatch(row);
      }
      expect(text.out).toMatch(new RegExp(`^ {2}truthful\\s+${report.profiles.truthful.nashConv!.toFixed(4)}$`, 'm'));
      expect(text.out).toMatch(new RegExp(`^ {2}babbling\\s+${report.profiles.babbling.nashConv!.toFixed(4)}$`, 'm'));
      if (report.kamenicaGentzkow) for (const kg of report.kamenicaGentzkow) expect(text.out).toMatch(new RegExp(`^ {2}${kg.provider}\\s+${kg.value.toFixed(4)}\\s`, 'm'));
      else expect(text.out).toContain('NOTE: the Kamenica–Gentzkow optimum is computed for binary states');
    });
  }

  it('kg-single: the Kamenica–Gentzkow signal of GAMES.md (μ = 0.3, b = 0.75)', async () => {
    const r = await json(SINGLE, '--preset', 'kg-single');
    const kg = r.kamenicaGentzkow![0];
    expect(kg.value).toBeCloseTo(0.7 * 0.25 + 2 * 0.75 * 0.3, 12);
    expect(kg.users[0].recommendation[1][1]).toBeCloseTo(1, 12);
    expect(kg.users[0].recommendation[0][1]).toBeCloseTo(0.3 / 0.7, 12);
    expect(kg.users[0].accuracy).toBeCloseTo(0.7, 12);
    // Alone, the biased provider gains by persuading even against truth-telling.
    expect(r.profiles.truthful.nashConv).toBeCloseTo(kg.value - r.profiles.truthful.providers[0].value, 9);
  });

  it('two-opposed (the default of emergent-alignment-v0): ε* = 0 with w = (½, ½) and truth-telling is an equilibrium', async () => {
    const r = await json(SINGLE);
    expect(r.instance.name).toBe('two-opposed');
    expect(r.marketAlignment.anonymous.epsilon).toBeLessThan(1e-9);
    expect(Object.values(r.marketAlignment.anonymous.types[0].weights).map((w) => +w.toFixed(9))).toEqual([0.5, 0.5]);
    expect(r.profiles.truthful.nashConv).toBeLessThan(1e-9);
    expect(r.profiles.truthful.users[0].accuracy).toBe(1);
  });

  it('two-types: anonymous babbling is an equilibrium; personalised, only truth-telling is', async () => {
    const anonymous = await json(PLURAL, '--preset', 'two-types');
    expect(anonymous.profiles.babbling.nashConv).toBeLessThan(1e-9);
    expect(anonymous.profiles.babbling.users.map((u) => u.gap)).toEqual([0.5, 0.5]);
    const personal = await json(PLURAL, '--preset', 'two-types', '--option', 'personalized=true');
    expect(personal.options.personalized).toBe(true);
    expect(personal.profiles.babbling.nashConv).toBeCloseTo(0.5, 9);
    expect(personal.profiles.truthful.nashConv).toBeLessThan(1e-9);
    expect(personal.marketAlignment.personalized.epsilon).toBeLessThan(1e-9);
    expect(personal.marketAlignment.anonymous.epsilon).toBeCloseTo(0.5, 9);
  });

  it('reads a custom instance from a file and says which options it could not cover', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'analyze-'));
    const file = join(dir, 'instance.json');
    const custom = { ...PERSUASION_PRESETS['two-opposed'], name: 'my-market', description: 'a custom copy' };
    writeFileSync(file, JSON.stringify(custom));
    const r = await cli(PLURAL, '--option', `instance=@${file}`, '--option', 'selection=best-after-evaluation', '--option', 'response=quantal', '--option', 'beta=4');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${PLURAL}: instance my-market (custom): 2 states, 2 actions, 2 messages, 2 providers, 1 user type`);
    expect(r.out).toMatch(/NOTE: selection "best-after-evaluation" is dynamic .* not covered by the exact tools/);
    expect(r.out).toMatch(/NOTE: NashConv is for Bayes users .* quantal response with β = 4/);
    // Quantal users at β = 4 do worse than the Bayes users of the same truthful profile.
    const quantal = await json(PLURAL, '--option', `instance=@${file}`, '--option', 'response=quantal', '--option', 'beta=4');
    expect(quantal.profiles.truthful.users[0].gap).toBeGreaterThan(0.01);
    expect(quantal.profiles.truthful.users[0].gap).toBeLessThanOrEqual(Math.log(2) / 4);
  });
});

describe('buddy-gym analyze: mistakes, exit code 2 and one line saying what is wrong', () => {
  const cases: [string[], RegExp][] = [
    [[], /which env\? give an env id: buddy-gym analyze emergent-alignment-v0 \| pluralistic-market-v0/],
    [['attention-market-v0'], /analyze knows emergent-alignment-v0, pluralistic-market-v0, consensus-game-v0; attention-market-v0 has no exact analysis/],
    [['nope-v0'], /analyze knows .*; "nope-v0" is not a registered env id/],
    [['consensus-game-v0', '--preset', 'nope'], /--preset: consensus-game-v0 has no preset "nope"; its presets are example, geography/],
    [['consensus-game-v0', '--option', 'erIterations=0'], /--option: .*erIterations/],
    [[PLURAL, SINGLE], /expected one env id, got 2/],
    [[PLURAL, '--bogus'], /unknown flag --bogus; the flags of "analyze" are --preset, --option, --json, --help/],
    [[PLURAL, '--preset'], /flag --preset needs a value <NAME>/],
    [[PLURAL, '--preset', 'nope'], /--preset: pluralistic-market-v0 has no preset "nope"; its presets are kg-single, .*two-types/],
    [[SINGLE, '--preset', 'two-types'], /--preset: emergent-alignment-v0 has no preset "two-types"; its presets are kg-single, two-opposed/],
    [[SINGLE, '--option', 'preset=two-types'], /--option: emergent-alignment-v0: option "preset" = "two-types" is not allowed: must be one of "kg-single", "two-opposed"/],
    [[PLURAL, '--option', 'personalized=maybe'], /--option: pluralistic-market-v0: option "personalized" = "maybe" is not allowed: must be true or false/],
    [[PLURAL, '--option', 'signalNoise=1'], /option "signalNoise" = 1 .*must be below 1/],
    [[PLURAL, '--option', 'novel'], /--option expects key=value, got "novel"/],
    [[PLURAL, '--option', 'instance=@/no/such/file.json'], /--option: cannot read \/no\/such\/file.json/],
    [[PLURAL, '--option', 'instance={"name":"x"}'], /option "instance" .*is not allowed/],
    [[PLURAL, '--preset', 'kg-single', '--option', 'preset=two-types'], /give preset once: --preset kg-single sets preset="kg-single" and --option sets it again/],
    [[PLURAL, '--preset', 'kg-single', '--option', `instance=${JSON.stringify(PERSUASION_PRESETS['kg-single'])}`], /give instance once: --preset kg-single sets instance=null and --option sets it again/],
  ];
  for (const [argv, message] of cases) {
    it(`analyze ${argv.join(' ').slice(0, 60)}`, async () => {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^buddy-gym analyze: /);
      expect(r.err).toMatch(message);
    });
  }

  it('is listed in the program help and documents its flags', async () => {
    const io = captureIO();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/^ {2}analyze\s+exact analysis: persuasion/m);
    const help = await cli('--help');
    expect(help.code).toBe(0);
    for (const flag of ['--preset', '--option', '--json', '--help']) expect(help.out).toContain(flag);
    expect(help.out).toContain(`buddy-gym analyze ${PLURAL} --preset two-types --option personalized=true`);
    expect(SINGLE_USER_PRESETS).toContain('kg-single');
  });
});

describe('buddy-gym analyze consensus-game-v0', () => {
  it('runs Equilibrium-Ranking on every question of a preset: rankings, accuracy and a residual that shrinks with T', async () => {
    const report = async (T: number) => {
      const r = await cli('consensus-game-v0', '--preset', 'geography', '--option', `erIterations=${T}`, '--json');
      expect(r.code).toBe(0);
      return JSON.parse(r.out) as { env: string; questions: { rankings: { erG: number[] } }[]; maxResidual: number; params: { iterations?: number; T?: number } };
    };
    const short = await report(100);
    const long = await report(3000);
    expect(short.env).toBe('consensus-game-v0');
    expect(long.questions.length).toBeGreaterThan(0);
    for (const q of long.questions) expect([...q.rankings.erG].sort((a, b) => a - b)).toEqual(q.rankings.erG.map((_, i) => i));
    expect(long.maxResidual).toBeLessThan(short.maxResidual);
    const text = await cli('consensus-game-v0');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^accuracy \(top answer.*ER-G \d+(\.\d+)?%, ER-D/m);
    expect(text.out).toMatch(/largest fixed-point residual/);
  });
});
