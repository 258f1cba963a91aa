/**
 * train's command line as a new user meets it: --preset, a run folder given to --resume, a
 * backend this machine lacks, an --out that cannot be made, typos, and Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest } from '../checkpoints/index.js';
import { stopOnSignal } from '../cli/interrupt.js';
import { captureIO } from '../cli/io.js';
import { runCli } from '../cli/program.js';
import type { TrainSummaryJson } from '../cli/train.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const ID = 'attention-market-v0';
const TINY = ['--backend', 'cpu', '--quiet', '--set', 'numEnvs=2', '--set', 'hidden=8', '--set', 'epochs=1', '--set', 'minibatchSize=8', '--eval-episodes', '1'];
const MARKET = ['--option', 'rounds=4', '--option', 'users=2', '--option', 'goals=3', '--option', 'dim=4', '--option', 'slots=2'];

async function cli(...argv: string[]) {
  const io = captureIO();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n'), stderr: io.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'bg-train-flags-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('train --preset', () => {
  it("starts from the env's preset, with --option on top, and refuses a preset that differs on --resume", async () => {
    const out = join(tmp, 'fisher');
    const r = await cli('train', 'trade-market-v0', '--preset', 'fisher', '--option', 'rounds=4', ...TINY, '--steps', '8', '--out', out, '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as TrainSummaryJson;
    expect(j.envOptions).toMatchObject({ fisher: true, rounds: 4 });
    const bad = await cli('train', 'trade-market-v0', '--preset', 'nosuch', ...TINY, '--out', join(tmp, 'nosuch'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--preset: trade-market-v0 has no preset "nosuch"; its presets are one-good, balance, stackelberg, auctioneer, fisher/);
    const other = await cli('train', '--resume', out, '--preset', 'one-good', ...TINY);
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/--resume continues the checkpoint's env, but --preset one-good gives \w+=\S+, which differs from its /);
  });
});

describe('train --resume <run folder>', () => {
  it('continues the run from its latest checkpoint, and says so', async () => {
    const out = join(tmp, 'run');
    expect((await cli('train', ID, ...MARKET, ...TINY, '--steps', '8', '--out', out)).code).toBe(0);
    const r = await cli('train', '--resume', out, '--steps', '16', ...TINY, '--json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`${out} is a run folder: using its latest checkpoint`);
    const j = JSON.parse(r.out) as TrainSummaryJson;
    expect(j).toMatchObject({ steps: 16, trainedSteps: 8, runFolder: out, resumedFrom: join(out, 'checkpoints', 'step-000000000008') });
  });
});

describe('train refuses what it cannot do, in one line with exit 2, leaving no run folder', () => {
  it('a backend this machine lacks', async () => {
    const out = join(tmp, 'gpu');
    const r = await cli('train', ID, '--backend', 'tensorflow-gpu', '--quiet', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toHaveLength(1);
    expect(r.err).toMatch(/^buddy-gym train: backend 'tensorflow-gpu' is not available: @tensorflow\/tfjs-node-gpu not installed; to use it: npm install @tensorflow\/tfjs-node-gpu@4\.22\.0$/);
    expect(existsSync(out)).toBe(false);
  });

  it.runIf(existsSync('/proc/self'))('an --out under /proc, where a recursive mkdir never returns', async () => {
    const r = await cli('train', ID, ...TINY, '--out', '/proc/buddy-gym-run/x');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^buddy-gym train: --out \/proc\/buddy-gym-run\/x: cannot make the folder \/proc\/buddy-gym-run \(\w+\)/);
  });

  it('an --out inside a file', async () => {
    const r = await cli('train', ID, ...TINY, '--out', join(root, 'package.json', 'run'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/package\.json is a file, so no folder can be made under it/);
  });
});

describe('typos', () => {
  it('get a "did you mean" for commands, flags, env ids, settings and options', async () => {
    const cases: [string[], RegExp][] = [
      [['trian'], /unknown command "trian" \(did you mean "train"\?\)/],
      [['train', ID, '--stesp', '5'], /unknown flag --stesp \(did you mean --steps\?\)/],
      [['train', 'atention-market-v0'], /unknown env id "atention-market-v0" \(did you mean "attention-market-v0"\?\)/],
      [['check', 'atention-market-v0'], /did you mean "attention-market-v0"/],
      [['train', ID, '--set', 'hiden=3'], /unknown setting "hiden" \(did you mean "hidden"\?\)/],
      [['play', ID, '--option', 'dmi=3'], /unknown option \(did you mean "dim"\?\)/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
    expect((await cli('trzzzzz')).err).not.toMatch(/did you mean/);
  });

  it('help --help is help, exit 0', async () => {
    const r = await cli('help', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage:/m);
  });
});

/** Runs the CLI from source in a child process (real signals); resolves when it exits. */
function child(argv: string[]) {
  const p = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...argv], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)));
  const stderrMatches = async (re: RegExp, ms = 60_000) => {
    const t0 = Date.now();
    while (!re.test(stderr)) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${re} in:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { p, exited, stderr: () => stderr, stderrMatches };
}

describe('Ctrl-C during train', () => {
  it('finishes the iteration, saves a checkpoint that loads, prints where and the --resume command; exit 130', async () => {
    const out = join(tmp, 'interrupted');
    const c = child(['train', ID, ...MARKET, ...TINY.filter((a) => a !== '--quiet'), '--steps', '1000000', '--out', out]);
    await c.stderrMatches(/^iteration 1 \|/m);
    c.p.kill('SIGINT');
    expect(await c.exited).toBe(130);
    const err = c.stderr();
    expect(err).toMatch(/SIGINT: stopping after the current iteration, then saving a checkpoint/);
    const m = /^interrupted at step (\d+) of 1000000: checkpoint saved \(atomically\) to (\S+)$/m.exec(err);
    expect(m, err).not.toBeNull();
    const [, step, path] = m!;
    expect(err).toContain(`continue with: npx buddy-gym train --resume ${path} --steps 1000000`);
    const { summary } = await readManifest(path); // tmp is outside the working folder: shown whole
    expect(summary.step).toBe(Number(step));
    // No temporary folder of a save was left behind.
    expect(readdirSync(join(out, 'checkpoints')).filter((n) => /\.(tmp|old)-/.test(n))).toEqual([]);
  });

  it('a second Ctrl-C exits at once (and the handlers go when training ends)', () => {
    const notes: string[] = [];
    const exits: number[] = [];
    const before = process.listenerCount('SIGINT');
    const s = stopOnSignal((l) => notes.push(l), (code) => exits.push(code));
    try {
      process.emit('SIGINT');
      expect(s.signal.aborted).toBe(true);
      expect(exits).toEqual([]);
      process.emit('SIGINT');
      expect(exits).toEqual([130]);
      expect(notes.join('\n')).toMatch(/SIGINT again: exiting now, without saving/);
    } finally {
      s.dispose();
    }
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
