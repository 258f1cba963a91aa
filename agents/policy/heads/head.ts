/**
 * The contract of a policy head: the map from the numbers a network outputs for one
 * state (the distribution's parameters) to a distribution over one action space, in
 * tfjs ops so that gradients reach the network, batched over the first axis.
 *
 * Randomness is never drawn by tfjs. The caller draws the noise a head asks for
 * (`noise`) with the project's seeded `Rng` (see `drawNoise`) and passes it in, so a
 * sample is a deterministic function of (params, noise) and reproducible on every
 * backend. `sample` returns the log-probability computed by the same `logProb` the
 * learner will call later, so at unchanged parameters the PPO ratio is exactly 1 on one
 * backend.
 *
 * Heads hold no tensors and no weights; every method runs inside `tf.tidy` and returns
 * only its outputs, which the caller owns and disposes.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../envs/core/rng.js';

export type HeadKind = 'gaussian' | 'categorical' | 'plackett-luce';

/** An env action for one agent: a Box vector, a Discrete integer or Subset indices. */
export type EnvAction = Float32Array | number | Int32Array;

/** The JSON spec of a head, for manifests (`headFromJSON` reads it back). */
export type HeadSpec =
  | {
      kind: 'gaussian';
      size: number;
      /** A bound per dimension or one for all; null stands for −∞ (JSON has no Infinity). */
      low: number | null | (number | null)[];
      /** null stands for +∞. */
      high: number | null | (number | null)[];
      logStdMin: number;
      logStdMax: number;
    }
  | { kind: 'categorical'; n: number; start: number }
  | { kind: 'plackett-luce'; n: number; k: number };

export interface ActionHead {
  readonly kind: HeadKind;
  /** Numbers per sample the network must output for this head. */
  readonly paramSize: number;
  /** Numbers per sample of the action (Box size, 1, or k). */
  readonly actionSize: number;
  /** The dtype of `sample`'s actions: float32 for gaussian, int32 otherwise. */
  readonly actionDtype: 'float32' | 'int32';
  /** Uniform [0, 1) or standard normal noise needed per sample, and how much. */
  readonly noise: { readonly kind: 'normal' | 'uniform'; readonly size: number };
  /**
   * params [B, paramSize], noise [B, noise.size] → actions [B, actionSize] and their
   * log-probability [B] (equal to `logProb(params, actions)`). Not differentiable.
   */
  sample(params: tf.Tensor2D, noise: tf.Tensor2D): { actions: tf.Tensor2D; logProb: tf.Tensor1D };
  /** Differentiable log-probability [B] of given actions [B, actionSize]. */
  logProb(params: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D;
  /**
   * Differentiable entropy per sample [B]: exact for gaussian and categorical; for
   * plackett-luce an unbiased estimate that needs the sampled `actions` (see there).
   */
  entropy(params: tf.Tensor2D, actions?: tf.Tensor2D): tf.Tensor1D;
  /** The deterministic action [B, actionSize] for evaluation: mean, argmax, top-k of logits. */
  mode(params: tf.Tensor2D): tf.Tensor2D;
  /**
   * The env's action for row `row` of a flat [B, actionSize] action buffer (what
   * `await actions.data()` returns): the Box vector clipped to its bounds, the Discrete
   * integer shifted by `start`, or the Subset's indices.
   */
  toEnvAction(actions: ArrayLike<number>, row?: number): EnvAction;
  /**
   * Like `toEnvAction`, written in the env's flat layout (`actionSize` numbers) into
   * `out[offset ..]` without allocating: for `Agent.actBatch`.
   */
  writeEnvAction(actions: ArrayLike<number>, row: number, out: Float32Array | Int32Array | Float64Array, offset: number): void;
  toJSON(): HeadSpec;
}

/**
 * Draws the noise `head` needs for `batch` samples from `rng`: [batch, head.noise.size]
 * row-major, standard normals (`fillNormal`) or uniforms in [0, 1) (`uniform`).
 */
export function drawNoise(head: Pick<ActionHead, 'noise'>, rng: Rng, batch: number, out?: Float32Array): Float32Array {
  if (!Number.isInteger(batch) || batch < 0) throw new RangeError(`drawNoise: batch must be a non-negative integer, got ${batch}`);
  const n = batch * head.noise.size;
  const buf = out ?? new Float32Array(n);
  if (buf.length < n) throw new RangeError(`drawNoise: out has ${buf.length} elements, needs ${n}`);
  if (head.noise.kind === 'normal') rng.fillNormal(buf, 0, n);
  else for (let i = 0; i < n; i++) buf[i] = rng.uniform();
  return buf;
}

// ---------------------------------------------------------------------------------------
// Helpers shared by the heads (not exported from the package).

/** Throws unless `t` is rank 2 with `cols` columns; returns the batch size. */
export function checkMatrix(t: tf.Tensor, cols: number, what: string, head: string): number {
  if (!(t instanceof tf.Tensor)) throw new TypeError(`${head}: ${what} must be a tf.Tensor`);
  if (t.rank !== 2 || t.shape[1] !== cols) {
    throw new RangeError(`${head}: ${what} must have shape [B, ${cols}], got [${t.shape.join(', ')}]`);
  }
  return t.shape[0];
}

export function checkSameBatch(a: tf.Tensor, b: tf.Tensor, what: string, head: string): void {
  if (a.shape[0] !== b.shape[0]) {
    throw new RangeError(`${head}: params have batch ${a.shape[0]} but ${what} have batch ${b.shape[0]}`);
  }
}

/** Largest float32 below 1 and a tiny positive floor: keep −log(−log u) finite. */
const U_MAX = 1 - 2 ** -24;
const U_MIN = 1e-30;

/**
 * Standard Gumbel noise −log(−log u) from uniforms u. u is clamped to [1e-30, 1 − 2⁻²⁴]
 * first (a uniform in float32 can round up to 1), which changes the distribution only
 * on an event of probability below 2⁻²⁴.
 */
export function gumbel(u: tf.Tensor2D): tf.Tensor2D {
  return tf.neg(tf.log(tf.neg(tf.log(tf.clipByValue(u, U_MIN, U_MAX)))));
}

/** x where it is finite, 0 elsewhere: keeps 0·(−∞) out of forward and backward passes. */
export function finiteOrZero<T extends tf.Tensor>(x: T): T {
  return tf.where(tf.isFinite(x), x, tf.zerosLike(x)) as T;
}

/**
 * Entropy −Σ p log p along the last axis of a log-softmax `ls` (entries −∞ for masked
 * items contribute 0, with finite gradients).
 */
export function entropyOfLogSoftmax(ls: tf.Tensor): tf.Tensor {
  return tf.neg(tf.sum(tf.mul(tf.exp(ls), finiteOrZero(ls)), -1));
}

/** Integer actions as int32 (float32 actions are accepted and truncated). */
export function asInt32(a: tf.Tensor): tf.Tensor {
  return a.dtype === 'int32' ? a : tf.cast(a, 'int32');
}
