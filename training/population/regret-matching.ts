/**
 * Regret matching (and regret matching+) for two-player matrix games. In a zero-sum game the
 * average strategies converge to a Nash equilibrium (nashConv = O(1/√T), much faster for RM+
 * in practice). In a general-sum game only the empirical *joint* distribution of play
 * converges, to the set of coarse correlated equilibria; the pair of average marginals
 * returned here is an approximation with no equilibrium guarantee in general (it does find
 * strict dominant-strategy equilibria, e.g. the prisoner's dilemma). Measure it with `nashConv`.
 */
import { checkPair, normalise, type Matrix } from './matrix.js';
import type { MetaStrategy } from './meta-game.js';

export interface RegretMatchingOptions {
  /** Number of iterations (each updates both players once), a positive integer. */
  iterations: number;
  /**
   * Regret matching+ (default true): cumulative regrets are clipped at zero after every
   * update and the average strategy is weighted linearly (iteration t has weight t), as in
   * CFR+. With false: plain regret matching with the uniform average.
   */
  plus?: boolean;
}

/** Regret-matching strategy: positive regrets, normalised; uniform when none is positive. */
function rmStrategy(regret: Float64Array, out: Float64Array): void {
  let sum = 0;
  for (let k = 0; k < regret.length; k++) sum += regret[k] > 0 ? regret[k] : 0;
  if (sum > 0) for (let k = 0; k < regret.length; k++) out[k] = regret[k] > 0 ? regret[k] / sum : 0;
  else out.fill(1 / regret.length);
}

/**
 * Average strategies of regret matching (default: regret matching+ with linear averaging)
 * with alternating updates: each iteration, the row player updates its regrets against the
 * column's current strategy, then the column player against the row's *updated* strategy.
 *
 * Zero-sum games: the averages converge to a Nash equilibrium. General-sum games: the
 * empirical joint distribution of play approaches the coarse correlated equilibria; the
 * average marginals returned here are only an approximation of an equilibrium (check
 * `nashConv`). Deterministic.
 */
export function regretMatching(
  rowPayoff: Matrix,
  colPayoff: Matrix,
  options: RegretMatchingOptions,
): MetaStrategy {
  const [m, n] = checkPair(rowPayoff, colPayoff);
  const { iterations } = options;
  const plus = options.plus ?? true;
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new RangeError(`regretMatching: iterations must be a positive integer, got ${String(iterations)}`);
  const A = rowPayoff.map((r) => Float64Array.from(r));
  const B = colPayoff.map((r) => Float64Array.from(r));
  const rRow = new Float64Array(m);
  const rCol = new Float64Array(n);
  const x = new Float64Array(m).fill(1 / m);
  const y = new Float64Array(n).fill(1 / n);
  const uRow = new Float64Array(m);
  const uCol = new Float64Array(n);
  const avgRow = new Float64Array(m);
  const avgCol = new Float64Array(n);
  for (let t = 1; t <= iterations; t++) {
    const weight = plus ? t : 1;
    // The column's current strategy y^t (from its regrets so far) is what the row faces.
    rmStrategy(rCol, y);
    for (let k = 0; k < n; k++) avgCol[k] += weight * y[k];
    // Row update against y^t.
    rmStrategy(rRow, x);
    let ev = 0;
    for (let i = 0; i < m; i++) {
      const ai = A[i];
      let s = 0;
      for (let j = 0; j < n; j++) s += ai[j] * y[j];
      uRow[i] = s;
      ev += x[i] * s;
    }
    for (let i = 0; i < m; i++) {
      const r = rRow[i] + uRow[i] - ev;
      rRow[i] = plus && r < 0 ? 0 : r;
    }
    // The row's updated strategy x^{t+1/2} is what the column faces.
    rmStrategy(rRow, x);
    for (let i = 0; i < m; i++) avgRow[i] += weight * x[i];
    uCol.fill(0);
    for (let i = 0; i < m; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      const bi = B[i];
      for (let j = 0; j < n; j++) uCol[j] += xi * bi[j];
    }
    ev = 0;
    for (let j = 0; j < n; j++) ev += y[j] * uCol[j];
    for (let j = 0; j < n; j++) {
      const r = rCol[j] + uCol[j] - ev;
      rCol[j] = plus && r < 0 ? 0 : r;
    }
  }
  return { row: normalise(avgRow), col: normalise(avgCol) };
}