/**
 * Diagonal Gaussian head for a Box action space, with clipping (as CleanRL's continuous
 * PPO), not tanh-squashing.
 *
 * params = [mean (size), logStd (size)]. The network may make logStd state-dependent or
 * a learned bias; the head accepts either. logStd is clamped to [logStdMin, logStdMax]
 * (default [−5, 2]) inside every method, so σ ∈ [e⁻⁵, e²] ≈ [0.0067, 7.39]; outside that
 * range the gradient with respect to logStd is zero (`tf.clipByValue`'s gradient).
 *
 * The distribution is over the pre-clip action u = mean + σ·z, z ~ N(0, I): `sample`
 * returns u, `logProb` is the exact Gaussian log-density of u summed over dimensions,
 * `entropy` is exact: Σ_d (logσ_d + ½ log(2πe)). Only `toEnvAction` clips u into
 * [low, high] for the env; the clipped action's own (mixed) distribution is never used.
 */
import * as tf from '@tensorflow/tfjs';
import { type ActionHead, type HeadSpec, checkMatrix, checkSameBatch } from './head.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const HALF_LOG_2PI_E = 0.5 * Math.log(2 * Math.PI * Math.E);

export interface GaussianHeadOptions {
  /** Lower bound of the Box (one per dimension or one for all); −Infinity for none. Default −1. */
  low?: number | ArrayLike<number>;
  /** Upper bound; +Infinity for none. Default 1. */
  high?: number | ArrayLike<number>;
  /** Clamp range of logStd. Default [−5, 2]. */
  logStdMin?: number;
  logStdMax?: number;
}

export class GaussianHead implements ActionHead {
  readonly kind = 'gaussian' as const;
  readonly paramSize: number;
  readonly actionSize: number;
  readonly actionDtype = 'float32' as const;
  readonly noise: { readonly kind: 'normal'; readonly size: number };
  /** Per-dimension bounds used by `toEnvAction` (float64 copies). */
  readonly low: Float64Array;
  readonly high: Float64Array;
  readonly logStdMin: number;
  readonly logStdMax: number;

