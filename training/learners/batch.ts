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

/** Learner statistics of one update (means over its minibatches). */
export interface UpdateStats {
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
  gradNorm: number;
  explainedVariance: number;
}

/** Copies rows `idx[from .. to)` of a [n, width] array into `out` (minibatch gathering). */
export function gatherRows<A extends Float32Array | Int32Array>(src: A, width: number, idx: Int32Array, from: number, to: number, out: A): A {
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
