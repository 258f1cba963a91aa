/**
 * The checkpoint folder format: its name and version, the manifest's type, the error every
 * refusal throws, and the checks on names and JSON values shared by save, load and store.
 *
 * A checkpoint is a folder:
 * ```
 * manifest.json                    this file's type below; written last
 * policies/<name>/model.json       tfjs LayersModel JSON (modelTopology + weightsManifest)
 * policies/<name>/weights.bin      the weights, as weightsManifest describes them
 * optimizers/<name>.bin            optimiser state: raw little-endian tensors, in manifest order
 * ```
 */

import type * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';

/** A named tensor, as `tf.Optimizer.getWeights()` returns them (tfjs does not export the type). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** `manifest.format`: what a buddy-gym checkpoint says it is. */
export const CHECKPOINT_FORMAT = 'buddy-gym-checkpoint';
/** `manifest.version` written by this build: 2 adds `manifestSha256`, the manifest's own hash. */
export const CHECKPOINT_VERSION = 2;
/** Versions this build reads (version 1 manifests carry no hash of their own; their fields are still checked). */
export const READABLE_VERSIONS: readonly number[] = [1, 2];

export type TensorDtype = 'float32' | 'int32';

/** One tensor stored in an optimiser file. */
export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: TensorDtype;
}

export interface ManifestFile {
  /** Lower-case hex sha256 of the file's bytes. */
  sha256: string;
  bytes: number;
}

export interface PolicyEntry {
  /** The caller's JSON policy spec, stored as given. */
  spec: unknown;
  /** Paths relative to the checkpoint folder. */
  files: { model: string; weights: string };
}

export interface OptimizerEntry {
  /** `optimizer.getClassName()`, e.g. `Adam`; restoring into another class is refused. */
  className: string;
  /** `optimizer.getConfig()`: learning rate, betas, epsilon... (informative; the trainer owns them). */
  config: unknown;
  /** Path relative to the checkpoint folder. */
  file: string;
  /** What `optimizer.getWeights()` returned, in its order (Adam: iter, every m, every v). */
  weights: TensorEntry[];
  /**
   * Scalar variables the optimiser keeps outside getWeights(), by property name (Adam:
   * `accBeta1`, `accBeta2`). Adam's setWeights recomputes them as beta^(iter+1), which differs
   * in the last bits from the running product, so they are stored and restored exactly.
   * Stored in the same file, after the weights.
   */
  state: TensorEntry[];
}

export interface Manifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** ISO 8601. */
  createdAt: string;
  envId: string;
  envOptions: unknown;
  policies: Record<string, PolicyEntry>;
  optimizers: Record<string, OptimizerEntry>;
  /** The trainer's JSON state (step, PRNG states, schedule, population, metric summary). */
  trainer: unknown;
  /** Every file of the folder but manifest.json, by relative path with `/` separators. */
  files: Record<string, ManifestFile>;
  /** Version 2: `manifestDigest` of everything above, so that an edit of the manifest itself is caught first. */
  manifestSha256?: string;
}

/** JSON with the keys of every object sorted and no whitespace: one text per value. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The manifest's own sha256: of its canonical JSON without the `manifestSha256` field (so formatting does not count, any value does). */
export function manifestDigest(manifest: object): string {
  const { manifestSha256: _own, ...rest } = manifest as Record<string, unknown>;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

export type CheckpointErrorCode =
  /** Not a folder, no such folder, no manifest.json, or a temporary folder of a save. */
  | 'not-a-checkpoint'
  /** manifest.json is not JSON or lacks a field. */
  | 'bad-manifest'
  /** manifest.json belongs to something else than a buddy-gym checkpoint. */
  | 'foreign'
  /** A format version this build does not read. */
  | 'version'
  /** Written for another env than the one expected. */
  | 'wrong-env'
  /** A file the manifest lists is not there. */
  | 'missing-file'
  /** A file is shorter than the manifest says. */
  | 'truncated'
  /** A file's sha256 (or size, when longer) differs from the manifest's. */
  | 'corrupt'
  /** manifest.json itself was changed after it was written (its manifestSha256 no longer matches). */
  | 'manifest-changed'
  /** A field of the manifest is not what the checkpoint's own files, env or trainer say (checked by the trainer's loader). */
  | 'inconsistent'
  /** A model.json that tfjs cannot rebuild a model from. */
  | 'bad-model'
  /** A refusal while saving: bad policy name, non-JSON trainer state, folder in the way... */
  | 'bad-input';

/** Every refusal of this module: `code` says which, the message says what and where. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly code: CheckpointErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9@_.-]{0,99}$/;

/**
 * Policy and optimiser names become file names: letters, digits and `@ _ . -`, starting
 * with a letter or digit, at most 100 characters, no `..`. E.g. `user`, `goal`, `user@3`.
 */
export function assertSafeName(kind: string, name: string): void {
  if (typeof name !== 'string' || !NAME_RE.test(name) || name.includes('..')) {
    throw new CheckpointError(
      'bad-input',
      `${kind} name ${JSON.stringify(name)} cannot be a file name: use letters, digits and @ _ . - ` +
        `(starting with a letter or digit, at most 100 characters, no "..", no path separators)`,
    );
  }
}

/**
 * Throws unless `value` survives JSON unchanged: plain objects, arrays, strings, booleans, null
 * and finite numbers. `where` names the value in the message (e.g. `trainer.rng.state`).
 * JSON would silently turn NaN into null, a Uint32Array into an object, a Map into {}.
 */
export function assertPlainJson(value: unknown, where: string): void {
  const seen = new Set<object>();
  const walk = (v: unknown, path: string): void => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) {
        throw new CheckpointError('bad-input', `${path} is ${v}: JSON cannot hold it (store null or a string instead)`);
      }
      return;
    }
    if (typeof v !== 'object') {
      throw new CheckpointError('bad-input', `${path} is a ${typeof v}: a checkpoint stores plain JSON only`);
    }
    if (seen.has(v)) throw new CheckpointError('bad-input', `${path} is a circular reference: a checkpoint stores plain JSON only`);
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) throw new CheckpointError('bad-input', `${path}[${i}] is a hole in an array: JSON would write null`);
        walk(v[i], `${path}[${i}]`);
      }
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) {
        const kind = (v as { constructor?: { name?: string } }).constructor?.name ?? 'object';
        throw new CheckpointError(
          'bad-input',
          `${path} is a ${kind}: a checkpoint stores plain JSON only (convert typed arrays with Array.from)`,
        );
      }
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined) continue; // JSON drops it, as a reader of the object would see
        walk(x, `${path}.${k}`);
      }
    }
    seen.delete(v);
  };
  walk(value, where);
}

/** Bytes per element of each stored dtype. */
export const DTYPE_BYTES: Record<TensorDtype, number> = { float32: 4, int32: 4 };

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `<name>.tmp-<pid>-<hex>` / `<name>.old-<pid>-<hex>`: folders of a save in progress or interrupted. */
export const TRANSIENT_RE = /^(.+)\.(tmp|old)-(\d+)-([0-9a-f]+)$/;
