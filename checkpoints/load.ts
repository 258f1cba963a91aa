/**
 * Reading a checkpoint folder back. Every check comes before any model is built, in this
 * order, each refusal a `CheckpointError` with its own `code` and a message naming the folder
 * or file: not-a-checkpoint → bad-manifest → foreign → version → wrong-env → missing-file →
 * truncated → corrupt (sha256) → bad-model.
 *
 * Custom layers: model.json names each layer's class; tfjs rebuilds them from its own
 * registry, so a model with custom layer classes loads only after the module that calls
 * `tf.serialization.registerClass` for them has been imported (agents/policy/layers.ts for
 * buddy-gym's own). An unknown class is a `bad-model` refusal saying so.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { findRenamedAside } from './atomic.js';
import {
  CHECKPOINT_FORMAT,
  CheckpointError,
  DTYPE_BYTES,
  elementCount,
  manifestDigest,
  READABLE_VERSIONS,
  TRANSIENT_RE,
  type Manifest,
  type NamedTensor,
  type TensorEntry,
} from './format.js';

export interface ExpectOptions {
  /** Refuse a checkpoint written for another env (`wrong-env`). */
  envId?: string;
}

export interface LoadedCheckpoint {
  /** The folder actually read: `dir`, or the previous checkpoint a killed save had renamed aside. */
  path: string;
  manifest: Manifest;
  /** Rebuilt networks, owned by the caller (dispose them). */
  policies: Record<string, { spec: unknown; model: tf.LayersModel }>;
  /** Per optimiser, what its getWeights() returned, in order: pass to `restoreOptimizer`. Owned by the caller. */
  optimizerWeights: Record<string, NamedTensor[]>;
  /** Per optimiser, its hidden scalar variables by property name (Adam: accBeta1, accBeta2). Owned by the caller. */
  optimizerState: Record<string, NamedTensor[]>;
  trainer: unknown;
}

export interface CheckpointSummary {
  path: string;
  envId: string;
  version: number;
  createdAt: string;
  /** `trainer.step` when the trainer state has a numeric one. */
  step: number | null;
  policies: { name: string; parameters: number; bytes: number }[];
  optimizers: { name: string; className: string }[];
  /** Files listed in the manifest (manifest.json itself not counted) and their total size. */
  files: number;
  bytes: number;
}