  constructor(
    readonly size: number,
    options: GaussianHeadOptions = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`GaussianHead: size must be a positive integer, got ${size}`);
    const { low = -1, high = 1, logStdMin = -5, logStdMax = 2 } = options;
    this.low = bounds(low, size, 'low');
    this.high = bounds(high, size, 'high');
    for (let i = 0; i < size; i++) {
      if (!(this.low[i] <= this.high[i])) throw new RangeError(`GaussianHead: low[${i}] = ${this.low[i]} exceeds high[${i}] = ${this.high[i]}`);
    }
    if (!Number.isFinite(logStdMin) || !Number.isFinite(logStdMax) || !(logStdMin < logStdMax)) {
      throw new RangeError(`GaussianHead: need finite logStdMin < logStdMax, got [${logStdMin}, ${logStdMax}]`);
    }
    this.logStdMin = logStdMin;
    this.logStdMax = logStdMax;
    this.paramSize = 2 * size;
    this.actionSize = size;
    this.noise = Object.freeze({ kind: 'normal' as const, size });
  }

  /** The mean [B, size] and the clamped logStd [B, size] of params [B, 2·size]. */
  split(params: tf.Tensor2D): { mean: tf.Tensor2D; logStd: tf.Tensor2D } {
    checkMatrix(params, this.paramSize, 'params', 'GaussianHead');
    return tf.tidy(() => {
      const [mean, rawLogStd] = tf.split(params, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
      return { mean, logStd: tf.clipByValue(rawLogStd, this.logStdMin, this.logStdMax) };
    });
  }

  /** u = mean + exp(logStd)·z for standard normal noise z [B, size]. */
  sample(params: tf.Tensor2D, noise: tf.Tensor2D): { actions: tf.Tensor2D; logProb: tf.Tensor1D } {
    checkMatrix(noise, this.size, 'noise', 'GaussianHead');
    checkSameBatch(params, noise, 'noise', 'GaussianHead');
    return tf.tidy(() => {
      const { mean, logStd } = this.split(params);
      const actions = tf.add(mean, tf.mul(tf.exp(logStd), tf.cast(noise, 'float32'))) as tf.Tensor2D;
      return { actions, logProb: this.logProb(params, actions) };
    });
  }

  /** Σ_d [−½((u_d − μ_d)/σ_d)² − logσ_d − ½ log 2π] for pre-clip actions u [B, size]. */
  logProb(params: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D {
    checkMatrix(actions, this.size, 'actions', 'GaussianHead');
    checkSameBatch(params, actions, 'actions', 'GaussianHead');
    return tf.tidy(() => {
      const { mean, logStd } = this.split(params);
      const z = tf.mul(tf.sub(tf.cast(actions, 'float32'), mean), tf.exp(tf.neg(logStd)));
      const perDim = tf.sub(tf.mul(tf.square(z), -0.5), tf.add(logStd, HALF_LOG_2PI));
      return tf.sum(perDim, 1) as tf.Tensor1D;
    });
  }

  /** Exact: Σ_d (logσ_d + ½ log(2πe)). `actions` is ignored. */
  entropy(params: tf.Tensor2D, _actions?: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const { logStd } = this.split(params);
      return tf.sum(tf.add(logStd, HALF_LOG_2PI_E), 1) as tf.Tensor1D;
    });
  }

  /** The mean (pre-clip; `toEnvAction` clips it). */
  mode(params: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.split(params).mean);
  }

  /** clip(u, low, high) of row `row` of a flat [B, size] buffer of sampled u. */
  toEnvAction(actions: ArrayLike<number>, row = 0): Float32Array {
    const out = new Float32Array(this.size);
    this.writeEnvAction(actions, row, out, 0);
    return out;
  }

  writeEnvAction(actions: ArrayLike<number>, row: number, out: Float32Array | Int32Array | Float64Array, offset: number): void {
    const base = row * this.size;
    if (!Number.isInteger(row) || row < 0 || base + this.size > actions.length) {
      throw new RangeError(`GaussianHead: row ${row} is outside a buffer of ${actions.length / this.size} rows`);
    }
    for (let i = 0; i < this.size; i++) {
      const u = actions[base + i];
      out[offset + i] = u < this.low[i] ? this.low[i] : u > this.high[i] ? this.high[i] : u; // NaN passes through
    }
  }

  toJSON(): HeadSpec {
    return {
      kind: 'gaussian',
      size: this.size,
      low: boundJSON(this.low),
      high: boundJSON(this.high),
      logStdMin: this.logStdMin,
      logStdMax: this.logStdMax,
    };
  }
}

function bounds(b: number | ArrayLike<number>, n: number, what: string): Float64Array {
  if (typeof b === 'number') {
    if (Number.isNaN(b)) throw new RangeError(`GaussianHead: ${what} is NaN`);
    return new Float64Array(n).fill(b);
  }
  if (b === null || typeof b !== 'object' || typeof b.length !== 'number') {
    throw new TypeError(`GaussianHead: ${what} must be a number or an array of ${n} numbers`);
  }
  if (b.length !== n) throw new RangeError(`GaussianHead: ${what} has ${b.length} elements, size is ${n}`);
  const out = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    if (typeof b[i] !== 'number' || Number.isNaN(out[i])) throw new RangeError(`GaussianHead: ${what}[${i}] is not a number`);
  }
  return out;
}

/** One number when all equal, else a list; ±Infinity written as null (JSON has none). */
function boundJSON(a: Float64Array): number | null | (number | null)[] {
  const enc = (v: number) => (Number.isFinite(v) ? v : null);
  return a.every((v) => v === a[0]) ? enc(a[0]) : Array.from(a, enc);
}
