/**
 * Writing a checkpoint folder atomically: everything goes into a temporary sibling
 * (`<dir>.tmp-<pid>-<hex>`), every file and folder is fsynced, manifest.json (with the sha256
 * of every other file) is written last, and the folder is renamed to `dir`. At every instant
 * `dir` is either the previous complete checkpoint or the new one (see atomic.ts for the one
 * gap POSIX leaves, and how loading and the next save close it).
 *
 * Models are serialised by tfjs itself (`model.save(tf.io.withSaveHandler(...))`), so the
 * model.json is the standard tfjs format (modelTopology + weightsManifest → weights.bin) and
 * any tfjs tool reads it. No tfjs-node needed.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fsyncDir, installFolder, recoverInterruptedSave, transientSibling, writeFileDurable } from './atomic.js';
import {
  assertPlainJson,
  assertSafeName,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  CheckpointError,
  manifestDigest,
  type Manifest,
  type NamedTensor,
  type ManifestFile,
  type OptimizerEntry,
  type PolicyEntry,
  type TensorDtype,
  type TensorEntry,
} from './format.js';
import { verifyCheckpoint } from './load.js';

export interface CheckpointContents {
  envId: string;
  /** The env's options, as JSON. */
  envOptions: unknown;
  /** Each policy's JSON spec (stored as given) and its network. */
  policies: Record<string, { spec: unknown; model: tf.LayersModel }>;
  /** Optimiser state by name (usually one per policy); restore with `restoreOptimizer`. */
  optimizers?: Record<string, tf.Optimizer>;
  /** The trainer's state as plain JSON: no NaN, no typed arrays (refused with the path named). */
  trainer: unknown;
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

class FolderWriter {
  readonly files: Record<string, ManifestFile> = {};
  private readonly dirs = new Set<string>();
  constructor(readonly root: string) {}

  async write(rel: string, data: Uint8Array): Promise<void> {
    const full = join(this.root, ...rel.split('/'));
    const parent = dirname(full);
    if (!this.dirs.has(parent)) {
      await mkdir(parent, { recursive: true });
      this.dirs.add(parent);
    }
    await writeFileDurable(full, data);
    this.files[rel] = { sha256: sha256(data), bytes: data.byteLength };
  }

  /** fsyncs every folder created, deepest first, then the root. */
  async syncFolders(): Promise<void> {
    const all = [...this.dirs].filter((d) => d !== this.root).sort((a, b) => b.length - a.length);
    for (const d of all) await fsyncDir(d);
    // Intermediate folders (policies/, optimizers/) hold the names of their children.
    const parents = new Set(all.map((d) => dirname(d)).filter((d) => d !== this.root && !this.dirs.has(d)));
    for (const d of parents) await fsyncDir(d);
    await fsyncDir(this.root);
  }

  /** The manifest, last, with the files sorted by path. */
  async writeManifest(manifest: Omit<Manifest, 'files'>): Promise<Manifest> {
    const files: Record<string, ManifestFile> = {};
    for (const k of Object.keys(this.files).sort()) files[k] = this.files[k];
    const unsealed: Manifest = { ...manifest, files };
    const full: Manifest = { ...unsealed, manifestSha256: manifestDigest(unsealed) };
    await writeFileDurable(join(this.root, 'manifest.json'), `${JSON.stringify(full, null, 2)}\n`);
    return full;
  }
}

async function writePolicy(w: FolderWriter, name: string, model: tf.LayersModel): Promise<PolicyEntry['files']> {
  const files = { model: `policies/${name}/model.json`, weights: `policies/${name}/weights.bin` };
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (artifacts.modelTopology == null || artifacts.modelTopology instanceof ArrayBuffer) {
        throw new CheckpointError('bad-input', `policy "${name}": the model gave no JSON topology to save`);
      }
      const weightData = artifacts.weightData == null ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      await w.write(files.weights, new Uint8Array(weightData));
      await w.write(files.model, new TextEncoder().encode(`${JSON.stringify(modelJson)}\n`));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return files;
}

/**
 * Scalar tf.Variables an optimiser keeps beside getWeights() (Adam: accBeta1, accBeta2).
 * Sorted by property name.
 */
export function hiddenOptimizerVariables(optimizer: tf.Optimizer): [string, tf.Variable][] {
  return Object.entries(optimizer)
    .filter((e): e is [string, tf.Variable] => e[1] instanceof tf.Variable)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

async function tensorBytes(where: string, t: tf.Tensor): Promise<{ dtype: TensorDtype; bytes: Uint8Array }> {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') {
    throw new CheckpointError('bad-input', `${where} has dtype ${t.dtype}: a checkpoint stores float32 and int32 tensors`);
  }
  const data = await t.data();
  // A copy: the view must outlive a disposal of the tensor.
  return { dtype: t.dtype, bytes: bytesOf(data).slice() };
}

