import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { AttentionMarketEnv } from '../games/attention-market/env.js';
import { attentionMarketSpec } from '../games/attention-market/index.js';
import type { StepResult } from '../envs/core/env.js';
import { presetNames, register, registeredIds } from '../envs/registry.js';
import { checkSpec } from '../cli/check.js';
import { captureIO } from '../cli/io.js';
import { listSpec } from '../cli/list.js';
import type { PlaySummaryJson } from '../cli/play.js';
import { registeredGames } from '../training/game/registry.js';
import type { AttentionMarketPlayJson } from '../games/attention-market/play-report.js';

/** What `play attention-market-v0 --json` prints: the common summary and the market's own figures. */
type MarketPlayJson = PlaySummaryJson & AttentionMarketPlayJson;
import { playSpec } from '../cli/play-spec.js';
import { COMMANDS, runCli } from '../cli/program.js';

const ID = 'attention-market-v0';
const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs a command line; play imports its module (and TensorFlow.js) on first use, so every call is awaited. */
async function cli(...argv: string[]) {
  const io = captureIO();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n'), stderr: io.stderr };
}

/** The rows of play's table: label → [mean, ci] as numbers. */
function tableRows(out: string): Map<string, [number, number]> {
  const rows = new Map<string, [number, number]>();
  for (const line of out.split('\n')) {
    const m = /^(\S.*?|\s+\S.*?)\s{2,}(-?\d+\.\d+)\s+± (\d+\.\d+|n\/a)$/.exec(line);
    if (m) rows.set(m[1].trim(), [Number(m[2]), m[3] === 'n/a' ? NaN : Number(m[3])]);
  }
  return rows;
}

describe('buddy-gym list', () => {
  it('lists every registered id with agents, phases and its description', async () => {
    const r = await cli('list');
    expect(r.code).toBe(0);
    for (const id of registeredIds()) expect(r.out).toContain(id);
    expect(r.out).toMatch(/attention-market-v0\s+8 goal, 4 user\s+goal -> user\s+User Buddies fill N attention slots/);
  });

  it('prints the options table of one env (as `list <id>` and `list --options <id>`)', async () => {
    const a = await cli('list', ID);
    expect(a.code).toBe(0);
    for (const name of Object.keys(attentionMarketSpec.optionSchema)) expect(a.out).toMatch(new RegExp(`^${name}\\s`, 'm'));
    expect(a.out).toMatch(/^slots\s+an integer in \[1, 4096\]\s+3\s+attention slots/m);
    expect(a.out).toMatch(/^feedback\s+one of "click", "rating"\s+"click"/m);
    expect((await cli('list', '--options', ID)).out).toBe(a.out);
  });

  it('prints JSON and markdown', async () => {
    const ids = JSON.parse((await cli('list', '--json')).out) as { id: string; roles: Record<string, number>; phases: string[] }[];
    expect(ids.find((e) => e.id === ID)).toMatchObject({ roles: { goal: 8, user: 4 }, phases: ['goal', 'user'] });
    const opts = JSON.parse((await cli('list', ID, '--json')).out) as { name: string; default: unknown }[];
    expect(opts.find((o) => o.name === 'rounds')?.default).toBe(32);
    expect((await cli('list', ID, '--markdown')).out).toContain('| `dim` | an integer in [1, 1024] | `16` | embedding dimension D |');
  });
});

