/**
 * Checkpoints: bit-exact round trips (weights, optimiser state, trainer JSON), refusals of
 * damaged or foreign folders with distinct codes, atomic replacement (also under SIGKILL in
 * a child process), the run store (last K + best) and flat tfjs memory.
 */
import * as tf from '@tensorflow/tfjs';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, renameSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../agents/backend/index.js';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  CheckpointError,
  CheckpointStore,
  disposeCheckpoint,
  loadCheckpoint,
  manifestDigest,
  readManifest,
  restoreOptimizer,
  saveCheckpoint,
  type CheckpointContents,
  type CheckpointErrorCode,
  type LoadedCheckpoint,
  type Manifest,
} from '../checkpoints/index.js';
import { expectedValue, makeContents, policyNames, type Tag } from './fixtures/checkpoint-models.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const ENV = 'attention-market-v0';
let tmp: string;

beforeAll(async () => {
  await selectBackend('cpu'); // the project's chooser: no tfjs greeting
  tmp = mkdtempSync(join(tmpdir(), 'buddy-gym-ckpt-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
function fresh(name: string): string {
  const d = join(tmp, `${name}-${counter++}`);
  mkdirSync(d, { recursive: true });
  return d;
}

function smallModel(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 5, inputShape: [3], activation: 'tanh' }));
  m.add(tf.layers.dense({ units: 2 }));
  return m;
}

/** The model's variables in a fixed order: optimiser slots follow this order. */
function varList(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

const X = () => tf.tensor2d([[0.1, -0.2, 0.3], [1, 0.5, -1], [0.7, 0.7, 0.2], [-0.4, 0.9, 0]]);
const Y = () => tf.tensor2d([[1, 0], [0, 1], [0.5, 0.5], [-1, 2]]);

function trainSteps(model: tf.LayersModel, opt: tf.Optimizer, steps: number): void {
  const x = X();
  const y = Y();
  for (let i = 0; i < steps; i++) {
    opt.minimize(() => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar, false, varList(model));
  }
  tf.dispose([x, y]);
}

/** Every weight's bytes, so that comparisons are bit-exact (NaN, -0 included). */
function weightBytes(model: tf.LayersModel): Buffer[] {
  return model.getWeights().map((w) => {
    const d = w.dataSync();
    return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  });
}

async function optimizerBytes(opt: tf.Optimizer): Promise<{ name: string; shape: number[]; bytes: Buffer }[]> {
  const ws = await opt.getWeights();
  const out = ws.map(({ name, tensor }) => {
    const d = tensor.dataSync();
    return { name, shape: tensor.shape, bytes: Buffer.from(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength)) };
  });
  tf.dispose(ws.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
  return out;
}

const TRAINER = {
  step: 5,
  rng: { env: [123456789, 362436069, 521288629, 88675123], policy: [1, 2, 3, 4] },
  schedule: { phase: 'goal', every: 2 },
  population: [{ name: 'user@1', weight: 0.25 }, { name: 'user@2', weight: 0.75 }],
  metrics: { meanReturn: -0.125, best: 1e-30, label: 'π_user ✓', nothing: null },
};

async function refusal(p: Promise<unknown>): Promise<CheckpointError> {
  try {
    const v = await p;
    if (v && typeof v === 'object' && 'policies' in v) disposeCheckpoint(v as LoadedCheckpoint);
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return e as CheckpointError;
  }
  throw new Error('expected a CheckpointError, the checkpoint loaded');
}

describe('checkpoint round trip (cpu)', () => {
  it('restores weights, Adam state and trainer JSON bit-exactly; training continues identically', async () => {
    const model = smallModel();
    const opt = tf.train.adam(0.05);
    trainSteps(model, opt, 5);
    const dir = join(fresh('roundtrip'), 'ckpt');
    const manifest = await saveCheckpoint(dir, {
      envId: ENV,
      envOptions: { slots: 4, seed: 7 },
      policies: { user: { spec: { kind: 'mlp', hidden: [5] }, model } },
      optimizers: { user: opt },
      trainer: TRAINER,
    });

    // The folder: manifest + standard tfjs model.json/weights.bin + optimiser file, all hashed.
    expect(manifest.format).toBe(CHECKPOINT_FORMAT);
    expect(manifest.version).toBe(CHECKPOINT_VERSION);
    expect(Object.keys(manifest.files).sort()).toEqual(['optimizers/user.bin', 'policies/user/model.json', 'policies/user/weights.bin']);
    const modelJson = JSON.parse(readFileSync(join(dir, 'policies/user/model.json'), 'utf8'));
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(modelJson.modelTopology.class_name).toBe('Sequential');
    expect(manifest.optimizers.user.className).toBe('Adam');
    expect(manifest.optimizers.user.weights.map((w) => w.name)[0]).toBe('iter');
    expect(manifest.optimizers.user.weights).toHaveLength(1 + 2 * 4);
    expect(manifest.optimizers.user.state.map((s) => s.name)).toEqual(['accBeta1', 'accBeta2']);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual(manifest);

    const loaded = await loadCheckpoint(dir, { envId: ENV });
    expect(loaded.path).toBe(dir);
    expect(loaded.trainer).toEqual(TRAINER);
    expect(loaded.manifest.envOptions).toEqual({ slots: 4, seed: 7 });
    expect(loaded.policies.user.spec).toEqual({ kind: 'mlp', hidden: [5] });
    const restored = loaded.policies.user.model;
    expect(weightBytes(restored)).toEqual(weightBytes(model));

    // Optimiser tensors: the same names, shapes and bytes as getWeights() of the original.
    const original = await optimizerBytes(opt);
    expect(
      loaded.optimizerWeights.user.map(({ name, tensor }) => {
        const d = tensor.dataSync();
        return { name, shape: tensor.shape, bytes: Buffer.from(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength)) };
      }),
    ).toEqual(original);

    // Resume: a fresh Adam restored from the checkpoint continues exactly as the original.
    const resumed = tf.train.adam(0.05);
    await restoreOptimizer(resumed, loaded, 'user');
    expect(resumed.iterations).toBe(5);
    // setWeights() alone (what tfjs offers) recomputes accBeta2 as 0.999^6, which is not the
    // running float32 product: that is why the checkpoint stores it.
    const plain = tf.train.adam(0.05);
    await plain.setWeights(loaded.optimizerWeights.user);
    const acc = (o: tf.Optimizer) => (o as unknown as { accBeta2: tf.Variable }).accBeta2.dataSync()[0];
    expect(acc(resumed)).toBe(acc(opt));
    expect(acc(plain)).not.toBe(acc(opt));
    plain.dispose();
    disposeCheckpoint(loaded, { keepModels: true });

    trainSteps(model, opt, 4);
    trainSteps(restored, resumed, 4);
    expect(weightBytes(restored)).toEqual(weightBytes(model));
    expect(await optimizerBytes(resumed)).toEqual(await optimizerBytes(opt));

    // Restoring into the wrong class, or into an optimiser that has already stepped, is refused.
    const again = await loadCheckpoint(dir);
    const sgd = tf.train.sgd(0.1);
    expect((await refusal(restoreOptimizer(sgd, again, 'user'))).message).toMatch(/is a Adam, cannot restore it into a SGD/);
    expect((await refusal(restoreOptimizer(opt, again, 'user'))).message).toMatch(/fresh optimizer/);
    expect((await refusal(restoreOptimizer(tf.train.adam(0.05), again, 'goal'))).message).toMatch(/"goal" is not in the checkpoint/);
    disposeCheckpoint(again);
    for (const o of [sgd, opt, resumed]) o.dispose();
    model.dispose();
    restored.dispose();
  });

  it('refuses state that JSON would change, and policy names that are not plain file names', async () => {
    const model = smallModel();
    const base: CheckpointContents = { envId: ENV, envOptions: {}, policies: { user: { spec: {}, model } }, trainer: {} };
    const dir = join(fresh('bad-input'), 'ckpt');
    const cases: [Partial<CheckpointContents>, RegExp][] = [
      [{ trainer: { metrics: { mean: Number.NaN } } }, /trainer\.metrics\.mean is NaN/],
      [{ trainer: { rng: new Uint32Array([1, 2]) } }, /trainer\.rng is a Uint32Array/],
      [{ envOptions: { m: new Map() } }, /envOptions\.m is a Map/],
      [{ envId: '' }, /envId must be a non-empty string/],
      [{ policies: { '../evil': { spec: {}, model } } }, /policy name "\.\.\/evil" cannot be a file name/],
      [{ policies: { 'a/b': { spec: {}, model } } }, /policy name "a\/b"/],
      [{ policies: { 'a..b': { spec: {}, model } } }, /policy name "a\.\.b"/],
    ];
    for (const [patch, message] of cases) {
      const e = await refusal(saveCheckpoint(dir, { ...base, ...patch }));
      expect(e.code).toBe('bad-input');
      expect(e.message).toMatch(message);
    }
    expect(readdirSync(join(dir, '..'))).toEqual([]); // nothing written, no temp folder left
    // Names with @ - _ are fine.
    await saveCheckpoint(dir, { ...base, policies: { 'user@3': { spec: {}, model }, 'goal-b_2': { spec: {}, model } } });
    const loaded = await loadCheckpoint(dir);
    expect(Object.keys(loaded.policies).sort()).toEqual(['goal-b_2', 'user@3']);
    disposeCheckpoint(loaded);
    model.dispose();
  });
});

describe('damaged, foreign and missing checkpoints are refused', () => {
  let pristine: string;
  beforeAll(async () => {
    const model = smallModel();
    const goal = smallModel();
    const opt = tf.train.adam(0.01);
    trainSteps(model, opt, 2);
    pristine = join(fresh('pristine'), 'ckpt');
    await saveCheckpoint(pristine, {
      envId: ENV,
      envOptions: {},
      policies: { user: { spec: null, model }, goal: { spec: null, model: goal } },
      optimizers: { user: opt },
      trainer: { step: 2 },
    });
    model.dispose();
    goal.dispose();
    opt.dispose();
  });

  function damaged(mutate: (dir: string) => void): string {
    const dir = join(fresh('damaged'), 'ckpt');
    cpSync(pristine, dir, { recursive: true });
    mutate(dir);
    return dir;
  }

  /** Edits the manifest and, unless `reseal` is false, records its new hash (so that the later checks are the ones reached). */
  function editManifest(dir: string, edit: (m: Record<string, unknown>) => void, reseal = true): void {
    const path = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8'));
    edit(m);
    if (reseal) m.manifestSha256 = manifestDigest(m);
    writeFileSync(path, JSON.stringify(m));
  }

  it('each damage has its own code and a message naming what is wrong', async () => {
    const seen = new Map<CheckpointErrorCode, string>();
    const check = async (dir: string, code: CheckpointErrorCode, message: RegExp, expect_?: { envId: string }) => {
      const e = await refusal(loadCheckpoint(dir, expect_));
      expect(e.code, e.message).toBe(code);
      expect(e.message).toMatch(message);
      // readManifest (for `buddy-gym info`) verifies as much as loading does.
      const r = await refusal(readManifest(dir, expect_));
      expect(r.code).toBe(code);
      seen.set(code, e.message);
    };

    await check(
      damaged((d) => {
        const f = join(d, 'policies/user/weights.bin');
        const b = readFileSync(f);
        b[Math.floor(b.length / 2)] ^= 0x01;
        writeFileSync(f, b);
      }),
      'corrupt',
      /policies\/user\/weights\.bin is corrupt: its sha256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64}/,
    );
    await check(damaged((d) => unlinkSync(join(d, 'optimizers/user.bin'))), 'missing-file', /optimizers\/user\.bin is missing/);
    await check(
      damaged((d) => truncateSync(join(d, 'policies/goal/weights.bin'), 10)),
      'truncated',
      /policies\/goal\/weights\.bin is truncated: 10 bytes, the manifest says \d+/,
    );
    await check(
      damaged((d) => editManifest(d, (m) => (m.version = 999))),
      'version',
      /format version 999; this build of buddy-gym reads versions 1, 2/,
    );
    await check(
      damaged((d) => editManifest(d, (m) => (m.envId = 'persuasion-v0'))),
      'wrong-env',
      /checkpoint is for persuasion-v0, expected attention-market-v0/,
      { envId: ENV },
    );
    await check(
      damaged((d) => editManifest(d, (m) => (m.format = 'keras-checkpoint'))),
      'foreign',
      /not a buddy-gym checkpoint: its manifest\.json says format "keras-checkpoint"/,
    );
    await check(damaged((d) => writeFileSync(join(d, 'manifest.json'), '{"format": "buddy-gym-che')), 'bad-manifest', /manifest\.json is not valid JSON/);
    await check(
      damaged((d) => editManifest(d, (m) => (m.envOptions = { rounds: 7 }), false)),
      'manifest-changed',
      /manifest\.json was changed after it was written: its content hashes to [0-9a-f]{16}…, the manifest records [0-9a-f]{16}…/,
    );
    await check(
      damaged((d) => {
        // A model.json that is not a model, with its hash updated so that only the content is wrong.
        const rel = 'policies/goal/model.json';
        const text = '{"hello": "world"}';
        writeFileSync(join(d, rel), text);
        editManifest(d, (m) => {
          const files = m.files as Manifest['files'];
          files[rel] = { sha256: sha256Hex(text), bytes: Buffer.byteLength(text) };
        });
      }),
      'bad-model',
      /policies\/goal\/model\.json is not a tfjs model\.json/,
    );
    const random = fresh('random');
    writeFileSync(join(random, 'notes.txt'), 'hello');
    await check(random, 'not-a-checkpoint', /has no manifest\.json: not a buddy-gym checkpoint/);

    // Distinct codes and distinct messages.
    expect(seen.size).toBe(10);
    expect(new Set(seen.values()).size).toBe(10);

    expect((await refusal(loadCheckpoint(join(tmp, 'no-such-folder')))).code).toBe('not-a-checkpoint');
    expect((await refusal(loadCheckpoint(join(random, 'notes.txt')))).message).toMatch(/is a file, not a checkpoint folder/);
    // The pristine one loads, and a wrong expectation about the env is refused.
    expect((await refusal(loadCheckpoint(pristine, { envId: 'persuasion-v0' }))).message).toMatch(
      /checkpoint is for attention-market-v0, expected persuasion-v0/,
    );
    const { summary } = await readManifest(pristine, { envId: ENV });
    expect(summary).toMatchObject({ envId: ENV, version: 2, step: 2, files: 5, optimizers: [{ name: 'user', className: 'Adam' }] });
    expect(summary.policies.map((p) => [p.name, p.parameters])).toEqual([
      ['user', 3 * 5 + 5 + 5 * 2 + 2],
      ['goal', 3 * 5 + 5 + 5 * 2 + 2],
    ]);
  });
});

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