function fail(code: CheckpointError['code'], message: string, path: string): never {
  throw new CheckpointError(code, message, path);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const SAFE_REL = /^(?!\/)(?!.*\/\/)(?!.*\/$)(?!(?:.*\/)?\.\.?(?:\/|$))[A-Za-z0-9@_.\-/]+$/;

/** Structure of a parsed manifest whose format and version are already ours. */
function checkStructure(m: Record<string, unknown>, where: string): Manifest {
  const bad = (what: string): never => fail('bad-manifest', `${where}: ${what}`, where);
  if (typeof m.envId !== 'string' || m.envId === '') bad('"envId" is missing or not a string');
  if (typeof m.createdAt !== 'string' || Number.isNaN(Date.parse(m.createdAt))) bad('"createdAt" is missing or not an ISO 8601 date');
  if (m.envOptions !== null && m.envOptions !== undefined && !isObject(m.envOptions)) bad('"envOptions" is not an object');
  if (m.trainer !== null && m.trainer !== undefined && !isObject(m.trainer)) bad('"trainer" is not an object');
  if (!isObject(m.files)) bad('"files" is missing or not an object');
  for (const [rel, f] of Object.entries(m.files as Record<string, unknown>)) {
    if (!SAFE_REL.test(rel)) bad(`file path ${JSON.stringify(rel)} is not a plain relative path inside the folder`);
    if (!isObject(f) || typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) bad(`"files.${rel}.sha256" is not a sha256`);
    const bytes = (f as Record<string, unknown>).bytes;
    if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) bad(`"files.${rel}.bytes" is not a byte count`);
  }
  const files = m.files as Record<string, unknown>;
  const listed = (rel: unknown, field: string): void => {
    if (typeof rel !== 'string' || !(rel in files)) bad(`${field} = ${JSON.stringify(rel)} is not one of the files listed in "files"`);
  };
  if (!isObject(m.policies)) bad('"policies" is missing or not an object');
  for (const [name, p] of Object.entries(m.policies as Record<string, unknown>)) {
    if (!isObject(p) || !isObject(p.files)) bad(`"policies.${name}.files" is missing`);
    const pf = (p as { files: Record<string, unknown> }).files;
    listed(pf.model, `policies.${name}.files.model`);
    listed(pf.weights, `policies.${name}.files.weights`);
  }
  if (!isObject(m.optimizers)) bad('"optimizers" is missing or not an object');
  for (const [name, o] of Object.entries(m.optimizers as Record<string, unknown>)) {
    if (!isObject(o) || typeof o.className !== 'string') bad(`"optimizers.${name}.className" is missing`);
    const oe = o as Record<string, unknown>;
    listed(oe.file, `optimizers.${name}.file`);
    for (const field of ['weights', 'state'] as const) {
      const list = oe[field];
      if (!Array.isArray(list)) bad(`"optimizers.${name}.${field}" is not a list`);
      for (const [i, t] of (list as unknown[]).entries()) {
        const ok =
          isObject(t) &&
          typeof t.name === 'string' &&
          (t.dtype === 'float32' || t.dtype === 'int32') &&
          Array.isArray(t.shape) &&
          t.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);
        if (!ok) bad(`"optimizers.${name}.${field}[${i}]" is not { name, shape, dtype: float32|int32 }`);
      }
    }
  }
  return m as unknown as Manifest;
}

/** Reads and checks manifest.json (not the files): not-a-checkpoint, bad-manifest, foreign, version, wrong-env. */
async function readManifestOnly(dir: string, expect: ExpectOptions | undefined): Promise<{ path: string; manifest: Manifest }> {
  let path = resolve(dir);
  if (TRANSIENT_RE.test(basename(path))) {
    const real = TRANSIENT_RE.exec(basename(path))![1];
    fail(
      'not-a-checkpoint',
      `${dir} is the temporary folder of a checkpoint save that was interrupted or is still running, not a checkpoint: load ${join(dir, '..', real)} instead`,
      path,
    );
  }
  let st;
  try {
    st = await stat(path);
  } catch {
    const aside = await findRenamedAside(path).catch(() => null);
    if (!aside) fail('not-a-checkpoint', `${dir}: no such checkpoint folder`, path);
    path = aside; // a save was killed between its two renames: the previous checkpoint is there
    st = await stat(path);
  }
  if (!st.isDirectory()) fail('not-a-checkpoint', `${dir} is a file, not a checkpoint folder`, path);
  const manifestPath = join(path, 'manifest.json');
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch {
    fail('not-a-checkpoint', `${dir} has no manifest.json: not a buddy-gym checkpoint (or a save that never finished)`, path);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail('bad-manifest', `${manifestPath} is not valid JSON (${(e as Error).message}): the manifest is damaged`, manifestPath);
  }
  if (!isObject(raw)) fail('bad-manifest', `${manifestPath} is not a JSON object: the manifest is damaged`, manifestPath);
  if (raw.format !== CHECKPOINT_FORMAT) {
    fail(
      'foreign',
      `${dir} is not a buddy-gym checkpoint: its manifest.json says format ${JSON.stringify(raw.format)}, expected "${CHECKPOINT_FORMAT}"`,
      manifestPath,
    );
  }
  if (typeof raw.version !== 'number' || !READABLE_VERSIONS.includes(raw.version)) {
    fail(
      'version',
      `${dir} is checkpoint format version ${JSON.stringify(raw.version)}; this build of buddy-gym reads version${READABLE_VERSIONS.length > 1 ? 's' : ''} ${READABLE_VERSIONS.join(', ')}`,
      manifestPath,
    );
  }
  if (raw.version >= 2) {
    // The manifest's own hash first: an edited env id or option must not pass as verified.
    const recorded = raw.manifestSha256;
    const actual = manifestDigest(raw);
    if (recorded !== actual) {
      fail(
        'manifest-changed',
        `${manifestPath} was changed after it was written: its content hashes to ${actual.slice(0, 16)}…, the manifest records ${typeof recorded === 'string' ? `${recorded.slice(0, 16)}…` : 'no manifestSha256'} (restore the file, or train again)`,
        manifestPath,
      );
    }
  }
  const manifest = checkStructure(raw, manifestPath);
  if (expect?.envId !== undefined && manifest.envId !== expect.envId) {
    fail('wrong-env', `${dir}: checkpoint is for ${manifest.envId}, expected ${expect.envId}`, manifestPath);
  }
  return { path, manifest };
}

