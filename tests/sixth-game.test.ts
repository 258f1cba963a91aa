/**
 * Adding a game is one folder plus one registry line (issue 12): matching pennies lives in
 * tests/fixtures/games/matching-pennies/ alone, is registered by the one line below, and gets
 * check, play, train, eval, the report and PSRO through the CLI, as the built-in games do.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../checkpoints/index.js';
import type { EvalJson } from '../cli/eval.js';
import type { InfoJson } from '../cli/info.js';
import { captureIO } from '../cli/io.js';
import type { PlaySummaryJson } from '../cli/play.js';
import { runCli } from '../cli/program.js';
import type { TrainSummaryJson } from '../cli/train.js';
import { registerGame } from '../training/game/registry.js';
import type { PopulationJSON } from '../training/population/index.js';
import { matchingPennies } from './fixtures/games/matching-pennies/game.js';

registerGame(matchingPennies); // the registry line

const ID = 'matching-pennies-v0';
const FOLDER = join(import.meta.dirname, 'fixtures', 'games', 'matching-pennies');
const ROOT = join(import.meta.dirname, '..');
/** Tiny training: 8 copies of an 8-round episode per iteration (64 steps), an 8-unit MLP. */
const TINY = ['--backend', 'cpu', '--quiet', '--json', '--set', 'numEnvs=8', '--set', 'hidden=8', '--set', 'epochs=1', '--set', 'minibatchSize=32'];