describe('buddy-gym check', () => {
  it('checks one env: every check marked, exit 0', async () => {
    const r = await cli('check', ID, '--steps', '60', '--seed', '3');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${ID} (seed 3, 60 steps)`);
    expect(r.out).toMatch(/✓ determinism/);
    expect(r.out).not.toContain('✗');
    expect(r.out).toMatch(/\d+ passed, 0 failed/);
  });

  it('checks every env with --all, and marks in ASCII with --ascii', async () => {
    const r = await cli('check', '--all', '--steps', '40', '--ascii');
    expect(r.code).toBe(0);
    let targets = 0;
    for (const id of registeredIds()) {
      expect(r.out).toContain(`${id} (seed 0, 40 steps)`);
      for (const name of presetNames(id)) expect(r.out).toContain(`${id} --preset ${name} (seed 0, 40 steps)`);
      targets += 1 + presetNames(id).length;
    }
    expect(r.out).toMatch(/^ {2}OK {3}close twice$/m);
    expect(r.out).not.toMatch(/[✓✗]/);
    expect(r.out).toContain(`all ${targets} env(s) pass`);
  });

  it('exits 1 and marks the failed check when an env breaks the contract', async () => {
    // An attention market whose rewards are NaN.
    class NaNRewards extends AttentionMarketEnv {
      override step(actions: Parameters<AttentionMarketEnv['step']>[0]): StepResult<ReturnType<AttentionMarketEnv['reset']>['observations'][string]> {
        const out = super.step(actions);
        for (const k of Object.keys(out.rewards)) out.rewards[k] = NaN;
        return out;
      }
    }
    register({ ...attentionMarketSpec, id: 'broken-market-v0', createEnv: (o) => new NaNRewards(o) });
    const r = await cli('check', 'broken-market-v0', '--steps', '20');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ rewards finite: .*/);
    expect(r.out).toMatch(/[1-9]\d* failed/);
    expect(r.out).toContain('1 of 1 env(s) FAILED');
    expect((await cli('check', '--all', '--steps', '20')).code).toBe(1);
  });
});

describe('buddy-gym play', () => {
  it('prints a summary table with every metric and its 95% CI', async () => {
    const r = await cli('play', ID, '--goals', 'exaggerate', '--users', 'greedy', '--episodes', '5', '--seed', '1');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain(`${ID}: 5 episodes (seeds 1..5), 32 rounds each`);
    expect(r.out).toContain('goal: 8 x exaggerate');
    expect(r.out).toContain('user: 4 x greedy');
    const rows = tableRows(r.out);
    for (const label of [
      'user regret per round (mean over users)',
      'normalised regret (0 best set, 1 worst)',
      'user welfare per round (sum of true relevance)',
      'visibility share of the most-visible goal (fair 0.125)',
      'generation cost per goal per round',
      'honesty: |e - g| per creation (0 = honest)',
      'estimate error |q/|q| - theta|, mean over rounds',
      'estimate error after the last round',
      'goal return per episode (exaggerate, per goal)',
      'user return per episode (greedy, per user)',
    ]) {
      const row = rows.get(label);
      expect(row, label).toBeDefined();
      expect(Number.isFinite(row![0]) && Number.isFinite(row![1]), label).toBe(true);
    }
    expect(rows.get('user regret per round (mean over users)')![0]).toBeGreaterThan(0);
    // Same command, same numbers.
    expect((await cli('play', ID, '--goals', 'exaggerate', '--users', 'greedy', '--episodes', '5', '--seed', '1')).out).toBe(r.out);
  });

  it('prints the same summary as JSON with --json', async () => {
    const r = await cli('play', ID, '--goals', 'exaggerate:4,honest:4', '--users', 'softmax', '--episodes', '4', '--seed', '9', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as MarketPlayJson;
    expect(j).toMatchObject({ env: ID, episodes: 4, seed: 9, numEnvs: 1, rounds: 32, notes: [], players: { goal: 'exaggerate:4,honest:4', user: 'softmax' } });
    expect(j.options).toMatchObject({ goals: 8, users: 4, slots: 3 });
    expect(j.groups.goal).toEqual([
      { type: 'exaggerate', count: 4, agent: 'exaggerate(0.5)', ids: ['goal_0', 'goal_1', 'goal_2', 'goal_3'], cheatingReference: false },
      { type: 'honest', count: 4, agent: 'honest', ids: ['goal_4', 'goal_5', 'goal_6', 'goal_7'], cheatingReference: false },
    ]);
    for (const k of ['meanRegret', 'meanNormalizedRegret', 'welfare', 'topGoalVisibilityShare', 'generationCost', 'honesty', 'estimateError', 'finalEstimateError']) {
      expect(j.market[k].n, k).toBe(4);
      expect(typeof j.market[k].mean, k).toBe('number');
      expect(typeof j.market[k].ci95, k).toBe('number');
    }
    // The round metrics (every game's) agree with the market's own figures.
    expect(j.metrics.meanRegret.mean).toBeCloseTo(j.market.meanRegret.mean!, 12);
    for (const side of ['goal', 'user']) expect(typeof j.reward[side].mean).toBe('number');
    expect(Object.keys(j.rewardByGroup.goal)).toEqual(['exaggerate', 'honest']);
    const share = (t: string) => (j.byGoalType[t].visibilityShare as { mean: number }).mean;
    expect(share('exaggerate') + share('honest')).toBeCloseTo(1, 12);
    expect(j.byGoalType.honest.honesty).toEqual({ mean: 0, ci95: 0, n: 4 });
    // The text form shows the same numbers.
    const text = tableRows((await cli('play', ID, '--goals', 'exaggerate:4,honest:4', '--users', 'softmax', '--episodes', '4', '--seed', '9')).out);
    expect(text.get('user regret per round (mean over users)')![0]).toBeCloseTo(j.metrics.meanRegret.mean!, 4);
    expect(text.get('visibility share of honest goals (4, fair 0.500)')![0]).toBeCloseTo(share('honest'), 4);
  });

  it('gives honest goals and oracle users a mean regret of exactly 0, and marks the oracle as cheating', async () => {
    const j = JSON.parse((await cli('play', ID, '--goals', 'honest', '--users', 'oracle', '--episodes', '3', '--json')).out) as MarketPlayJson;
    expect(j.metrics.meanRegret).toEqual({ mean: 0, ci95: 0, n: 3 });
    expect(j.metrics.meanNormalizedRegret.mean).toBe(0);
    expect(j.groups.user[0]).toMatchObject({ type: 'oracle', cheatingReference: true });
    expect(j.notes.join(' ')).toMatch(/CHEATING REFERENCE/);
    const text = await cli('play', ID, '--goals', 'honest', '--users', 'oracle', '--episodes', '3');
    expect(text.out).toMatch(/CHEATING REFERENCE/);
    expect(tableRows(text.out).get('user regret per round (mean over users)')).toEqual([0, 0]);
  });

  it('shows per-type rows for mixed goals and users, with env options', async () => {
    const r = await cli('play', ID, '--option', 'goals=6', '--option', 'rounds=8', '--goals', 'exaggerate:2,honest:3,random:1', '--users', 'greedy:2,oracle:2', '--episodes', '2');
    expect(r.code).toBe(0);
    expect(r.out).toContain('options: goals=6, rounds=8, others default');
    expect(r.out).toContain('8 rounds each');
    const rows = tableRows(r.out);
    for (const label of [
      'visibility share of exaggerate goals (2, fair 0.333)',
      'visibility share of honest goals (3, fair 0.500)',
      'visibility share of random goals (1, fair 0.167)',
      'greedy users (2)',
      'oracle users (2) [cheating reference]',
    ]) {
      expect(rows.has(label), label).toBe(true);
    }
  });

  it('prints n/a for the CI of a single episode', async () => {
    const r = await cli('play', ID, '--episodes', '1', '--option', 'rounds=2');
    expect(r.code).toBe(0);
    expect(tableRows(r.out).get('normalised regret (0 best set, 1 worst)')![1]).toBeNaN();
    const j = JSON.parse((await cli('play', ID, '--episodes', '1', '--option', 'rounds=2', '--json')).out) as MarketPlayJson;
    expect(j.metrics.meanRegret.ci95).toBeNull();
  });
});

describe('mistakes in the command line: one line naming what is wrong, exit code 2', () => {
  const cases: [string[], RegExp][] = [
    [['dashboard'], /which runs\?/],
    [['nope'], /unknown command "nope".*the commands are list, check, play, train, eval, info/],
    [['--bogus'], /unknown flag --bogus/],
    [['help', 'nope'], /unknown command "nope"/],
    [['list', '--bogus'], /unknown flag --bogus; the flags of "list" are --options, --json/],
    [['list', 'nope-v0'], /unknown env id "nope-v0"; registered ids: .*attention-market-v0/],
    [['list', '--options'], /flag --options needs a value/],
    [['list', ID, '--json', '--markdown'], /--json or --markdown/],
    [['check'], /give an env id \(.*attention-market-v0.*\) or --all/],
    [['check', ID, '--all'], /either an env id or --all/],
    [['check', 'nope-v0'], /unknown env id "nope-v0"/],
    [['check', ID, '--steps', '0'], /--steps must be an integer in \[1, 10000000\], got "0"/],
    [['check', ID, '--seed', '-1'], /flag --seed needs a value.*--seed=VALUE/],
    [['check', ID, '--seed=-1'], /--seed must be an integer in \[0, \d+\], got "-1"/],
    [['check', ID, '--steps'], /flag --steps needs a value <K>/],
    [['play'], /which env\? give an env id/],
    [['play', 'nope-v0'], /unknown env id "nope-v0"/],
    [['play', ID, 'extra'], /expected one env id, got 2/],
    [['play', ID, '--episodes', '2.5'], /--episodes must be an integer in \[1, 1000000\], got "2.5"/],
    [['play', ID, '--episodes', 'ten'], /--episodes must be an integer .* got "ten"/],
    [['play', ID, '--episodes', '0'], /--episodes must be an integer in \[1, 1000000\], got "0"/],
    [['play', ID, '--episodes'], /flag --episodes needs a value <K>/],
    [['play', ID, '--episodes', '--json'], /flag --episodes needs a value <K>/],
    [['play', ID, '--episodes', '3', '--episodes', '4'], /flag --episodes is given 2 times/],
    [['play', ID, '--seed', '1.5'], /--seed must be an integer/],
    [['play', ID, '--json=yes'], /flag --json takes no value/],
    [['play', ID, '-x'], /unknown flag -x; the flags of "play" are --side, --goals, --users, --agent, --preset, --option, --episodes, --num-envs, --seed, --json, --help/],
    [['play', ID, '--goals', 'liar'], /--goals: unknown goal agent "liar"; the goal agents are honest, exaggerate, random/],
    [['play', ID, '--users', 'psychic'], /--users: unknown user agent "psychic"; the user agents are greedy, softmax, random, oracle/],
    [['play', ID, '--goals', 'exaggerate:4,honest:3'], /--goals: the counts in "exaggerate:4,honest:3" add up to 7, but the env has 8 goal agents/],
    [['play', ID, '--goals', 'exaggerate:4,honest'], /--goals: give a count for each agent of a mix/],
    [['play', ID, '--goals', 'honest:0,exaggerate:8'], /--goals: the count of "honest" must be a positive integer, got "0"/],
    [['play', ID, '--goals', 'honest:4,honest:4'], /--goals: "honest" appears twice/],
    [['play', ID, '--users', 'greedy:5'], /--users: the counts in "greedy:5" add up to 5, but the env has 4 user agents/],
    [['play', ID, '--goals', ''], /--goals: cannot read ""/],
    [['play', ID, '--option', 'dim'], /--option expects key=value, got "dim"; the options of attention-market-v0 are dim, users/],
    [['play', ID, '--option', 'dim=abc'], /option "dim" = "abc" is not allowed: must be an integer in \[1, 1024\]/],
    [['play', ID, '--option', 'costWeight=-1'], /option "costWeight" = -1 is not allowed: must be a finite number in \[0, 1000000\]/],
    [['play', ID, '--option', 'slots=100'], /option "slots" = 100 is not allowed: must be at most goals × creationsPerGoal = 16/],
    [['play', ID, '--option', 'feedback=loud'], /option "feedback" = "loud" is not allowed: must be one of "click", "rating"/],
    [['play', ID, '--option', 'colour=red'], /option "colour" = "red" is not allowed: unknown option; the options are dim, users/],
    [['play', ID, '--option', 'dim=4', '--option', 'dim=5'], /--option dim is given twice/],
  ];
  it.each(cases)('%j', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.stderr).toHaveLength(1);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/^buddy-gym( \w+)?: /);
    expect(r.err).not.toMatch(/\n|\bat .*\(.*:\d+:\d+\)/);
  });

  it('prints the program help on stderr with exit 2 when no command is given', async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.err).toContain('Usage:');
  });
});

describe('--help', () => {
  it('documents the program and every command', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await cli(...argv);
      expect(r.code).toBe(0);
      for (const c of COMMANDS) expect(r.out).toMatch(new RegExp(`^ {2}${c.spec.name}\\s+${c.spec.summary.replace(/[()]/g, '.')}`, 'm'));
    }
    expect((await cli('--version')).out).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([listSpec, checkSpec, playSpec])('documents every flag of $name', async (spec) => {
    const r = await cli(spec.name, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`buddy-gym ${spec.name}: ${spec.summary}`);
    for (const f of spec.flags) expect(r.out).toMatch(new RegExp(`--${f.name}\\b.*\\S`));
    expect((await cli('help', spec.name)).out).toBe(r.out);
    expect((await cli(spec.name, '-h')).out).toBe(r.out);
  });

  it('names every agent of play, the oracle as the cheating reference', async () => {
    const out = (await cli('play', '--help')).out;
    for (const name of ['honest', 'exaggerate', 'random', 'greedy', 'softmax', 'oracle\\*']) expect(out).toMatch(new RegExp(`^ {4}${name}\\s+\\S`, 'm'));
    expect(out).toMatch(/oracle\*\s+CHEATING REFERENCE/);
    // Every registered game's sides are listed, each with its baselines.
    for (const g of registeredGames()) expect(out).toContain(`  ${g.env.id}, `);
  });

  it('commands are plain functions of argv and an output sink; --help is answered once, by runCli', async () => {
    const io = captureIO();
    expect(await runCli(['play', '--help'], io)).toBe(0);
    expect(io.stdout[0]).toMatch(/^buddy-gym play:/);
  });
});

describe('the real bin/buddy-gym.js', () => {
  beforeAll(() => {
    const build = inject('distBuild');
    if (build.error) throw new Error(build.error);
  });
  const bin = (...argv: string[]) => spawnSync(process.execPath, ['bin/buddy-gym.js', ...argv], { cwd: root, encoding: 'utf8', timeout: 30_000 });

  it('plays and prints JSON, exit 0', () => {
    const r = bin('play', ID, '--goals', 'honest', '--users', 'oracle', '--episodes', '2', '--seed', '4', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as PlaySummaryJson).metrics.meanRegret.mean).toBe(0);
  });

  it('lists and checks', () => {
    const list = bin('list');
    expect(list.status).toBe(0);
    expect(list.stdout).toContain(ID);
    const check = bin('check', '--all', '--steps', '30');
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('env(s) pass');
  });

  it('reports a mistake in one line on stderr, exit 2, no stack trace', () => {
    const r = bin('play', ID, '--episodes', 'many');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('buddy-gym play: --episodes must be an integer in [1, 1000000], got "many"\n');
  });
});