async function writeOptimizer(w: FolderWriter, name: string, optimizer: tf.Optimizer): Promise<OptimizerEntry> {
  if (optimizer == null || typeof optimizer.getWeights !== 'function') {
    throw new CheckpointError('bad-input', `optimizer "${name}" is not a tf.Optimizer`);
  }
  let named: NamedTensor[];
  try {
    named = await optimizer.getWeights();
  } catch (e) {
    throw new CheckpointError(
      'bad-input',
      `optimizer "${name}" (${optimizer.getClassName()}) cannot be checkpointed: ${(e as Error).message}`,
    );
  }
  const chunks: Uint8Array[] = [];
  const weights: TensorEntry[] = [];
  const state: TensorEntry[] = [];
  try {
    for (const { name: wname, tensor } of named) {
      const { dtype, bytes } = await tensorBytes(`optimizer "${name}" weight "${wname}"`, tensor);
      weights.push({ name: wname, shape: [...tensor.shape], dtype });
      chunks.push(bytes);
    }
  } finally {
    // getWeights() returns the optimiser's own variables plus fresh tensors (the `iter` scalar):
    // dispose only the fresh ones.
    tf.dispose(named.map((n) => n.tensor).filter((t) => !(t instanceof tf.Variable)));
  }
  for (const [prop, variable] of hiddenOptimizerVariables(optimizer)) {
    const { dtype, bytes } = await tensorBytes(`optimizer "${name}" ${prop}`, variable);
    state.push({ name: prop, shape: [...variable.shape], dtype });
    chunks.push(bytes);
  }
  const file = `optimizers/${name}.bin`;
  await w.write(file, Buffer.concat(chunks));
  let config: unknown = null;
  try {
    config = JSON.parse(JSON.stringify(optimizer.getConfig()));
  } catch {
    /* informative only */
  }
  return { className: optimizer.getClassName(), config, file, weights, state };
}

function validateContents(contents: CheckpointContents): void {
  // tfjs's weights.bin and the optimiser files hold native-endian numbers; the format says little-endian.
  if (endianness() !== 'LE') throw new CheckpointError('bad-input', 'checkpoints are little-endian; this machine is big-endian');
  if (contents == null || typeof contents !== 'object') throw new CheckpointError('bad-input', 'checkpoint contents must be an object');
  if (typeof contents.envId !== 'string' || contents.envId === '') {
    throw new CheckpointError('bad-input', `envId must be a non-empty string, got ${JSON.stringify(contents.envId)}`);
  }
  assertPlainJson(contents.envOptions ?? null, 'envOptions');
  assertPlainJson(contents.trainer ?? null, 'trainer');
  if (contents.policies == null || typeof contents.policies !== 'object') {
    throw new CheckpointError('bad-input', 'policies must be an object of { spec, model } by policy name');
  }
  for (const [name, p] of Object.entries(contents.policies)) {
    assertSafeName('policy', name);
    if (p == null || typeof p.model?.save !== 'function') {
      throw new CheckpointError('bad-input', `policy "${name}": model must be a tf.LayersModel`);
    }
    assertPlainJson(p.spec ?? null, `policies.${name}.spec`);
  }
  for (const name of Object.keys(contents.optimizers ?? {})) assertSafeName('optimizer', name);
}

/**
 * Writes the checkpoint folder `dir` atomically, replacing a checkpoint already there (a
 * non-empty folder that is not a checkpoint is refused). Returns the manifest written.
 * One writer per `dir` at a time.
 */
export async function saveCheckpoint(dir: string, contents: CheckpointContents): Promise<Manifest> {
  validateContents(contents);
  return writeFolderAtomically(dir, async (w) => {
    const policies: Record<string, PolicyEntry> = {};
    for (const [name, p] of Object.entries(contents.policies)) {
      policies[name] = { spec: p.spec ?? null, files: await writePolicy(w, name, p.model) };
    }
    const optimizers: Record<string, OptimizerEntry> = {};
    for (const [name, opt] of Object.entries(contents.optimizers ?? {})) optimizers[name] = await writeOptimizer(w, name, opt);
    await w.syncFolders();
    return w.writeManifest({
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      createdAt: new Date().toISOString(),
      envId: contents.envId,
      envOptions: contents.envOptions ?? null,
      policies,
      optimizers,
      trainer: contents.trainer ?? null,
    });
  });
}

/**
 * Copies the checkpoint `src` to `dst` atomically, every file byte for byte, after verifying
 * `src`'s hashes. Used for a run's `best` folder.
 */
export async function copyCheckpoint(src: string, dst: string): Promise<Manifest> {
  const { manifest, data } = await verifyCheckpoint(src);
  return writeFolderAtomically(dst, async (w, tmp) => {
    for (const [rel, bytes] of data) await w.write(rel, bytes);
    await w.syncFolders();
    // The verified manifest, re-serialised: what was checked is what is copied.
    await writeFileDurable(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  });
}

/**
 * Fills a temporary sibling of `dir` with `fill`, fsyncs it and renames it into place (an
 * interrupted earlier save is recovered first); on any failure the sibling is removed and
 * `dir` is left as it was.
 */
async function writeFolderAtomically<T>(dir: string, fill: (w: FolderWriter, tmp: string) => Promise<T>): Promise<T> {
  const target = resolve(dir);
  await mkdir(dirname(target), { recursive: true });
  await recoverInterruptedSave(target);
  const tmp = transientSibling(target, 'tmp');
  await mkdir(tmp);
  try {
    const result = await fill(new FolderWriter(tmp), tmp);
    await fsyncDir(tmp);
    await installFolder(tmp, target);
    return result;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