async function cli(...argv: string[]) {
  const io = captureIO();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'bg-sixth-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a sixth game from one folder and one registry line', () => {
  it('list names it; check: passes every conformance check', async () => {
    const list = await cli('list');
    expect(list.code).toBe(0);
    expect(list.out).toContain(ID);
    const r = await cli('check', ID, '--ascii');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^${ID} \\(seed 0, 200 steps\\)`));
    expect(r.out).not.toMatch(/FAIL/);
    // A game without chance says so (seedSensitive: false): the different-seeds check is skipped, not failed.
    expect(r.out).toMatch(/SKIP\s+different seeds give different trajectories/);
    expect(r.out.split('\n').filter((l) => /^\s+OK /.test(l)).length).toBeGreaterThan(10);
  });

  it('play: heads against tails never match, so the mismatcher wins every round', async () => {
    const play = async (matcher: string, mismatcher: string) => {
      const r = await cli('play', ID, '--side', `matcher=${matcher}`, '--side', `mismatcher=${mismatcher}`, '--episodes', '4', '--json');
      expect(r.code).toBe(0);
      return JSON.parse(r.out) as PlaySummaryJson;
    };
    const j = await play('heads', 'tails');
    expect(j.env).toBe(ID);
    expect(j.rounds).toBe(8);
    expect(j.players).toEqual({ matcher: 'heads', mismatcher: 'tails' });
    expect(j.reward.matcher).toMatchObject({ mean: -1, ci95: 0 });
    expect(j.reward.mismatcher).toMatchObject({ mean: 1, ci95: 0 });
    expect(j.metrics.matchRate.mean).toBe(0);
    expect(j.metrics.matcherHeads.mean).toBe(1);
    expect(j.metrics.mismatcherHeads.mean).toBe(0);
    // tails against tails: always a match
    const same = await play('tails', 'tails');
    expect(same.reward.matcher.mean).toBe(1);
    expect(same.reward.mismatcher.mean).toBe(-1);
    expect(same.metrics.matchRate.mean).toBe(1);
  });

  let run: string;
  let checkpoint: string;
  it('train: both sides learn, are judged against the fair coin, and a checkpoint is written', async () => {
    run = join(tmp, 'run');
    const r = await cli('train', ID, ...TINY, '--steps', '128', '--eval-worlds', '64', '--out', run);
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out) as TrainSummaryJson;
    expect(s.env).toBe(ID);
    expect(s.iterations).toBe(2);
    expect(Object.keys(s.lastIteration.updates).sort()).toEqual(['matcher', 'mismatcher']);
    expect(s.evaluation.map((e) => e.label)).toEqual(expect.arrayContaining(['matcher against uniform mismatcher', 'mismatcher against uniform matcher']));
    // The match rate has no better direction in a zero-sum game: tables show it, the summary does not judge it.
    expect(s.evaluation.some((e) => e.metric === 'matchRate')).toBe(false);
    checkpoint = s.checkpoint;
    expect(checkpoint).toMatch(/step-0+128$/);
    expect(existsSync(join(checkpoint, 'manifest.json'))).toBe(true);
    // The options were parsed once: the summary, run.json and the checkpoint record the same parsed form.
    const manifest = JSON.parse(readFileSync(join(checkpoint, 'manifest.json'), 'utf8')) as { envOptions: unknown };
    const runJson = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')) as { envOptions: unknown };
    expect(s.envOptions).toEqual({ rounds: 8 });
    expect(runJson.envOptions).toEqual(s.envOptions);
    expect(manifest.envOptions).toEqual(s.envOptions);
  });

  it("eval: cross-plays the checkpoint with the game's baselines, every pair of players", async () => {
    const r = await cli('eval', checkpoint, '--episodes', '2', '--backend', 'cpu', '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as EvalJson;
    expect(j.sides).toEqual(['matcher', 'mismatcher']);
    for (const side of j.sides) expect(j.players[side].map((p) => p.kind === 'policy' ? 'policy' : p.label)).toEqual(['policy', 'heads', 'tails', 'uniform']);
    expect(j.matchups).toHaveLength(16);
    const m = j.matchups.find((x) => x.players.matcher === 'heads' && x.players.mismatcher === 'tails')!;
    expect(m.reward.mismatcher.mean).toBe(1);
    expect(m.reward.matcher.mean).toBe(-1);
    expect(m.metrics.matchRate.mean).toBe(0);
  });

  it("report: the run's static HTML report speaks the game's words", async () => {
    const r = await cli('report', run);
    expect(r.code, r.err).toBe(0);
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expect(html).toContain(ID);
    expect(html).toContain('share of rounds the pennies matched');
  });

  it('PSRO: population mode snapshots both sides, named by the game', async () => {
    const out = join(tmp, 'psro');
    const r = await cli('train', ID, ...TINY, '--population', '--set', 'snapshotEvery=1', '--set', 'alternateEvery=1', '--steps', '192', '--eval-worlds', '0', '--out', out);
    expect(r.code, r.err).toBe(0);
    const s = JSON.parse(r.out) as TrainSummaryJson;
    const { manifest } = await readManifest(s.checkpoint);
    const pop = (manifest.trainer as { population: PopulationJSON }).population;
    expect(pop.sides).toEqual({ row: 'matcher', col: 'mismatcher' });
    const snapshots = Object.keys(manifest.policies).filter((n) => n.includes('@'));
    expect(snapshots.length).toBeGreaterThanOrEqual(4);
    expect(snapshots.every((n) => /^(matcher|mismatcher)@\d+$/.test(n))).toBe(true);
    const info = await cli('info', s.checkpoint, '--json');
    expect(info.code, info.err).toBe(0);
    const members = (JSON.parse(info.out) as InfoJson).trainer!.population!.sides;
    expect(members.map((x) => x.side)).toEqual(['matcher', 'mismatcher']);
    expect(members.reduce((n, x) => n + x.members, 0)).toBe(snapshots.length);
  });

  it('nothing outside its folder names the game', () => {
    const mentions: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|js|json|md)$/.test(name) && /matching.pennies/i.test(readFileSync(path, 'utf8'))) mentions.push(path);
      }
    };
    for (const dir of ['games', 'training', 'cli', 'envs', 'agents', 'checkpoints', 'index.ts']) {
      const path = join(ROOT, dir);
      if (statSync(path).isDirectory()) walk(path);
      else if (/matching.pennies/i.test(readFileSync(path, 'utf8'))) mentions.push(path);
    }
    expect(mentions).toEqual([]);
    expect(existsSync(join(FOLDER, 'game.ts'))).toBe(true);
  });
});
