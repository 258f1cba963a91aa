/**
 * The Python package (python/buddy_gym) against the built CLI: its own tests, PettingZoo's API
 * and seed tests on every env and preset, a Python random-agent episode of every env replayed
 * in Node bit for bit, and the README's Python example from a non-editable install.
 *
 * Python is BUDDY_GYM_PYTHON, else .venv/bin/python (what .ci/run creates), else python3; it
 * needs Python >= 3.10 with numpy, msgpack, gymnasium and pettingzoo. Without them the suite
 * fails when CI is set, and is skipped (saying why) otherwise.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { make, registeredIds, type Space } from '../index.js';
import { ROOT } from './fixtures/protocol-client.js';

const IN_CI = Boolean(process.env.CI);
const PYTHON = process.env.BUDDY_GYM_PYTHON ?? (existsSync(join(ROOT, '.venv', 'bin', 'python')) ? join(ROOT, '.venv', 'bin', 'python') : 'python3');
const PROBE = 'import sys, numpy, msgpack, gymnasium, pettingzoo; assert sys.version_info >= (3, 10), sys.version';
const probe = spawnSync(PYTHON, ['-c', PROBE], { encoding: 'utf8', timeout: 60_000 });
const READY = probe.status === 0;
const WHY = READY ? '' : `${PYTHON} cannot run the Python side (${(probe.stderr || String(probe.error ?? '')).trim().split('\n').pop() || `exit status ${probe.status}`})`;
if (!READY && !IN_CI) console.warn(`python-bridge.test.ts: skipped, ${WHY}; with CI set it fails instead`);

/** Runs Python with the working tree's package first on its path. */
function python(args: readonly string[], options: { cwd?: string; path?: string; timeout?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(PYTHON, args, {
    cwd: options.cwd ?? join(ROOT, 'python'),
    encoding: 'utf8',
    timeout: options.timeout ?? 240_000,
    env: { ...process.env, PYTHONPATH: options.path ?? join(ROOT, 'python'), PYTHONDONTWRITEBYTECODE: '1', BUDDY_GYM_NODE: process.execPath },
  });
}

function expectOk(r: SpawnSyncReturns<string>): void {
  if (r.status !== 0) throw new Error(`python exited ${r.status ?? r.signal}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-6000)}`);
}

describe('Python', () => {
  it.skipIf(!READY && !IN_CI)('has Python >= 3.10 with numpy, msgpack, gymnasium and pettingzoo', () => {
    if (!READY) throw new Error(`${WHY}; .ci/run creates .venv with them (pip install numpy msgpack gymnasium pettingzoo), or set BUDDY_GYM_PYTHON`);
  });
});

describe.skipIf(!READY && !IN_CI)('the Python bridge', () => {
  beforeAll(() => {
    const build = inject('distBuild');
    if (build.error) throw new Error(build.error);
    if (!READY) throw new Error(WHY);
  });

  it('passes its own tests (python/tests/test_bridge.py)', () => {
    expectOk(python(['-m', 'unittest', '-v', 'tests.test_bridge']));
  }, 300_000);

  it("passes PettingZoo's parallel_api_test and parallel_seed_test on every env and preset", () => {
    const r = python(['-m', 'unittest', '-v', 'tests.test_pettingzoo']);
    expectOk(r);
    expect(r.stderr).toMatch(/Ran 1 test/);
  }, 300_000);

  it('runs the examples: the Ray sweep and the RLlib env without Ray, and with Ray / RLlib where they import', () => {
    const r = python(['-m', 'unittest', '-v', 'tests.test_examples']);
    expectOk(r);
    // Ray and RLlib are not in CI: say so rather than skip silently.
    const skipped = [...r.stderr.matchAll(/^(test_\w+) \(.*\) \.\.\. skipped ['"](.*)['"]$/gm)];
    for (const [, name, why] of skipped) console.warn(`python/tests/test_examples.py: ${name} skipped: ${why}`);
    // Only what needs Ray or RLlib may be skipped.
    for (const [, name] of skipped) expect(name).toMatch(/ray_tasks|parallel_pettingzoo_env/);
    expect(r.stderr).toMatch(/^Ran 4 tests/m);
  }, 300_000);

  describe('a Python random-agent episode equals the Node episode for the same seed and actions, bit for bit', () => {
    let dir = '';
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
    type Step = { actions: Record<string, unknown>; observations: Record<string, unknown>; rewards: Record<string, number>; terminations: Record<string, boolean>; truncations: Record<string, boolean>; infos: Record<string, unknown> };
    let episodes: { env: string; seed: number; reset: Record<string, unknown>; steps: Step[] }[] = [];

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'buddy-gym-episodes-'));
      const out = join(dir, 'episodes.json');
      expectOk(python(['tests/record_episodes.py', out, '7', ...registeredIds()]));
      episodes = JSON.parse(readFileSync(out, 'utf8'));
    }, 300_000);

    /** An observation as plain numbers, the way Python's JSON has it (typed arrays to arrays). */
    const plain = (x: unknown): unknown => {
      if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
      if (typeof x === 'object' && x !== null) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
      return x;
    };
    /**
     * Element-wise with Object.is: equal doubles from float32 are equal bits (and -0 differs from
     * 0). Python's arrays keep their shape (nested lists), Node's are flat: compared flat.
     */
    const same = (a: unknown, b: unknown, where: string): void => {
      if (Array.isArray(a) && Array.isArray(b)) {
        const flat = a.flat(Infinity);
        expect(flat.length, where).toBe(b.length);
        flat.forEach((x, i) => same(x, b[i], `${where}[${i}]`));
      } else if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
        expect(Object.keys(a), where).toEqual(Object.keys(b));
        for (const k of Object.keys(a)) same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`);
      } else if (!Object.is(a, b)) {
        expect.fail(`${where}: Python saw ${String(a)}, Node ${String(b)}`);
      }
    };

    it.each(registeredIds())('%s', (id) => {
      const episode = episodes.find((e) => e.env === id);
      expect(episode, `Python recorded ${id}`).toBeDefined();
      const env = make(id);
      same(episode!.reset, plain(env.reset({ seed: episode!.seed }).observations), `${id} reset`);
      episode!.steps.forEach((step, t) => {
        const actions = Object.fromEntries(Object.entries(step.actions).map(([a, v]) => [a, (env.actionSpace(a) as Space<unknown>).unflatten([v].flat(Infinity) as number[])]));
        const r = env.step(actions);
        same(step.observations, plain(r.observations), `${id} step ${t} observations`);
        same(step.rewards, r.rewards, `${id} step ${t} rewards`);
        same(step.terminations, r.terminations, `${id} step ${t} terminations`);
        same(step.truncations, r.truncations, `${id} step ${t} truncations`);
        same(step.infos, r.infos, `${id} step ${t} infos`);
      });
      expect(env.agents, `${id}: the Node episode ended where Python's did`).toEqual([]);
      expect(episode!.steps.length).toBeGreaterThan(1);
    });
  });

  it("runs the README's Python example from a pip install of python/ (not the source tree)", () => {
    const block = /<!-- readme-test: python -->\n```python\n([\s\S]*?)^```$/m.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(block, 'README.md has a ```python block marked <!-- readme-test: python -->').not.toBeNull();
    const tools = python(['-c', 'import setuptools, wheel']);
    if (tools.status !== 0) throw new Error(`building python/ offline needs setuptools and wheel in ${PYTHON} (.ci/run installs them): ${tools.stderr.trim().split('\n').pop()}`);
    const target = mkdtempSync(join(tmpdir(), 'buddy-gym-pip-'));
    try {
      // Without the network: the venv's own setuptools and wheel build it.
      expectOk(python(['-m', 'pip', 'install', '--quiet', '--no-deps', '--no-build-isolation', '--no-index', '--target', target, join(ROOT, 'python')], { cwd: target }));
      expect(existsSync(join(target, 'buddy_gym', '_origin.json'))).toBe(true);
      const r = python(['-c', block![1]], { cwd: tmpdir(), path: target, timeout: 60_000 });
      expectOk(r);
      expect(r.stdout).toMatch(/^attention-market-v0: 12 agents, \d+ steps, total user reward -?\d+\.\d+$/m);
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  }, 120_000);
});