describe('replacing a checkpoint', () => {
  it('overwrites atomically, keeps it loadable, and leaves no sibling behind', async () => {
    const parent = fresh('overwrite');
    const dir = join(parent, 'ckpt');
    const a = makeContents('first');
    const b = makeContents('second');
    await saveCheckpoint(dir, a);
    await saveCheckpoint(dir, b);
    let loaded = await loadCheckpoint(dir, { envId: ENV });
    expect((loaded.trainer as { tag: Tag }).tag).toBe('second');
    disposeCheckpoint(loaded);
    await saveCheckpoint(dir, a);
    loaded = await loadCheckpoint(dir);
    expect((loaded.trainer as { tag: Tag }).tag).toBe('first');
    expect(Object.keys(loaded.policies)).toEqual(['user']);
    disposeCheckpoint(loaded);
    expect(readdirSync(parent)).toEqual(['ckpt']);
    for (const c of [a, b]) for (const p of Object.values(c.policies)) p.model.dispose();

    // A folder that is not a checkpoint is never replaced.
    const other = join(parent, 'my-notes');
    mkdirSync(other);
    writeFileSync(join(other, 'important.txt'), 'do not delete');
    const model = smallModel();
    const e = await refusal(saveCheckpoint(other, { envId: ENV, envOptions: {}, policies: { user: { spec: null, model } }, trainer: {} }));
    expect(e.message).toMatch(/refusing to replace .*my-notes: it is a non-empty folder and not a buddy-gym checkpoint/);
    expect(readFileSync(join(other, 'important.txt'), 'utf8')).toBe('do not delete');
    expect(readdirSync(parent).sort()).toEqual(['ckpt', 'my-notes']);
    model.dispose();
  });

  it('survives a kill between the two renames: the previous checkpoint still loads by its name', async () => {
    // The state a save leaves when killed after renaming `dir` aside and before renaming the
    // new folder in: no `dir`, a complete `dir.old-*`, a complete `dir.tmp-*`, of a dead process.
    const parent = fresh('between-renames');
    const dir = join(parent, 'ckpt');
    const a = makeContents('first');
    const b = makeContents('second');
    await saveCheckpoint(dir, a);
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    const old = `${dir}.old-${deadPid}-0badf00d`;
    const tmpDir = `${dir}.tmp-${deadPid}-0000beef`;
    const staged = join(fresh('staging'), 'ckpt');
    await saveCheckpoint(staged, b);
    renameSync(dir, old);
    renameSync(staged, tmpDir);
    expect(readdirSync(parent).sort()).toEqual([basename(old), basename(tmpDir)]);

    const loaded = await loadCheckpoint(dir, { envId: ENV });
    expect(loaded.path).toBe(old);
    expect((loaded.trainer as { tag: Tag }).tag).toBe('first');
    disposeCheckpoint(loaded);
    for (const p of [old, tmpDir]) {
      const e = await refusal(loadCheckpoint(p));
      expect(e.code).toBe('not-a-checkpoint');
      expect(e.message).toMatch(/is the temporary folder of a checkpoint save that was interrupted or is still running/);
    }
    // The next save puts the previous one back first, then replaces it, and cleans up.
    await saveCheckpoint(dir, b);
    expect(readdirSync(parent)).toEqual(['ckpt']);
    const now = await loadCheckpoint(dir);
    expect((now.trainer as { tag: Tag }).tag).toBe('second');
    disposeCheckpoint(now);
    for (const c of [a, b]) for (const p of Object.values(c.policies)) p.model.dispose();
  });

  it('keeps tfjs memory flat across save / load / restore cycles', async () => {
    const dir = join(fresh('memory'), 'ckpt');
    const model = smallModel();
    const opt = tf.train.adam(0.01);
    trainSteps(model, opt, 2);
    const cycle = async () => {
      await saveCheckpoint(dir, { envId: ENV, envOptions: {}, policies: { user: { spec: null, model } }, optimizers: { user: opt }, trainer: {} });
      const loaded = await loadCheckpoint(dir);
      const resumed = tf.train.adam(0.01);
      await restoreOptimizer(resumed, loaded, 'user');
      disposeCheckpoint(loaded);
      resumed.dispose();
    };
    await cycle();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await cycle();
    expect(tf.memory().numTensors).toBe(before);
    // A refused load leaves nothing behind either.
    const broken = join(fresh('memory-broken'), 'ckpt');
    cpSync(dir, broken, { recursive: true });
    unlinkSync(join(broken, 'optimizers/user.bin'));
    await refusal(loadCheckpoint(broken));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    opt.dispose();
  });
});

