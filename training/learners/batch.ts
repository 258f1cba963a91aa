import * as tf from '@tensorflow/tfjs';

/** One learner's training data: n transitions, flat arrays. */
export interface Batch {
  n: number;
  obsSize: number;
  actionSize: number;
  obs: Float32Array;
  /** Actions as the head sampled them (Gaussian: pre-clip; Subset: indices). */
  actions: Float32Array | Int32Array;
  logProb: Float32Array;
  values: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
}

/**
 * The same training data as tensors (on whatever backend is active), rows in the same order
 * as a Batch: what `updateFromTensors` of the learners reads, so a rollout that stays on
 * the device never copies its transitions to the host. The learners do not dispose it.
 */
export interface TensorBatch {
  n: number;
  obsSize: number;
  actionSize: number;
  obs: tf.Tensor2D;
  /** [n, actionSize]: float32 (Gaussian, pre-clip) or int32 (indices). */
  actions: tf.Tensor2D;
  logProb: tf.Tensor1D;
  values: tf.Tensor1D;
  advantages: tf.Tensor1D;
  returns: tf.Tensor1D;
}

/** Learner statistics of one update (means over its minibatches). */
export interface UpdateStats {
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
  gradNorm: number;
  explainedVariance: number;
  /** The learning rate of the update. */
  learningRate: number;
  /** Minibatch steps taken (fewer than epochs × minibatches when a target KL stopped the update). */
  minibatches: number;
}

/** Copies rows `idx[from .. to)` of a [n, width] array into `out` (minibatch gathering). */
export function gatherRows<A extends Float32Array | Int32Array>(src: A, width: number, idx: Int32Array, from: number, to: number, out: A): A {
  if (width >= 16) {
    // wide rows: one memcpy each
    for (let r = from; r < to; r++) out.set(src.subarray(idx[r] * width, idx[r] * width + width), (r - from) * width);
    return out;
  }
  for (let r = from; r < to; r++) {
    const s = idx[r] * width;
    const d = (r - from) * width;
    for (let c = 0; c < width; c++) out[d + c] = src[s + c];
  }
  return out;
}

/** 1 − Var(returns − values) / Var(returns): how much of the return the critic explains. */
export function explainedVariance(values: Float32Array, returns: Float32Array, n: number): number {
  let mr = 0;
  let md = 0;
  for (let i = 0; i < n; i++) {
    mr += returns[i];
    md += returns[i] - values[i];
  }
  mr /= n;
  md /= n;
  let vr = 0;
  let vd = 0;
  for (let i = 0; i < n; i++) {
    vr += (returns[i] - mr) ** 2;
    vd += (returns[i] - values[i] - md) ** 2;
  }
  return vr === 0 ? Number.NaN : 1 - vd / vr;
}

/** 1 − vd / vr from the variances of returns (vr) and of returns − values (vd); NaN when vr = 0. */
export function explainedVarianceOf(vr: number, vd: number): number {
  return vr === 0 ? Number.NaN : 1 - vd / vr;
}

/** [Var(returns), Var(returns − values)] as a [2] tensor: explainedVariance's parts, on the device. */
export function varianceParts(values: tf.Tensor1D, returns: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const variance = (x: tf.Tensor) => tf.mean(tf.square(tf.sub(x, tf.mean(x))));
    return tf.stack([variance(returns), variance(tf.sub(returns, values))]) as tf.Tensor1D;
  });
}

/** (x − mean) / (std + 1e-8) of a [n] tensor: `normalize` of ppo.ts, on the device. */
export function normalizeTensor(x: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const centred = tf.sub(x, tf.mean(x));
    return tf.div(centred, tf.add(tf.sqrt(tf.mean(tf.square(centred))), 1e-8)) as tf.Tensor1D;
  });
}

/** Throws unless every tensor of `batch` has the shape and dtype that n, obsSize and actionSize say. */
export function checkTensorBatch(batch: TensorBatch, obsSize: number, actionSize: number, who: string): void {
  const { n } = batch;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${who}: batch.n must be a positive integer, got ${n}`);
  if (batch.obsSize !== obsSize || batch.actionSize !== actionSize) {
    throw new RangeError(`${who}: the batch has obsSize ${batch.obsSize} and actionSize ${batch.actionSize}, the policy needs ${obsSize} and ${actionSize}`);
  }
  const expect: [keyof TensorBatch, number[]][] = [
    ['obs', [n, obsSize]],
    ['actions', [n, actionSize]],
    ['logProb', [n]],
    ['values', [n]],
    ['advantages', [n]],
    ['returns', [n]],
  ];
  for (const [key, shape] of expect) {
    const t = batch[key] as tf.Tensor;
    if (!(t instanceof tf.Tensor)) throw new TypeError(`${who}: batch.${key} must be a tf.Tensor`);
    if (t.isDisposed) throw new Error(`${who}: batch.${key} has been disposed`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new RangeError(`${who}: batch.${key} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
    if (key !== 'actions' && t.dtype !== 'float32') throw new TypeError(`${who}: batch.${key} must be float32, got ${t.dtype}`);
  }
}