/**
 * Checks `dir` completely (manifest, then every file's presence, size and sha256) and returns
 * the manifest with every file's bytes. Throws a CheckpointError at the first problem.
 */
export async function verifyCheckpoint(
  dir: string,
  expect?: ExpectOptions,
): Promise<{ path: string; manifest: Manifest; data: Map<string, Buffer> }> {
  const { path, manifest } = await readManifestOnly(dir, expect);
  const rels = Object.keys(manifest.files);
  const sizes = new Map<string, number>();
  for (const rel of rels) {
    const full = join(path, ...rel.split('/'));
    try {
      const st = await stat(full);
      if (!st.isFile()) throw new Error('not a file');
      sizes.set(rel, st.size);
    } catch {
      fail('missing-file', `${full} is missing: the checkpoint ${dir} is incomplete`, full);
    }
  }
  for (const rel of rels) {
    const want = manifest.files[rel].bytes;
    const got = sizes.get(rel)!;
    const full = join(path, ...rel.split('/'));
    if (got < want) fail('truncated', `${full} is truncated: ${got} bytes, the manifest says ${want}`, full);
    if (got > want) fail('corrupt', `${full} is corrupt: ${got} bytes, the manifest says ${want}`, full);
  }
  const data = new Map<string, Buffer>();
  for (const rel of rels) {
    const full = join(path, ...rel.split('/'));
    const buf = await readFile(full);
    if (buf.byteLength !== manifest.files[rel].bytes) fail('truncated', `${full} changed size while being read`, full);
    const h = createHash('sha256').update(buf).digest('hex');
    if (h !== manifest.files[rel].sha256) {
      fail('corrupt', `${full} is corrupt: its sha256 is ${h}, the manifest says ${manifest.files[rel].sha256}`, full);
    }
    data.set(rel, buf);
  }
  return { path, manifest, data };
}

const SPEC_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const QUANT_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

interface ParsedModel {
  json: tf.io.ModelJSON;
  specs: tf.io.WeightsManifestEntry[];
  parameters: number;
}

function parseModelJson(buf: Buffer, full: string, weightsFile: string, weightsBytes: number): ParsedModel {
  let json: unknown;
  try {
    json = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    fail('bad-model', `${full} is not valid JSON: ${(e as Error).message}`, full);
  }
  if (!isObject(json) || !isObject(json.modelTopology) || !Array.isArray(json.weightsManifest)) {
    fail('bad-model', `${full} is not a tfjs model.json: it needs "modelTopology" and "weightsManifest"`, full);
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const expected = basename(weightsFile);
  for (const group of json.weightsManifest as unknown[]) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      fail('bad-model', `${full}: a weightsManifest group lacks "paths" or "weights"`, full);
    }
    for (const p of group.paths as unknown[]) {
      if (p !== expected) fail('bad-model', `${full}: weightsManifest points at ${JSON.stringify(p)}, expected "${expected}"`, full);
    }
    specs.push(...(group.weights as tf.io.WeightsManifestEntry[]));
  }
  let bytes = 0;
  let parameters = 0;
  for (const s of specs) {
    if (!isObject(s) || typeof s.name !== 'string' || !Array.isArray(s.shape)) fail('bad-model', `${full}: a weight entry lacks "name" or "shape"`, full);
    const n = elementCount(s.shape);
    parameters += n;
    const per = s.quantization ? QUANT_BYTES[s.quantization.dtype] : SPEC_BYTES[s.dtype];
    if (per === undefined) fail('bad-model', `${full}: weight "${s.name}" has an unsupported dtype ${JSON.stringify(s.dtype)}`, full);
    bytes += n * per;
  }
  if (bytes !== weightsBytes) {
    fail('bad-model', `${full} describes ${bytes} bytes of weights but ${weightsFile} holds ${weightsBytes}`, full);
  }
  return { json: json as unknown as tf.io.ModelJSON, specs, parameters };
}