describe('CheckpointStore', () => {
  it('keeps the last K step folders and the best, with a latest pointer', async () => {
    const run = fresh('run');
    const store = new CheckpointStore(run, { keepLast: 2, bestMetric: 'reward' });
    const model = smallModel();
    const contents = (step: number): CheckpointContents => ({ envId: ENV, envOptions: {}, policies: { user: { spec: null, model } }, trainer: { step } });
    const rewards = [1, 5, 2, 3, Number.NaN];
    const isBest: boolean[] = [];
    for (let i = 0; i < rewards.length; i++) {
      const r = await store.save(i + 1, contents(i + 1), { reward: rewards[i], other: 0 });
      expect(r.path).toBe(join(run, 'checkpoints', `step-${String(i + 1).padStart(12, '0')}`));
      isBest.push(r.isBest);
    }
    expect(isBest).toEqual([true, true, false, false, false]);
    expect(store.list().map((c) => c.step)).toEqual([2, 4, 5]);
    expect(store.latest()).toBe(join(run, 'checkpoints', 'step-000000000005'));
    expect(store.best()).toMatchObject({ step: 2, value: 5, metric: 'reward' });
    const best = await readManifest(join(run, 'checkpoints', 'best'));
    expect(best.summary.step).toBe(2);
    expect(readdirSync(join(run, 'checkpoints')).sort()).toEqual(['best', 'latest.json', 'step-000000000002', 'step-000000000004', 'step-000000000005']);

    // A new store on the same run remembers the best; a better one replaces it and frees step 2.
    const again = new CheckpointStore(run, { keepLast: 2, bestMetric: 'reward' });
    expect(again.best()?.value).toBe(5);
    expect((await again.save(6, contents(6), { reward: 4 })).isBest).toBe(false);
    expect(again.list().map((c) => c.step)).toEqual([2, 5, 6]);
    expect((await again.save(7, contents(7), { reward: 6 })).isBest).toBe(true);
    expect(again.list().map((c) => c.step)).toEqual([6, 7]);
    expect((await readManifest(join(run, 'checkpoints', 'best'))).summary.step).toBe(7);
    expect(again.latest()).toBe(join(run, 'checkpoints', 'step-000000000007'));

    // Lower is better; no metric: no best folder.
    const low = new CheckpointStore(fresh('run-low'), { keepLast: 1, bestMetric: 'loss', higherIsBetter: false });
    const flags = [];
    for (const [i, loss] of [3, 1, 2].entries()) flags.push((await low.save(i, contents(i), { loss })).isBest);
    expect(flags).toEqual([true, true, false]);
    expect(low.list().map((c) => c.step)).toEqual([1, 2]);
    const plainRun = fresh('run-plain');
    const plain = new CheckpointStore(plainRun, { keepLast: 3 });
    for (let i = 0; i < 5; i++) expect((await plain.save(i * 10, contents(i * 10), {})).isBest).toBe(false);
    expect(plain.list().map((c) => c.step)).toEqual([20, 30, 40]);
    expect(readdirSync(join(plainRun, 'checkpoints')).sort()).toEqual(['latest.json', 'step-000000000020', 'step-000000000030', 'step-000000000040']);
    expect(new CheckpointStore(fresh('empty'), { keepLast: 1 }).latest()).toBeNull();
    model.dispose();
  });

  it('validates its options and the metric', async () => {
    expect(() => new CheckpointStore(tmp, { keepLast: 0 })).toThrow(/"keepLast" = 0 is not allowed: an integer ≥ 1/);
    expect(() => new CheckpointStore(tmp, { keepLast: 1.5 })).toThrow(/"keepLast" = 1.5/);
    expect(() => new CheckpointStore(tmp, { keepLast: 2, bestMetric: '' })).toThrow(/"bestMetric" = ""/);
    expect(() => new CheckpointStore(tmp, { keepLast: 2, higherIsBetter: 'yes' as unknown as boolean })).toThrow(/"higherIsBetter"/);
    const store = new CheckpointStore(fresh('run-metric'), { keepLast: 2, bestMetric: 'reward' });
    const model = smallModel();
    await expect(store.save(1, { envId: ENV, envOptions: {}, policies: { user: { spec: null, model } }, trainer: {} }, { loss: 1 })).rejects.toThrow(
      /metrics has no number "reward" \(the bestMetric\); it has loss/,
    );
    await expect(store.save(-1, { envId: ENV, envOptions: {}, policies: {}, trainer: {} }, { reward: 1 })).rejects.toThrow(/step must be an integer ≥ 0/);
    expect(store.list()).toEqual([]);
    model.dispose();
  });
});

