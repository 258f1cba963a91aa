import { CORRECT, INCORRECT, type ConsensusCandidates, type ConsensusQuestion } from './candidates.js';

/**
 * Equilibrium-Ranking (GAMES.md §4; Jacob et al., ICLR 2024): piKL-style no-regret play of the
 * consensus game on one question, from the initial policies π_G¹, π_D¹. With π^1 = π¹, for
 * t = 1 … T:
 *
 *   Q_G^t(y|x,v) = (1/2t) Σ_{τ≤t} π_D^τ(v|x,y),    Q_D^t(v|x,y) = (1/2t) Σ_{τ≤t} π_G^τ(y|x,v),
 *   π_G^{t+1}(y|x,v) ∝ exp[(Q_G^t(y|x,v) + λ_G log π_G¹(y|x,v)) / (1/(η_G t) + λ_G)]   (normalised over y),
 *   π_D^{t+1}(v|x,y) ∝ exp[(Q_D^t(v|x,y) + λ_D log π_D¹(v|x,y)) / (1/(η_D t) + λ_D)]   (normalised over v).
 *
 * The result is the last iterate π^{T+1} and the average π̄ = (1/T) Σ_{τ=1}^{T} π^τ (the
 * policies that entered Q^T). Everything is computed in log space: the exponent is shifted by
 * its maximum before exponentiating, so log-probabilities of −1000 are fine.
 */
export interface EquilibriumRankingParams {
  /** η_G, η_D > 0: learning rates of the no-regret learners. */
  readonly etaG: number;
  readonly etaD: number;
  /** λ_G, λ_D > 0: weights of the pull towards the initial policies. */
  readonly lambdaG: number;
  readonly lambdaD: number;
  /** T ≥ 1: number of updates. */
  readonly iterations: number;
}

export const ER_DEFAULTS: EquilibriumRankingParams = Object.freeze({ etaG: 0.1, etaD: 0.1, lambdaG: 0.1, lambdaD: 0.1, iterations: 5000 });
export const MAX_ER_ITERATIONS = 1_000_000;

/** The defaults with `params` over them, validated: a RangeError names the parameter and what is allowed. */
export function resolveERParams(params: Partial<EquilibriumRankingParams> = {}): EquilibriumRankingParams {
  if (typeof params !== 'object' || params === null) throw new RangeError('Equilibrium-Ranking: the parameters must be an object { etaG, etaD, lambdaG, lambdaD, iterations }');
  const out = { ...ER_DEFAULTS };
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (!Object.hasOwn(ER_DEFAULTS, k)) throw new RangeError(`Equilibrium-Ranking: unknown parameter "${k}"; the parameters are ${Object.keys(ER_DEFAULTS).join(', ')}`);
    const key = k as keyof EquilibriumRankingParams;
    if (key === 'iterations') {
      if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_ER_ITERATIONS)) throw new RangeError(`Equilibrium-Ranking: iterations = ${String(v)} must be an integer in [1, ${MAX_ER_ITERATIONS}]`);
    } else if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
      throw new RangeError(`Equilibrium-Ranking: ${key} = ${String(v)} must be a finite number > 0`);
    }
    out[key] = v;
  }
  return Object.freeze(out);
}

export interface EquilibriumRankingSolution {
  /** |Y|. */
  readonly K: number;
  /** π_G^{T+1}(y | x, v) at [v·K + y]. */
  readonly generator: Float64Array;
  /** π_D^{T+1}(v | x, y) at [v·K + y]. */
  readonly discriminator: Float64Array;
  /** π̄_G, π̄_D: the averages of π^1 … π^T, same layouts. */
  readonly averageGenerator: Float64Array;
  readonly averageDiscriminator: Float64Array;
  /** ER-G: every candidate index, by π_G(y | x, correct) descending (ties: lower index first). */
  readonly rankingG: readonly number[];
  /** ER-D: every candidate index, by π_D(correct | x, y) descending (ties: lower index first). */
  readonly rankingD: readonly number[];
  /**
   * The fixed-point residual of GAMES.md §4. Its limit satisfies π_G ∝ π_G¹·exp(π̄_D/(2λ_G)) and
   * π_D ∝ π_D¹·exp(π̄_G/(2λ_D)); the residual measures how far the last iterate is from that:
   *
   *   residualG = max_v  TV( π_G^{T+1}(· | x, v),  normalise_y[ π_G¹(y | x, v) · exp(π̄_D(v | x, y) / (2λ_G)) ] )
   *   residualD = max_y  TV( π_D^{T+1}(· | x, y),  normalise_v[ π_D¹(v | x, y) · exp(π̄_G(y | x, v) / (2λ_D)) ] )
   *
   * with TV(p, q) = ½ Σ |p − q| the total variation distance, π̄ the averages above.
   */
  readonly residualG: number;
  readonly residualD: number;
  /**
   * The same distances with the other player's last iterate π^{T+1} in place of its average:
   * how far (π_G^{T+1}, π_D^{T+1}) is from being a fixed point itself (each the KL-regularised
   * response to the other); 0 at an equilibrium of the regularised game.
   */
  readonly gapG: number;
  readonly gapD: number;
}