function arrayBufferOf(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

function readTensors(buf: Buffer, entries: TensorEntry[], offset: number): { tensors: NamedTensor[]; end: number } {
  const tensors: NamedTensor[] = [];
  let at = offset;
  for (const e of entries) {
    const n = elementCount(e.shape);
    const len = n * DTYPE_BYTES[e.dtype];
    const copy = new Uint8Array(len);
    copy.set(buf.subarray(at, at + len));
    const values = e.dtype === 'float32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
    tensors.push({ name: e.name, tensor: tf.tensor(values, e.shape, e.dtype) });
    at += len;
  }
  return { tensors, end: at };
}

/**
 * Loads the checkpoint folder `dir` after verifying it completely: rebuilt models (on the
 * current tfjs backend), the optimisers' tensors and the trainer state. With `expect.envId`,
 * a checkpoint of another env is refused. Everything returned is owned by the caller.
 */
export async function loadCheckpoint(dir: string, expect?: ExpectOptions): Promise<LoadedCheckpoint> {
  const { path, manifest, data } = await verifyCheckpoint(dir, expect);
  const out: LoadedCheckpoint = { path, manifest, policies: {}, optimizerWeights: {}, optimizerState: {}, trainer: manifest.trainer };
  try {
    for (const [name, p] of Object.entries(manifest.policies)) {
      const modelFull = join(path, p.files.model);
      const weights = data.get(p.files.weights)!;
      const parsed = parseModelJson(data.get(p.files.model)!, modelFull, p.files.weights, weights.byteLength);
      const artifacts = await tf.io.getModelArtifactsForJSON(parsed.json, async () => [parsed.specs, arrayBufferOf(weights)]);
      let model: tf.LayersModel;
      try {
        model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      } catch (e) {
        const msg = (e as Error).message;
        const hint = /Unknown (layer|constraint|initializer|regularizer|activation)/i.test(msg)
          ? ' (a custom class: import the module that registers it with tf.serialization.registerClass before loading)'
          : '';
        fail('bad-model', `${modelFull}: tfjs cannot rebuild policy "${name}": ${msg}${hint}`, modelFull);
      }
      out.policies[name] = { spec: p.spec, model };
    }
    for (const [name, o] of Object.entries(manifest.optimizers)) {
      const full = join(path, o.file);
      const buf = data.get(o.file)!;
      const need = [...o.weights, ...o.state].reduce((s, e) => s + elementCount(e.shape) * DTYPE_BYTES[e.dtype], 0);
      if (need !== buf.byteLength) {
        fail('bad-manifest', `${full} holds ${buf.byteLength} bytes but the manifest describes ${need} for optimizer "${name}"`, full);
      }
      const w = readTensors(buf, o.weights, 0);
      out.optimizerWeights[name] = w.tensors;
      out.optimizerState[name] = readTensors(buf, o.state, w.end).tensors;
    }
  } catch (e) {
    disposeCheckpoint(out);
    throw e;
  }
  return out;
}

/** Disposes what loadCheckpoint returned: the optimiser tensors, and the models unless `keepModels`. */
export function disposeCheckpoint(loaded: LoadedCheckpoint, opts: { keepModels?: boolean } = {}): void {
  for (const list of [...Object.values(loaded.optimizerWeights), ...Object.values(loaded.optimizerState)]) {
    tf.dispose(list.map((n) => n.tensor));
  }
  if (!opts.keepModels) for (const p of Object.values(loaded.policies)) p.model.dispose();
}

/**
 * Puts the optimiser state of `loaded.optimizers[name]` into `optimizer`, which must be a
 * fresh one (no step taken) of the same class with the same hyper-parameters. Bit-exact:
 * it calls setWeights() and then restores the hidden variables (Adam's accBeta1/accBeta2)
 * that setWeights() would otherwise recompute with a different rounding.
 *
 * tfjs optimisers keep their slots by position, not by variable name: the next
 * applyGradients/minimize must list the variables in the same order as before the save (pass
 * `varList` explicitly, e.g. the model's trainable weights in order).
 * The loaded tensors stay the caller's (disposeCheckpoint).
 */
export async function restoreOptimizer(optimizer: tf.Optimizer, loaded: LoadedCheckpoint, name: string): Promise<void> {
  const entry = loaded.manifest.optimizers[name];
  const weights = loaded.optimizerWeights[name];
  const state = loaded.optimizerState[name];
  const where = `${loaded.path}: optimizer "${name}"`;
  if (!entry || !weights || !state) {
    const have = Object.keys(loaded.manifest.optimizers);
    throw new CheckpointError('bad-input', `${where} is not in the checkpoint (it has ${have.length ? have.map((n) => `"${n}"`).join(', ') : 'none'})`);
  }
  if (optimizer.getClassName() !== entry.className) {
    throw new CheckpointError('bad-input', `${where} is a ${entry.className}, cannot restore it into a ${optimizer.getClassName()}`);
  }
  if (optimizer.iterations !== 0) {
    throw new CheckpointError('bad-input', `${where}: restore into a fresh optimizer (this one has taken ${optimizer.iterations} steps)`);
  }
  // setWeights makes variables that share the given tensors' data (reference counted), so the
  // loaded tensors can be disposed afterwards.
  await optimizer.setWeights(weights.map((w) => ({ name: w.name, tensor: w.tensor })));
  for (const { name: prop, tensor } of state) {
    const target = (optimizer as unknown as Record<string, unknown>)[prop];
    if (!(target instanceof tf.Variable) || target.dtype !== tensor.dtype || !tf.util.arraysEqual(target.shape, tensor.shape)) {
      throw new CheckpointError('bad-input', `${where}: the ${optimizer.getClassName()} has no ${tensor.dtype} variable "${prop}" of shape [${tensor.shape}]`);
    }
    target.assign(tensor);
  }
}

/**
 * For `buddy-gym info`: reads and fully verifies `dir` (hashes included) without building any
 * model, and returns its manifest and a summary.
 */
export async function readManifest(dir: string, expect?: ExpectOptions): Promise<{ manifest: Manifest; summary: CheckpointSummary }> {
  const { path, manifest, data } = await verifyCheckpoint(dir, expect);
  const policies = Object.entries(manifest.policies).map(([name, p]) => {
    const weights = data.get(p.files.weights)!;
    const parsed = parseModelJson(data.get(p.files.model)!, join(path, p.files.model), p.files.weights, weights.byteLength);
    return { name, parameters: parsed.parameters, bytes: weights.byteLength };
  });
  const trainer = manifest.trainer as { step?: unknown } | null;
  const summary: CheckpointSummary = {
    path,
    envId: manifest.envId,
    version: manifest.version,
    createdAt: manifest.createdAt,
    step: isObject(trainer) && typeof trainer.step === 'number' ? trainer.step : null,
    policies,
    optimizers: Object.entries(manifest.optimizers).map(([name, o]) => ({ name, className: o.className })),
    files: Object.keys(manifest.files).length,
    bytes: [...data.values()].reduce((s, b) => s + b.byteLength, 0),
  };
  return { manifest, summary };
}
