import type { ActionHead } from '../heads/head.js';

/**
 * The action heads of agents/policy/heads/, written as plain loops over a [n, paramSize]
 * parameter matrix for the fused engine, with their gradients by hand. Same formulas,
 * same sampling from the same noise (Gaussian u = μ + σz; Gumbel-max / Gumbel-top-k with
 * g = −log(−log u)); computed in float64 from float32 parameters, so they agree with the
 * tfjs heads to float32 rounding. `evaluate` keeps what `backward` needs for the same rows.
 */
export interface FusedHead {
  readonly paramSize: number;
  readonly actionSize: number;
  /** Samples n actions (rows of `noise`, as `head.noise` asks) into `actions`, their log-probabilities into `logProb`. */
  sample(params: Float32Array, n: number, noise: Float32Array, actions: Float32Array | Int32Array, logProb: Float32Array): void;
  /** The most likely action of each row (mean, argmax, top-k). */
  mode(params: Float32Array, n: number, actions: Float32Array | Int32Array): void;
  /** Log-probabilities and entropies (the estimator the tfjs head uses) of given actions. */
  evaluate(params: Float32Array, n: number, actions: Float32Array | Int32Array, logProb: Float64Array, entropy: Float64Array): void;
  /** dParams = dLogProb[i]·∂logp_i/∂params + dEntropy·∂H_i/∂params, after `evaluate` on the same rows. */
  backward(params: Float32Array, n: number, actions: Float32Array | Int32Array, dLogProb: Float64Array, dEntropy: number, dParams: Float32Array): void;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const HALF_LOG_2PI_E = 0.5 * Math.log(2 * Math.PI * Math.E);
const U_MAX = 1 - 2 ** -24;
const U_MIN = 1e-30;
const gumbel = (u: number) => -Math.log(-Math.log(u < U_MIN ? U_MIN : u > U_MAX ? U_MAX : u));

/** Params [mean (size), logStd (size)]; logStd clamped, with zero gradient outside the clamp (tfjs clipByValue). */
export class FusedGaussianHead implements FusedHead {
  readonly paramSize: number;
  private inv = new Float64Array(0);

  constructor(
    readonly actionSize: number,
    readonly logStdMin: number,
    readonly logStdMax: number,
  ) {
    this.paramSize = 2 * actionSize;
  }

  private ls(raw: number): number {
    return raw < this.logStdMin ? this.logStdMin : raw > this.logStdMax ? this.logStdMax : raw;
  }

  sample(params: Float32Array, n: number, noise: Float32Array, actions: Float32Array | Int32Array, logProb: Float32Array): void {
    const S = this.actionSize;
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < S; d++) actions[i * S + d] = params[i * 2 * S + d] + Math.exp(this.ls(params[i * 2 * S + S + d])) * noise[i * S + d];
    }
    const lp = new Float64Array(n);
    this.evaluate(params, n, actions, lp, null);
    logProb.set(lp);
  }

  mode(params: Float32Array, n: number, actions: Float32Array | Int32Array): void {
    const S = this.actionSize;
    for (let i = 0; i < n; i++) for (let d = 0; d < S; d++) actions[i * S + d] = params[i * 2 * S + d];
  }

  evaluate(params: Float32Array, n: number, actions: Float32Array | Int32Array, logProb: Float64Array, entropy: Float64Array | null): void {
    const S = this.actionSize;
    const inv = this.inverseStd(params, n);
    for (let i = 0; i < n; i++) {
      let lp = 0;
      let h = 0;
      for (let d = 0; d < S; d++) {
        const ls = this.ls(params[i * 2 * S + S + d]);
        const z = (actions[i * S + d] - params[i * 2 * S + d]) * inv[i * S + d];
        lp += -0.5 * z * z - ls - HALF_LOG_2PI;
        h += ls + HALF_LOG_2PI_E;
      }
      logProb[i] = lp;
      if (entropy) entropy[i] = h;
    }
  }

  backward(params: Float32Array, n: number, actions: Float32Array | Int32Array, dLogProb: Float64Array, dEntropy: number, dParams: Float32Array): void {
    const S = this.actionSize;
    const inv = this.inverseStd(params, n);
    for (let i = 0; i < n; i++) {
      const g = dLogProb[i];
      for (let d = 0; d < S; d++) {
        const raw = params[i * 2 * S + S + d];
        const z = (actions[i * S + d] - params[i * 2 * S + d]) * inv[i * S + d];
        dParams[i * 2 * S + d] = g * z * inv[i * S + d];
        dParams[i * 2 * S + S + d] = raw >= this.logStdMin && raw <= this.logStdMax ? g * (z * z - 1) + dEntropy : 0;
      }
    }
  }

  /** e^(−logσ) per row and dimension; the exp is reused while a row's logStd repeats the previous row's (a state-independent logStd). */
  private inverseStd(params: Float32Array, n: number): Float64Array {
    const S = this.actionSize;
    if (this.inv.length < n * S) this.inv = new Float64Array(n * S);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < S; d++) {
        const raw = params[i * 2 * S + S + d];
        this.inv[i * S + d] = i > 0 && raw === params[(i - 1) * 2 * S + S + d] ? this.inv[(i - 1) * S + d] : Math.exp(-this.ls(raw));
      }
    }
    return this.inv;
  }
}