/** Runs Equilibrium-Ranking on one question. */
export function equilibriumRanking(question: ConsensusQuestion, params: Partial<EquilibriumRankingParams> = {}): EquilibriumRankingSolution {
  const { etaG, etaD, lambdaG, lambdaD, iterations: T } = resolveERParams(params);
  const K = question.candidates.length;
  const logG1 = question.generatorLogProbs;
  const logD1 = question.discriminatorLogProbs;
  const pG = new Float64Array(2 * K); // π_G^t(y|v) at [v·K + y]
  const pD = new Float64Array(2 * K); // π_D^t(v|y) at [v·K + y]
  for (let i = 0; i < 2 * K; i++) {
    pG[i] = Math.exp(logG1[i]);
    pD[i] = Math.exp(logD1[i]);
  }
  const sumG = new Float64Array(2 * K); // Σ_{τ≤t} π_G^τ(y|v)
  const sumD = new Float64Array(2 * K); // Σ_{τ≤t} π_D^τ(v|y)
  const z = new Float64Array(K);

  for (let t = 1; t <= T; t++) {
    for (let i = 0; i < 2 * K; i++) {
      sumG[i] += pG[i];
      sumD[i] += pD[i];
    }
    const half = 1 / (2 * t);
    // Generator: for each v, a softmax over y.
    const tempG = 1 / (etaG * t) + lambdaG;
    for (let v = 0; v < 2; v++) {
      const o = v * K;
      for (let y = 0; y < K; y++) z[y] = (sumD[o + y] * half + lambdaG * logG1[o + y]) / tempG;
      softmaxInto(z, 0, K, pG, o);
    }
    // Discriminator: for each y, a softmax over v ∈ {correct, incorrect}.
    const tempD = 1 / (etaD * t) + lambdaD;
    for (let y = 0; y < K; y++) {
      const zc = (sumG[CORRECT * K + y] * half + lambdaD * logD1[CORRECT * K + y]) / tempD;
      const zi = (sumG[INCORRECT * K + y] * half + lambdaD * logD1[INCORRECT * K + y]) / tempD;
      // The two-way softmax, each side computed on its own so that neither loses digits near 0.
      pD[CORRECT * K + y] = 1 / (1 + Math.exp(zi - zc));
      pD[INCORRECT * K + y] = 1 / (1 + Math.exp(zc - zi));
    }
  }

  const averageGenerator = sumG.map((s) => s / T);
  const averageDiscriminator = sumD.map((s) => s / T);
  return {
    K,
    generator: pG,
    discriminator: pD,
    averageGenerator,
    averageDiscriminator,
    rankingG: rankDescending(pG.subarray(CORRECT * K, CORRECT * K + K)),
    rankingD: rankDescending(pD.subarray(CORRECT * K, CORRECT * K + K)),
    residualG: generatorDistance(pG, logG1, averageDiscriminator, lambdaG, K),
    residualD: discriminatorDistance(pD, logD1, averageGenerator, lambdaD, K),
    gapG: generatorDistance(pG, logG1, pD, lambdaG, K),
    gapD: discriminatorDistance(pD, logD1, pG, lambdaD, K),
  };
}

/** Equilibrium-Ranking on every question of a candidates file. */
export function equilibriumRankingAll(candidates: ConsensusCandidates, params: Partial<EquilibriumRankingParams> = {}): EquilibriumRankingSolution[] {
  const p = resolveERParams(params);
  return candidates.questions.map((q) => equilibriumRanking(q, p));
}

/** Indices of `values` by value descending, ties to the lower index. */
export function rankDescending(values: ArrayLike<number>): number[] {
  return Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
}

/** max_v TV(π_G(·|v), normalise_y[π_G¹(y|v)·exp(pD(v|y)/(2λ))]). */
function generatorDistance(pG: Float64Array, logG1: Float64Array, pD: Float64Array, lambda: number, K: number): number {
  const z = new Float64Array(K);
  const target = new Float64Array(K);
  let worst = 0;
  for (let v = 0; v < 2; v++) {
    const o = v * K;
    for (let y = 0; y < K; y++) z[y] = logG1[o + y] + pD[o + y] / (2 * lambda);
    softmaxInto(z, 0, K, target, 0);
    let tv = 0;
    for (let y = 0; y < K; y++) tv += Math.abs(pG[o + y] - target[y]);
    worst = Math.max(worst, tv / 2);
  }
  return worst;
}

/** max_y TV(π_D(·|y), normalise_v[π_D¹(v|y)·exp(pG(y|v)/(2λ))]); over two outcomes TV = |p_c − q_c|. */
function discriminatorDistance(pD: Float64Array, logD1: Float64Array, pG: Float64Array, lambda: number, K: number): number {
  let worst = 0;
  for (let y = 0; y < K; y++) {
    const zc = logD1[CORRECT * K + y] + pG[CORRECT * K + y] / (2 * lambda);
    const zi = logD1[INCORRECT * K + y] + pG[INCORRECT * K + y] / (2 * lambda);
    const target = 1 / (1 + Math.exp(zi - zc));
    worst = Math.max(worst, Math.abs(pD[CORRECT * K + y] - target));
  }
  return worst;
}

/** out[outOff + i] = softmax(z[off .. off+n))_i, computed with the maximum subtracted. */
function softmaxInto(z: Float64Array, off: number, n: number, out: Float64Array, outOff: number): void {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (z[off + i] > max) max = z[off + i];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(z[off + i] - max);
    out[outOff + i] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let i = 0; i < n; i++) out[outOff + i] *= inv;
}