describe('a save killed with SIGKILL', () => {
  interface Outcome {
    tag: Tag;
    leftovers: string[];
    secondsDone: number;
  }

  function runWriter(parent: string, delayFraction: number): Promise<Outcome & { dir: string }> {
    const dir = join(parent, 'ckpt');
    const scratch = fresh('scratch');
    return new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'tests/fixtures/checkpoint-writer.ts'), dir, scratch], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      let calib = 100;
      let armed = false;
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /CALIB ([\d.]+)/.exec(out);
        if (m) calib = Number(m[1]);
        if (!armed && out.includes('FIRST-DONE')) {
          armed = true;
          setTimeout(() => child.kill('SIGKILL'), delayFraction * calib);
        }
      });
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      child.on('error', reject);
      child.on('exit', async (_code, signal) => {
        try {
          if (signal !== 'SIGKILL') throw new Error(`writer exited without being killed:\n${out}\n${err}`);
          const secondsDone = (out.match(/SECOND-DONE/g) ?? []).length;
          // Before anything else touches it: the folder loads, and it is one whole checkpoint.
          const loaded = await loadCheckpoint(dir, { envId: ENV });
          const tag = (loaded.trainer as { tag: Tag }).tag;
          expect(['first', 'second']).toContain(tag);
          expect(loaded.trainer).toEqual({ tag, step: tag === 'first' ? 1 : 2, rng: [1, 2, 3, tag === 'first' ? 4 : 5] });
          expect(loaded.manifest.envOptions).toEqual({ tag });
          expect(Object.keys(loaded.policies).sort()).toEqual(policyNames(tag));
          for (const { model } of Object.values(loaded.policies)) {
            model.getWeights().forEach((w, k) => {
              const d = w.dataSync();
              for (let j = 0; j < d.length; j += 97) expect(d[j]).toBe(expectedValue(tag, k, j));
              expect(d[d.length - 1]).toBe(expectedValue(tag, k, d.length - 1));
            });
          }
          if (secondsDone > 0) expect(tag).toBe('second');
          disposeCheckpoint(loaded);
          // Nothing else in the folder loads as a checkpoint.
          const leftovers = readdirSync(parent).filter((n) => n !== 'ckpt');
          for (const name of leftovers) {
            const e = await refusal(loadCheckpoint(join(parent, name)));
            expect(e.code).toBe('not-a-checkpoint');
          }
          resolvePromise({ dir, tag, leftovers, secondsDone });
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  it('leaves the previous or the new checkpoint whole at its name, and nothing else loadable', async () => {
    const fractions = [0.05, 0.3, 0.55, 0.8, 1.1].map((f) => f + Math.random() * 0.15);
    const outcomes = await Promise.all(fractions.map((f) => runWriter(fresh('killed'), f)));
    // The next save to the same place cleans up after the killed one.
    const model = smallModel();
    for (const o of outcomes) {
      await saveCheckpoint(o.dir, { envId: ENV, envOptions: {}, policies: { user: { spec: null, model } }, trainer: { tag: 'third' } });
      expect(readdirSync(join(o.dir, '..'))).toEqual(['ckpt']);
      const loaded = await loadCheckpoint(o.dir);
      expect(loaded.trainer).toEqual({ tag: 'third' });
      disposeCheckpoint(loaded);
    }
    model.dispose();
    console.log(
      `SIGKILL runs: ${outcomes.map((o) => `${o.tag}${o.secondsDone ? `+${o.secondsDone}` : ''}${o.leftovers.length ? `[${o.leftovers.map((l) => l.replace(/^ckpt\./, '').replace(/-.*/, '')).join(',')}]` : ''}`).join(' ')}`,
    );
  });
});