/**
 * Log-softmax of the n logits at s[off ..] into `ls` (−∞ where `mask` is set), their
 * probabilities into `p`; returns the entropy −Σ p log p, from one exp per item.
 */
function logSoftmaxRow(s: Float32Array, off: number, n: number, ls: Float64Array, p: Float64Array, mask: Uint8Array | null): number {
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (!mask?.[j] && s[off + j] > max) max = s[off + j];
  let sum = 0;
  let dot = 0;
  for (let j = 0; j < n; j++) {
    if (mask?.[j]) continue;
    const e = Math.exp(s[off + j] - max);
    p[j] = e;
    sum += e;
    dot += e * (s[off + j] - max);
  }
  const logSum = Math.log(sum);
  for (let j = 0; j < n; j++) {
    if (mask?.[j]) {
      ls[j] = -Infinity;
      p[j] = 0;
    } else {
      ls[j] = s[off + j] - max - logSum;
      p[j] /= sum;
    }
  }
  return logSum - dot / sum;
}

/** Softmax over n logits; actions are 0-based indices [n, 1]. */
export class FusedCategoricalHead implements FusedHead {
  readonly actionSize = 1;
  /** evaluate's log-softmax and probabilities [n, K] and entropies [n], for backward. */
  private ls = new Float64Array(0);
  private p = new Float64Array(0);
  private h = new Float64Array(0);

  constructor(readonly paramSize: number) {}

  sample(params: Float32Array, n: number, noise: Float32Array, actions: Float32Array | Int32Array, logProb: Float32Array): void {
    const K = this.paramSize;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestV = -Infinity;
      for (let j = 0; j < K; j++) {
        const v = params[i * K + j] + gumbel(noise[i * K + j]);
        if (v > bestV) (bestV = v), (best = j);
      }
      actions[i] = best;
    }
    const lp = new Float64Array(n);
    this.evaluate(params, n, actions, lp, null);
    logProb.set(lp);
  }

  mode(params: Float32Array, n: number, actions: Float32Array | Int32Array): void {
    const K = this.paramSize;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < K; j++) if (params[i * K + j] > params[i * K + best]) best = j;
      actions[i] = best;
    }
  }

  evaluate(params: Float32Array, n: number, actions: Float32Array | Int32Array, logProb: Float64Array, entropy: Float64Array | null): void {
    const K = this.paramSize;
    if (this.ls.length < n * K) {
      this.ls = new Float64Array(n * K);
      this.p = new Float64Array(n * K);
      this.h = new Float64Array(n);
    }
    for (let i = 0; i < n; i++) {
      const ls = this.ls.subarray(i * K, i * K + K);
      this.h[i] = logSoftmaxRow(params, i * K, K, ls, this.p.subarray(i * K, i * K + K), null);
      const a = actions[i];
      logProb[i] = Number.isInteger(a) && a >= 0 && a < K ? ls[a] : -Infinity;
      if (entropy) entropy[i] = this.h[i];
    }
  }

  backward(_params: Float32Array, n: number, actions: Float32Array | Int32Array, dLogProb: Float64Array, dEntropy: number, dParams: Float32Array): void {
    const K = this.paramSize;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < K; j++) {
        const p = this.p[i * K + j];
        dParams[i * K + j] = dLogProb[i] * ((j === actions[i] ? 1 : 0) - p) - dEntropy * p * (this.ls[i * K + j] + this.h[i]);
      }
    }
  }
}

/**
 * Plackett–Luce over n items, ordered k-subsets (see heads/plackett-luce.ts): ordered
 * log-probability and the sampled-prefix entropy estimate Σ_i H(a_i | a_<i).
 */
