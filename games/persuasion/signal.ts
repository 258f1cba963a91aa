/**
 * Signalling policies π_i(m | s) and what a message says about the state.
 *
 * Shapes (shared with games/persuasion/analysis/):
 * - `SignalPolicy`: a probability table indexed [s][m] (|Y| rows of |Mₛ| numbers, each row
 *   summing to 1): the probability that the provider sends message m when it observes state s.
 * - `PersonalizedPolicy`: one SignalPolicy per user type, indexed [θ][s][m].
 * - A profile of k providers is an array indexed by provider: `policies[i][s][m]`, or
 *   `policies[i][θ][s][m]` when personalised (`policiesForType` picks type θ's tables).
 * - The env's action is logits of the same [s][m] layout, flat (s·|Mₛ| + m), softmax over m.
 *
 * Signal noise ε: a provider observes the true state with probability 1 − ε and an independent
 * uniformly random state otherwise, so P(m | y) = (1 − ε)·π(m | y) + ε·(1/|Y|)·Σ_s π(m | s).
 */
export type SignalPolicy = readonly (readonly number[])[];
export type PersonalizedPolicy = readonly SignalPolicy[];

const ROW_TOLERANCE = 1e-9;

/** Why `policy` is not a |Y|×|M| probability table, or null. `where` names it in the message. */
export function explainPolicy(policy: unknown, Y: number, M: number, where = 'policy'): string | null {
  if (!Array.isArray(policy) || policy.length !== Y) return `${where} must have one row per state (${Y})`;
  for (let s = 0; s < Y; s++) {
    const row = policy[s];
    if (!Array.isArray(row) || row.length !== M) return `${where}[${s}] must have one probability per message (${M})`;
    let sum = 0;
    for (let m = 0; m < M; m++) {
      const p = row[m];
      if (typeof p !== 'number' || !Number.isFinite(p) || p < 0) return `${where}[${s}][${m}] = ${String(p)} must be a finite number ≥ 0`;
      sum += p;
    }
    if (Math.abs(sum - 1) > ROW_TOLERANCE) return `${where}[${s}] sums to ${sum}, not 1`;
  }
  return null;
}

/** Type θ's tables of each provider's personalised policy: policies[i][θ] for every i. */
export function policiesForType(policies: readonly PersonalizedPolicy[], typeIndex: number): SignalPolicy[] {
  return policies.map((p, i) => {
    if (!Array.isArray(p) || typeIndex < 0 || typeIndex >= p.length) throw new RangeError(`policiesForType: provider ${i} has no policy for user type ${typeIndex}`);
    return p[typeIndex];
  });
}

/**
 * Softmax over m of each of `rows` rows of `M` logits at logits[lOff ..], into out[oOff ..]
 * (the same layout). Allocates nothing: the kernel turns actions into policies with it.
 */
export function softmaxRowsInto(logits: ArrayLike<number>, lOff: number, rows: number, M: number, out: Float64Array, oOff: number): void {
  for (let r = 0; r < rows; r++) {
    const li = lOff + r * M;
    const oi = oOff + r * M;
    let max = -Infinity;
    for (let m = 0; m < M; m++) if (logits[li + m] > max) max = logits[li + m];
    let z = 0;
    for (let m = 0; m < M; m++) {
      const e = Math.exp(logits[li + m] - max);
      out[oi + m] = e;
      z += e;
    }
    const inv = 1 / z;
    for (let m = 0; m < M; m++) out[oi + m] *= inv;
  }
}

/** The probability table [s][m] of a flat |Y|·|M| logits action. */
export function policyFromLogits(logits: ArrayLike<number>, Y: number, M: number): number[][] {
  if (logits.length !== Y * M) throw new RangeError(`policyFromLogits: expected ${Y}·${M} = ${Y * M} logits, got ${logits.length}`);
  for (let i = 0; i < logits.length; i++) if (!Number.isFinite(logits[i])) throw new RangeError(`policyFromLogits: logit ${i} is ${logits[i]}, not a finite number`);
  const out = new Float64Array(Y * M);
  softmaxRowsInto(logits, 0, Y, M, out, 0);
  return Array.from({ length: Y }, (_, s) => Array.from(out.subarray(s * M, (s + 1) * M)));
}

/**
 * P(m | y) for every y, m of one provider with signal noise ε, from its flat policy
 * policy[pOff + s·M + m], into out[oOff + y·M + m]. Allocates nothing.
 */
export function likelihoodInto(policy: ArrayLike<number>, pOff: number, Y: number, M: number, signalNoise: number, out: Float64Array, oOff: number): void {
  const keep = 1 - signalNoise;
  const spread = signalNoise / Y;
  for (let m = 0; m < M; m++) {
    let mean = 0;
    if (signalNoise > 0) for (let s = 0; s < Y; s++) mean += policy[pOff + s * M + m];
    for (let y = 0; y < Y; y++) out[oOff + y * M + m] = keep * policy[pOff + y * M + m] + spread * mean;
  }
}

/** P(m | y) as a table [y][m] for one provider's policy [s][m] under signal noise ε ∈ [0, 1]. */
export function messageLikelihood(policy: SignalPolicy, signalNoise = 0): number[][] {
  if (!(signalNoise >= 0 && signalNoise <= 1)) throw new RangeError(`messageLikelihood: signalNoise must be in [0, 1], got ${signalNoise}`);
  const Y = policy.length;
  const M = Y > 0 && Array.isArray(policy[0]) ? policy[0].length : 0;
  const why = explainPolicy(policy, Y, M);
  if (why !== null || Y === 0) throw new RangeError(`messageLikelihood: ${why ?? 'policy is empty'}`);
  const flat = new Float64Array(Y * M);
  policy.forEach((row, s) => row.forEach((p, m) => (flat[s * M + m] = p)));
  const out = new Float64Array(Y * M);
  likelihoodInto(flat, 0, Y, M, signalNoise, out, 0);
  return Array.from({ length: Y }, (_, y) => Array.from(out.subarray(y * M, (y + 1) * M)));
}
