/**
 * Categorical head for a Discrete(n, start) action space.
 *
 * params = logits [n] per sample (any real values; −∞ masks an action out). Sampling is
 * Gumbel-max: argmax_i (logit_i + G_i), G_i = −log(−log u_i) from n uniforms per sample,
 * which draws exactly from softmax(logits) (up to float32 rounding). The action is the
 * 0-based index; `toEnvAction` adds `start`.
 *
 * `logProb` is exact: Σ_i onehot(a)_i · logSoftmax(logits)_i, written with a one-hot mask
 * and `tf.where` rather than `tf.gather`, whose gradient needs the UnsortedSegmentSum
 * kernel (missing on the wasm backend). An index outside [0, n) has probability 0:
 * its logProb is −∞. `entropy` is exact: −Σ p log p.
 */
import * as tf from '@tensorflow/tfjs';
import { type ActionHead, type HeadSpec, asInt32, checkMatrix, checkSameBatch, entropyOfLogSoftmax, gumbel } from './head.js';

export interface CategoricalHeadOptions {
  /** The Discrete space's first value, added by `toEnvAction`. Default 0. */
  start?: number;
}

export class CategoricalHead implements ActionHead {
  readonly kind = 'categorical' as const;
  readonly paramSize: number;
  readonly actionSize = 1;
  readonly actionDtype = 'int32' as const;
  readonly noise: { readonly kind: 'uniform'; readonly size: number };
  readonly start: number;

  constructor(
    readonly n: number,
    options: CategoricalHeadOptions = {},
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`CategoricalHead: n must be a positive integer, got ${n}`);
    const { start = 0 } = options;
    if (!Number.isSafeInteger(start)) throw new RangeError(`CategoricalHead: start must be an integer, got ${start}`);
    this.start = start;
    this.paramSize = n;
    this.noise = Object.freeze({ kind: 'uniform' as const, size: n });
  }

  /** Gumbel-max with uniform noise [B, n] → actions [B, 1] int32 (0-based). */
  sample(params: tf.Tensor2D, noise: tf.Tensor2D): { actions: tf.Tensor2D; logProb: tf.Tensor1D } {
    checkMatrix(params, this.n, 'params', 'CategoricalHead');
    checkMatrix(noise, this.n, 'noise', 'CategoricalHead');
    checkSameBatch(params, noise, 'noise', 'CategoricalHead');
    return tf.tidy(() => {
      const perturbed = tf.add(params, gumbel(tf.cast(noise, 'float32') as tf.Tensor2D));
      const actions = tf.reshape(tf.argMax(perturbed, 1), [-1, 1]) as tf.Tensor2D;
      return { actions, logProb: this.logProb(params, actions) };
    });
  }

  /** Exact log softmax(logits)[a] for actions [B, 1] (int32; float32 is truncated). */
  logProb(params: tf.Tensor2D, actions: tf.Tensor2D): tf.Tensor1D {
    checkMatrix(params, this.n, 'params', 'CategoricalHead');
    checkMatrix(actions, 1, 'actions', 'CategoricalHead');
    checkSameBatch(params, actions, 'actions', 'CategoricalHead');
    return tf.tidy(() => {
      const ls = tf.logSoftmax(params);
      const oneHot = tf.oneHot(tf.reshape(asInt32(actions), [-1]) as tf.Tensor1D, this.n);
      const picked = tf.sum(tf.where(tf.cast(oneHot, 'bool'), ls, tf.zerosLike(ls)), 1);
      // log 1 = 0 for a valid index; log 0 = −∞ for one outside [0, n) (an all-zero one-hot row).
      const valid = tf.log(tf.cast(tf.sum(oneHot, 1), 'float32'));
      return tf.add(picked, valid) as tf.Tensor1D;
    });
  }

  /** Exact −Σ_i p_i log p_i. `actions` is ignored. */
  entropy(params: tf.Tensor2D, _actions?: tf.Tensor2D): tf.Tensor1D {
    checkMatrix(params, this.n, 'params', 'CategoricalHead');
    return tf.tidy(() => entropyOfLogSoftmax(tf.logSoftmax(params)) as tf.Tensor1D);
  }

  /** argmax of the logits, [B, 1] int32. */
  mode(params: tf.Tensor2D): tf.Tensor2D {
    checkMatrix(params, this.n, 'params', 'CategoricalHead');
    return tf.tidy(() => tf.reshape(tf.argMax(params, 1), [-1, 1]) as tf.Tensor2D);
  }

  /** start + the sampled index in row `row`. */
  toEnvAction(actions: ArrayLike<number>, row = 0): number {
    if (!Number.isInteger(row) || row < 0 || row >= actions.length) {
      throw new RangeError(`CategoricalHead: row ${row} is outside a buffer of ${actions.length} rows`);
    }
    return this.start + actions[row];
  }

  writeEnvAction(actions: ArrayLike<number>, row: number, out: Float32Array | Int32Array | Float64Array, offset: number): void {
    out[offset] = this.toEnvAction(actions, row);
  }

  toJSON(): HeadSpec {
    return { kind: 'categorical', n: this.n, start: this.start };
  }
}
