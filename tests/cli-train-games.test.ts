import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProfile, profileFor } from '../training/profiles/index.js';
import { trainSchema } from '../training/self-play/config.js';
import type { EvalJson } from '../cli/eval.js';
import type { PlaySummaryJson } from '../cli/play.js';
import { captureIO } from '../cli/io.js';
import { runCli } from '../cli/program.js';
import type { TrainSummaryJson } from '../cli/train.js';

async function cli(...argv: string[]) {
  const io = captureIO();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const TINY = ['--backend', 'cpu', '--quiet', '--set', 'numEnvs=2', '--set', 'hidden=8', '--set', 'epochs=1', '--set', 'minibatchSize=8', '--eval-episodes', '2', '--json'];

/** Every game besides the flagship, with options that keep an iteration tiny, and its sides. */
const GAMES: { id: string; options: string[]; sides: string[]; headline: string; train?: string[] }[] = [
  // Its recipe trains the price-setter alone; here both sides learn.
  { id: 'trade-market-v0', options: ['--option', 'rounds=4'], train: ['--set', 'train=all', '--set', 'opponents='], sides: ['price-setter', 'consumer'], headline: 'priceError' },
  { id: 'emergent-alignment-v0', options: ['--option', 'rounds=4', '--option', 'preset=kg-single'], sides: ['provider'], headline: 'gap' },
  { id: 'pluralistic-market-v0', options: ['--option', 'rounds=4', '--option', 'personalized=true'], sides: ['provider'], headline: 'gap' },
  { id: 'consensus-game-v0', options: ['--option', 'rounds=4'], sides: ['generator', 'discriminator'], headline: 'agreement' },
];

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bg-games-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(GAMES)('buddy-gym train and eval $id', ({ id, options, sides, headline, train = [] }) => {
  let summary: TrainSummaryJson;
  let code: number;
  beforeAll(async () => {
    const r = await cli('train', id, ...TINY, ...options, ...train, '--steps', '16', '--out', join(tmp, id));
    code = r.code;
    summary = JSON.parse(r.out) as TrainSummaryJson;
  });

  it('trains one policy per side, checkpoints, and evaluates each side against the references', () => {
    expect(code).toBe(0);
    expect(summary.env).toBe(id);
    expect(Object.keys(summary.lastIteration.updates).sort()).toEqual([...sides].sort());
    for (const side of sides) expect(summary.evaluation.some((e) => e.side === side && !e.label.includes('trained') && Number.isFinite(e.mode.candidate.mean))).toBe(true);
    const head = summary.evaluation.find((e) => e.metric === headline)!;
    expect(head.label).toMatch(/ trained/);
    expect(['better', 'worse', 'tie']).toContain(head.mode.verdict);
    expect(summary.checkpoint).toMatch(/step-0+16$/);
  });

  it('cross-plays the checkpoint with the baselines: every side has a reward and the headline metric', async () => {
    const r = await cli('eval', summary.checkpoint, '--episodes', '2', '--num-envs', '2', '--backend', 'cpu', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as EvalJson;
    expect(j.sides).toEqual(sides);
    const count = sides.reduce((n, s) => n * j.players[s].length, 1);
    expect(j.matchups).toHaveLength(count);
    for (const side of sides) expect(j.players[side][0]).toMatchObject({ kind: 'policy' });
    for (const m of j.matchups) {
      for (const side of sides) expect(Number.isFinite(m.reward[side].mean)).toBe(true);
      expect(m.metrics[headline]).toBeDefined();
    }
  });
});

describe('train settings that depend on the env', () => {
  it('refuses a side the env does not have, naming its sides', async () => {
    const r = await cli('train', 'trade-market-v0', ...TINY, '--set', 'train=user', '--steps', '8', '--out', join(tmp, 'bad-side'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no side "user"; its sides are price-setter, consumer/);
  });

  it('refuses an unknown baseline opponent, naming the agents there are', async () => {
    const r = await cli('train', 'trade-market-v0', ...TINY, '--set', 'train=consumer', '--set', 'opponents=price-setter=oracle-ish', '--steps', '8', '--out', join(tmp, 'bad-agent'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/the price-setter side has no baseline "oracle-ish"; its agents are policy, tatonnement, fixed/);
  });

  it('refuses population mode where there are not two sides', async () => {
    const r = await cli('train', 'emergent-alignment-v0', ...TINY, '--population', '--steps', '8', '--out', join(tmp, 'bad-pop'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/population mode \(PSRO\) needs a two-sided payoff table and emergent-alignment-v0 has 1 side\(s\)/);
  });

  it('trains one side against a baseline opponent', async () => {
    const r = await cli('train', 'trade-market-v0', ...TINY, '--option', 'rounds=4', '--set', 'train=price-setter', '--set', 'opponents=consumer=demand-curve', '--steps', '16', '--out', join(tmp, 'one-side'));
    expect(r.code).toBe(0);
    expect(Object.keys((JSON.parse(r.out) as TrainSummaryJson).lastIteration.updates)).toEqual(['price-setter']);
  });
});

describe("each game's training recipe (its profile's trainDefaults)", () => {
  const settingsOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { settings: Record<string, unknown> }).settings;

  it('plain train <id> uses the recipe; --config overrides it, and flags override both', async () => {
    // A recipe of our own on a registered env, so that the test does not depend on the shipped numbers.
    const id = 'emergent-alignment-v0';
    const shipped = profileFor(id, []);
    registerProfile({ ...shipped, trainDefaults: { learningRate: 0.005, gamma: 0.5, hidden: 12, logStdInit: -0.5 } });
    try {
      const base = ['--backend', 'cpu', '--quiet', '--eval-episodes', '0', '--option', 'rounds=2', '--steps', '4', '--set', 'numEnvs=2'];
      const plain = join(tmp, 'recipe-plain');
      expect((await cli('train', id, ...base, '--out', plain)).code).toBe(0);
      expect(settingsOf(plain)).toMatchObject({ learningRate: 0.005, gamma: 0.5, hidden: 12, logStdInit: -0.5, numEnvs: 2 });
      const file = join(tmp, 'recipe-config.json');
      writeFileSync(file, JSON.stringify({ learningRate: 0.002, hidden: 16 }));
      const layered = join(tmp, 'recipe-layered');
      expect((await cli('train', id, ...base, '--config', file, '--set', 'hidden=20', '--out', layered)).code).toBe(0);
      expect(settingsOf(layered)).toMatchObject({ learningRate: 0.002, gamma: 0.5, hidden: 20, logStdInit: -0.5 });
      // A recipe setting that clashes with a flag is named as the recipe's in the refusal.
      registerProfile({ ...shipped, trainDefaults: { train: 'provider', opponents: 'provider=truthful' } });
      const r = await cli('train', id, ...base, '--out', join(tmp, 'recipe-bad'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/emergent-alignment-v0's training recipe \(the trainDefaults of its profile\)/);
    } finally {
      registerProfile(shipped);
    }
  });

  it("each game's defaults are its results row's recipe (without the row's evaluation cadence)", () => {
    const rows: [string, string][] = [
      ['attention-market-v0', '4-self-play.json'],
      ['emergent-alignment-v0', '5-kg-single.json'],
      ['pluralistic-market-v0', '7-two-types.json'],
      ['consensus-game-v0', '11-consensus.json'],
    ];
    for (const [id, file] of rows) {
      const recipe = JSON.parse(readFileSync(new URL(`../recipes/${file}`, import.meta.url), 'utf8')) as { train: Record<string, unknown> };
      const { evalEvery: _evalEvery, ...train } = recipe.train;
      expect(profileFor(id, []).trainDefaults, `${id} and recipes/${file}`).toEqual(train);
    }
  });

  it('every shipped recipe is valid train settings', () => {
    for (const id of ['attention-market-v0', 'trade-market-v0', 'emergent-alignment-v0', 'pluralistic-market-v0', 'consensus-game-v0']) {
      for (const k of Object.keys(profileFor(id, []).trainDefaults ?? {})) expect(Object.keys(trainSchema), `${id}: ${k}`).toContain(k);
    }
  });

  it('trade-market-v0 warns on stderr when the auctioneer reward meets consumers who answer the price they see, and not otherwise', async () => {
    const base = ['--backend', 'cpu', '--quiet', '--eval-episodes', '0', '--option', 'rounds=2', '--steps', '4', '--set', 'numEnvs=2', '--set', 'hidden=8'];
    const warning = /warning: trade-market-v0 with reward "auctioneer" against demand-curve consumers: .* maximised as p → 0/;
    const auctioneer = await cli('train', 'trade-market-v0', ...base, '--option', 'reward=auctioneer', '--out', join(tmp, 'auct-1'));
    expect(auctioneer.code).toBe(0);
    expect(auctioneer.err).toMatch(warning);
    const learned = await cli('train', 'trade-market-v0', ...base, '--option', 'reward=auctioneer', '--set', 'train=all', '--set', 'opponents=', '--out', join(tmp, 'auct-2'));
    expect(learned.err).toMatch(/warning: .* against consumers who see the price before they demand \(price-first timing\)/);
    const simultaneous = await cli('train', 'trade-market-v0', ...base, '--option', 'reward=auctioneer', '--option', 'timing=simultaneous', '--set', 'train=all', '--set', 'opponents=', '--out', join(tmp, 'auct-3'));
    expect(simultaneous.err).not.toMatch(/warning/);
    const plain = await cli('train', 'trade-market-v0', ...base, '--out', join(tmp, 'auct-4'));
    expect(plain.err).not.toMatch(/warning/);
  });
});

describe('buddy-gym play for the other games', () => {
  it.each(GAMES)('$id: each side played by its reference baseline, rewards and metrics with CIs', async ({ id, options, sides, headline }) => {
    const r = await cli('play', id, ...options, '--episodes', '2', '--num-envs', '4', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as PlaySummaryJson;
    expect(Object.keys(j.players)).toEqual(sides);
    for (const side of sides) expect(Number.isFinite(j.reward[side].mean)).toBe(true);
    expect(j.metrics[headline]).toBeDefined();
  });

  it('plays the agents --side names: kg-optimal in kg-single leaves the user accuracy 1 − μ, truthful gives 1', async () => {
    const accuracy = async (agent: string) => {
      const r = await cli('play', 'emergent-alignment-v0', '--preset', 'kg-single', '--side', `provider=${agent}`, '--episodes', '8', '--num-envs', '64', '--json');
      expect(r.code, r.err).toBe(0);
      return (JSON.parse(r.out) as PlaySummaryJson).metrics.accuracy;
    };
    const kg = await accuracy('kg-optimal');
    expect(Math.abs(kg.mean! - 0.7)).toBeLessThan(Math.max(kg.ci95!, 0.02));
    expect((await accuracy('truthful')).mean).toBe(1);
  });

  it.each([
    [['play', 'trade-market-v0', '--side', 'buyer=x'], /--side: trade-market-v0 has no side "buyer"; its sides are price-setter, consumer/],
    [['play', 'trade-market-v0', '--side', 'price-setter=oracle-ish'], /--side price-setter: unknown price-setter agent "oracle-ish"; the price-setter agents are tatonnement, fixed/],
    [['play', 'trade-market-v0', '--side', 'price-setter'], /--side expects SIDE=AGENT/],
    [['play', 'trade-market-v0', '--goals', 'honest'], /--goals: trade-market-v0 has no side "goal"; its sides are price-setter, consumer/],
    [['play', 'trade-market-v0', '--agent', 'buyer=./x.ts'], /--agent buyer=\.\/x\.ts: no such file/],
    [['play', 'attention-market-v0', '--side', 'user=greedy', '--users', 'softmax'], /--users and --side user both choose the user side; give it once/],
    [['play', 'consensus-game-v0', '--preset', 'nope'], /--preset: consensus-game-v0 has no preset "nope"/],
  ])('%j is refused: %s', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