export class FusedPlackettLuceHead implements FusedHead {
  readonly paramSize: number;
  readonly actionSize: number;
  /** evaluate's per row and step: log-softmax and probabilities over the items left [n, k, N] (−∞ and 0 for taken ones), entropy [n, k]. */
  private ls = new Float64Array(0);
  private p = new Float64Array(0);
  private h = new Float64Array(0);
  private taken = new Uint8Array(0);
  private pert = new Float64Array(0);

  constructor(
    readonly n: number,
    readonly k: number,
  ) {
    this.paramSize = n;
    this.actionSize = k;
    this.taken = new Uint8Array(n);
    this.pert = new Float64Array(n);
  }

  /** The k largest of `v` (length n) in decreasing order, lower index first on ties, into actions[i·k ..]. */
  private topk(v: Float64Array, actions: Float32Array | Int32Array, i: number): void {
    const { n, k } = this;
    this.taken.fill(0);
    for (let c = 0; c < k; c++) {
      let best = -1;
      for (let j = 0; j < n; j++) if (!this.taken[j] && (best < 0 || v[j] > v[best])) best = j;
      this.taken[best] = 1;
      actions[i * k + c] = best;
    }
  }

  sample(params: Float32Array, n: number, noise: Float32Array, actions: Float32Array | Int32Array, logProb: Float32Array): void {
    const N = this.n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < N; j++) this.pert[j] = params[i * N + j] + gumbel(noise[i * N + j]);
      this.topk(this.pert, actions, i);
    }
    const lp = new Float64Array(n);
    this.evaluate(params, n, actions, lp, null);
    logProb.set(lp);
  }

  mode(params: Float32Array, n: number, actions: Float32Array | Int32Array): void {
    const N = this.n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < N; j++) this.pert[j] = params[i * N + j];
      this.topk(this.pert, actions, i);
    }
  }

  evaluate(params: Float32Array, n: number, actions: Float32Array | Int32Array, logProb: Float64Array, entropy: Float64Array | null): void {
    const { n: N, k } = this;
    if (this.ls.length < n * k * N) {
      this.ls = new Float64Array(n * k * N);
      this.p = new Float64Array(n * k * N);
      this.h = new Float64Array(n * k);
    }
    for (let i = 0; i < n; i++) {
      this.taken.fill(0);
      let lp = 0;
      let h = 0;
      for (let c = 0; c < k; c++) {
        const a = actions[i * k + c];
        if (!(Number.isInteger(a) && a >= 0 && a < N) || this.taken[a]) {
          lp = -Infinity; // out of range or repeated: probability 0
          break;
        }
        const at = (i * k + c) * N;
        const ls = this.ls.subarray(at, at + N);
        const hc = logSoftmaxRow(params, i * N, N, ls, this.p.subarray(at, at + N), this.taken);
        this.h[i * k + c] = hc;
        lp += ls[a];
        h += hc;
        this.taken[a] = 1;
      }
      logProb[i] = lp;
      if (entropy) entropy[i] = h;
    }
  }

  backward(_params: Float32Array, n: number, actions: Float32Array | Int32Array, dLogProb: Float64Array, dEntropy: number, dParams: Float32Array): void {
    const { n: N, k } = this;
    for (let i = 0; i < n; i++) {
      const row = i * N;
      const g = dLogProb[i];
      for (let j = 0; j < N; j++) dParams[row + j] = 0;
      for (let c = 0; c < k; c++) {
        const a = actions[i * k + c];
        const base = (i * k + c) * N;
        const hc = this.h[i * k + c];
        for (let j = 0; j < N; j++) {
          const ls = this.ls[base + j];
          if (ls === -Infinity) continue; // taken before this step
          const p = this.p[base + j];
          dParams[row + j] += g * ((j === a ? 1 : 0) - p) - dEntropy * p * (ls + hc);
        }
      }
    }
  }
}

/** The fused twin of a tfjs head. */
export function fusedHeadFor(head: ActionHead): FusedHead {
  const spec = head.toJSON();
  switch (spec.kind) {
    case 'gaussian':
      return new FusedGaussianHead(spec.size, spec.logStdMin, spec.logStdMax);
    case 'categorical':
      return new FusedCategoricalHead(spec.n);
    case 'plackett-luce':
      return new FusedPlackettLuceHead(spec.n, spec.k);
  }
}
