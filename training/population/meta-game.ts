/**
 * Meta-games of a population (PSRO, fictitious self-play): a two-player normal-form game
 * whose strategies are the snapshots of each side. The row player is the user side, the
 * column player the goal side; `rowPayoff[i][j]` and `colPayoff[i][j]` are the row's and
 * the column's expected payoffs when user snapshot i meets goal snapshot j. The game is
 * general-sum; it is zero-sum when `colPayoff = −rowPayoff`.
 *
 * Solvers:
 * - `solveZeroSum`: the exact Nash equilibrium (maximin strategies and value) of a zero-sum
 *   game by linear programming: a dense simplex tableau (Dantzig's rule, Bland's rule while
 *   at a degenerate vertex, so it cannot cycle), with the final basis re-solved from the
 *   original matrix by Gaussian elimination to remove the rounding that pivots accumulate.
 * - `regretMatching`: regret matching (or regret matching+) with alternating updates.
 *   In a two-player zero-sum game the average strategies converge to a Nash equilibrium
 *   (nashConv = O(1/√T), much faster for RM+ in practice). In a general-sum game only the
 *   empirical *joint* distribution of play converges, to the set of coarse correlated
 *   equilibria; the pair of average marginals returned here is an approximation with no
 *   equilibrium guarantee in general (it does find strict dominant-strategy equilibria,
 *   e.g. the prisoner's dilemma). Measure it with `nashConv`.
 * - `nashConv`: Σ over both players of (best-response payoff − current payoff); zero
 *   exactly at a Nash equilibrium. For a zero-sum game it is the exploitability sum
 *   max_i (A y)_i − min_j (xᵀA)_j.
 * - `metaSolve`: one entry point for the population's meta-solvers.
 *
 * Pure TypeScript, no dependencies.
 */

/** A mixed strategy of each player: probability vectors over the rows and the columns. */
export interface MetaStrategy {
  readonly row: number[];
  readonly col: number[];
}

/** The exact solution of a zero-sum matrix game: maximin strategies and the value (row's payoff). */
export interface ZeroSumSolution extends MetaStrategy {
  readonly value: number;
}

export interface NashConvResult {
  /** rowGain + colGain ≥ 0; 0 at a Nash equilibrium. */
  readonly nashConv: number;
  /** max_i (rowPayoff · col)_i − rowᵀ rowPayoff col: what the row player gains by best-responding. */
  readonly rowGain: number;
  /** max_j (rowᵀ colPayoff)_j − rowᵀ colPayoff col: what the column player gains by best-responding. */
  readonly colGain: number;
}

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

/**
 * - 'lp': the exact Nash equilibrium by linear programming; zero-sum games only.
 * - 'regret-matching': regret matching+ average strategies (any game; Nash only in zero-sum).
 * - 'uniform': fictitious self-play, uniform over the population.
 * - 'latest': plain self-play, all mass on the newest snapshot (the last row and column).
 * - 'auto': 'lp' when the game is zero-sum, 'regret-matching' otherwise.
 */
export type MetaSolverMethod = 'lp' | 'regret-matching' | 'uniform' | 'latest' | 'auto';

export interface MetaSolveOptions {
  method: MetaSolverMethod;
  /** Iterations of regret matching (default 10 000). */
  iterations?: number;
  /** Regret matching+ (default true). */
  plus?: boolean;
}

/** Relative tolerance of the zero-sum check: |row + col| ≤ ZERO_SUM_TOLERANCE · max |payoff|. */
export const ZERO_SUM_TOLERANCE = 1e-9;

const DEFAULT_RM_ITERATIONS = 10_000;

// ---------------------------------------------------------------------------------------
// Validation and small helpers
// ---------------------------------------------------------------------------------------

/** Checks that `m` is a non-empty rectangular matrix of finite numbers; returns [rows, cols]. */
function checkMatrix(m: readonly (readonly number[])[], what: string): [number, number] {
  if (!Array.isArray(m) || m.length === 0) throw new RangeError(`${what} must be a non-empty matrix (array of rows)`);
  const first = m[0];
  if (!Array.isArray(first) || first.length === 0) throw new RangeError(`${what} must have at least one column`);
  const cols = first.length;
  for (let i = 0; i < m.length; i++) {
    const row = m[i];
    if (!Array.isArray(row) || row.length !== cols) {
      throw new RangeError(`${what} must be rectangular: row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries, row 0 has ${cols}`);
    }
    for (let j = 0; j < cols; j++) {
      if (typeof row[j] !== 'number' || !Number.isFinite(row[j])) {
        throw new RangeError(`${what}[${i}][${j}] must be a finite number, got ${String(row[j])}`);
      }
    }
  }
  return [m.length, cols];
}

function checkPair(rowPayoff: readonly (readonly number[])[], colPayoff: readonly (readonly number[])[]): [number, number] {
  const [m, n] = checkMatrix(rowPayoff, 'rowPayoff');
  const [m2, n2] = checkMatrix(colPayoff, 'colPayoff');
  if (m !== m2 || n !== n2) throw new RangeError(`rowPayoff is ${m}×${n} but colPayoff is ${m2}×${n2}`);
  return [m, n];
}

function checkStrategy(p: readonly number[], size: number, what: string): void {
  if (!Array.isArray(p) || p.length !== size) throw new RangeError(`${what} must be a probability vector of length ${size}`);
  let sum = 0;
  for (let k = 0; k < size; k++) {
    if (typeof p[k] !== 'number' || !Number.isFinite(p[k]) || p[k] < 0) {
      throw new RangeError(`${what}[${k}] must be a non-negative finite number, got ${String(p[k])}`);
    }
    sum += p[k];
  }
  if (Math.abs(sum - 1) > 1e-6) throw new RangeError(`${what} must sum to 1, sums to ${sum}`);
}

function uniformVector(n: number): number[] {
  return new Array<number>(n).fill(1 / n);
}

function pureVector(n: number, k: number): number[] {
  const v = new Array<number>(n).fill(0);
  v[k] = 1;
  return v;
}

/** Non-negative, normalised copy (tiny negative rounding is clipped); uniform when the mass is zero. */
function normalise(v: ArrayLike<number>): number[] {
  const out = new Array<number>(v.length);
  let sum = 0;
  for (let k = 0; k < v.length; k++) {
    out[k] = v[k] > 0 ? v[k] : 0;
    sum += out[k];
  }
  if (!(sum > 0)) return uniformVector(v.length);
  for (let k = 0; k < v.length; k++) out[k] /= sum;
  return out;
}

/** max |entry| of a matrix. */
function maxAbs(m: readonly (readonly number[])[]): number {
  let s = 0;
  for (const row of m) for (const x of row) s = Math.max(s, Math.abs(x));
  return s;
}

/** Whether colPayoff = −rowPayoff up to `tolerance` · max |payoff| (the scale of the game). */
export function isZeroSum(rowPayoff: readonly (readonly number[])[], colPayoff: readonly (readonly number[])[], tolerance = ZERO_SUM_TOLERANCE): boolean {
  checkPair(rowPayoff, colPayoff);
  const bound = tolerance * Math.max(maxAbs(rowPayoff), maxAbs(colPayoff));
  for (let i = 0; i < rowPayoff.length; i++) {
    for (let j = 0; j < rowPayoff[i].length; j++) {
      if (Math.abs(rowPayoff[i][j] + colPayoff[i][j]) > bound) return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// NashConv
// ---------------------------------------------------------------------------------------

/**
 * NashConv of the strategy pair (row, col): Σ over both players of the gain of a best
 * response against the other's mixed strategy. Zero exactly at a Nash equilibrium.
 */
export function nashConv(
  rowPayoff: readonly (readonly number[])[],
  colPayoff: readonly (readonly number[])[],
  row: readonly number[],
  col: readonly number[],
): NashConvResult {
  const [m, n] = checkPair(rowPayoff, colPayoff);
  checkStrategy(row, m, 'row');
  checkStrategy(col, n, 'col');
  // row player's action values (A y)_i and the column player's (xᵀB)_j
  let rowBest = -Infinity;
  let rowValue = 0;
  for (let i = 0; i < m; i++) {
    let u = 0;
    for (let j = 0; j < n; j++) u += rowPayoff[i][j] * col[j];
    rowBest = Math.max(rowBest, u);
    rowValue += row[i] * u;
  }
  let colBest = -Infinity;
  let colValue = 0;
  for (let j = 0; j < n; j++) {
    let u = 0;
    for (let i = 0; i < m; i++) u += row[i] * colPayoff[i][j];
    colBest = Math.max(colBest, u);
    colValue += col[j] * u;
  }
  const rowGain = Math.max(0, rowBest - rowValue);
  const colGain = Math.max(0, colBest - colValue);
  return { nashConv: rowGain + colGain, rowGain, colGain };
}

// ---------------------------------------------------------------------------------------
// Zero-sum games by linear programming
// ---------------------------------------------------------------------------------------

/** Pivot and reduced-cost tolerance of the simplex; entries of the scaled game lie in [1, 2]. */
const SIMPLEX_EPS = 1e-11;

/**
 * The LP of the column player on the scaled game A' (entries in [1, 2], so its value v' ≥ 1):
 *
 *   maximise Σ_j w_j  subject to  A' w ≤ 1,  w ≥ 0.
 *
 * At the optimum Σ w = 1/v', the column strategy is y = w / Σ w (it holds every row to
 * (A'y)_i ≤ v'), and the dual solution u (min Σ u s.t. A'ᵀu ≥ 1, u ≥ 0) gives the row
 * strategy x = u / Σ u. The slack basis w = 0 is feasible, so no phase 1 is needed, and the
 * LP is bounded (w_j ≤ 1 since A' ≥ 1).
 *
 * Returns the primal w, the dual u and the optimal basis (variable indices: j < n is w_j,
 * n + i is the slack of row i).
 */
function simplexGameLP(a: readonly Float64Array[], m: number, n: number): { w: Float64Array; u: Float64Array; basis: Int32Array } {
  const width = n + m + 1; // w_0..w_{n−1}, s_0..s_{m−1}, rhs
  const rhs = n + m;
  const t: Float64Array[] = [];
  for (let i = 0; i < m; i++) {
    const r = new Float64Array(width);
    for (let j = 0; j < n; j++) r[j] = a[i][j];
    r[n + i] = 1;
    r[rhs] = 1;
    t.push(r);
  }
  const obj = new Float64Array(width); // reduced costs z_j − c_j; obj[rhs] = objective value
  for (let j = 0; j < n; j++) obj[j] = -1;
  t.push(obj);
  const basis = new Int32Array(m);
  for (let i = 0; i < m; i++) basis[i] = n + i;

  const maxPivots = 50 * (m + n) + 1000;
  let degenerate = false; // was the last pivot degenerate (zero step)? then Bland's rule
  for (let pivots = 0; ; pivots++) {
    if (pivots > maxPivots) throw new Error(`solveZeroSum: the simplex did not terminate after ${maxPivots} pivots (numerical trouble?)`);
    // entering variable: Dantzig (most negative reduced cost) or Bland (lowest index)
    let enter = -1;
    let best = -SIMPLEX_EPS;
    for (let j = 0; j < rhs; j++) {
      if (obj[j] < best) {
        enter = j;
        if (degenerate) break;
        best = obj[j];
      }
    }
    if (enter < 0) break; // optimal
    // leaving row: minimum ratio; ties (within rounding) go to the lowest basic variable index (Bland)
    let bestRatio = Infinity;
    for (let i = 0; i < m; i++) {
      const p = t[i][enter];
      if (p > SIMPLEX_EPS) bestRatio = Math.min(bestRatio, Math.max(0, t[i][rhs]) / p);
    }
    let leave = -1;
    for (let i = 0; i < m; i++) {
      const p = t[i][enter];
      if (p <= SIMPLEX_EPS) continue;
      if (Math.max(0, t[i][rhs]) / p <= bestRatio + SIMPLEX_EPS && (leave < 0 || basis[i] < basis[leave])) leave = i;
    }
    if (leave < 0) throw new Error('solveZeroSum: the LP looks unbounded (numerical trouble?)');
    degenerate = bestRatio <= SIMPLEX_EPS;
    // pivot on (leave, enter)
    const pr = t[leave];
    const inv = 1 / pr[enter];
    for (let k = 0; k < width; k++) pr[k] *= inv;
    pr[enter] = 1;
    for (let i = 0; i <= m; i++) {
      if (i === leave) continue;
      const r = t[i];
      const f = r[enter];
      if (f === 0) continue;
      for (let k = 0; k < width; k++) r[k] -= f * pr[k];
      r[enter] = 0;
    }
    basis[leave] = enter;
  }
  const w = new Float64Array(n);
  for (let i = 0; i < m; i++) if (basis[i] < n) w[basis[i]] = Math.max(0, t[i][rhs]);
  const u = new Float64Array(m);
  for (let i = 0; i < m; i++) u[i] = Math.max(0, obj[n + i]);
  return { w, u, basis };
}

/** Solves M z = b (M: k×k, dense, row-major copy) by Gaussian elimination with partial pivoting; null if singular. */
function solveLinear(mat: Float64Array[], b: Float64Array): Float64Array | null {
  const k = b.length;
  const a = mat.map((r) => Float64Array.from(r));
  const x = Float64Array.from(b);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (Math.abs(a[p][c]) < 1e-13) return null;
    if (p !== c) {
      [a[p], a[c]] = [a[c], a[p]];
      [x[p], x[c]] = [x[c], x[p]];
    }
    const piv = a[c][c];
    for (let r = c + 1; r < k; r++) {
      const f = a[r][c] / piv;
      if (f === 0) continue;
      for (let q = c; q < k; q++) a[r][q] -= f * a[c][q];
      x[r] -= f * x[c];
    }
  }
  for (let c = k - 1; c >= 0; c--) {
    let s = x[c];
    for (let q = c + 1; q < k; q++) s -= a[c][q] * x[q];
    x[c] = s / a[c][c];
  }
  return x;
}

/**
 * Re-solves the optimal basis from the scaled matrix: B w_B = 1 (primal) and Bᵀ u = c_B
 * (dual: c_j = 1 for the structural variables, 0 for the slacks). Null when the basis
 * matrix is numerically singular or the result clearly infeasible.
 */
function refineBasis(a: readonly Float64Array[], m: number, n: number, basis: Int32Array): { w: Float64Array; u: Float64Array } | null {
  const bm: Float64Array[] = [];
  for (let i = 0; i < m; i++) {
    const r = new Float64Array(m);
    for (let k = 0; k < m; k++) r[k] = basis[k] < n ? a[i][basis[k]] : basis[k] - n === i ? 1 : 0;
    bm.push(r);
  }
  const zb = solveLinear(bm, new Float64Array(m).fill(1));
  const bt: Float64Array[] = [];
  for (let k = 0; k < m; k++) {
    const r = new Float64Array(m);
    for (let i = 0; i < m; i++) r[i] = bm[i][k];
    bt.push(r);
  }
  const cb = new Float64Array(m);
  for (let k = 0; k < m; k++) cb[k] = basis[k] < n ? 1 : 0;
  const ub = solveLinear(bt, cb);
  if (!zb || !ub) return null;
  const w = new Float64Array(n);
  for (let k = 0; k < m; k++) {
    if (zb[k] < -1e-8) return null;
    if (basis[k] < n) w[basis[k]] = Math.max(0, zb[k]);
  }
  const u = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    if (ub[i] < -1e-8) return null;
    u[i] = Math.max(0, ub[i]);
  }
  return { w, u };
}

/** Exploitability sum max_i (A y)_i − min_j (xᵀA)_j of (x, y) in a zero-sum game A. */
function zeroSumGap(a: readonly (readonly number[])[] | readonly Float64Array[], x: readonly number[], y: readonly number[]): number {
  const m = x.length;
  const n = y.length;
  let hi = -Infinity;
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i][j] * y[j];
    hi = Math.max(hi, s);
  }
  let lo = Infinity;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += x[i] * a[i][j];
    lo = Math.min(lo, s);
  }
  return hi - lo;
}

/**
 * The Nash equilibrium of the zero-sum game in which the row player receives `A[i][j]`
 * (and the column player −A[i][j]): maximin strategies `row`, `col` and the value
 * `value` = rowᵀ A col (the row player's payoff). Exact up to floating-point rounding
 * (exploitability typically ~1e-15 · the payoff range). When several equilibria exist,
 * one basic (vertex) solution is returned; when all payoffs are equal, both strategies are
 * uniform.
 */
export function solveZeroSum(A: readonly (readonly number[])[]): ZeroSumSolution {
  const [m, n] = checkMatrix(A, 'A');
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of A) {
    for (const x of r) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
  }
  const range = hi - lo;
  if (!(range > 0)) return { row: uniformVector(m), col: uniformVector(n), value: lo };
  // Scale to [1, 2]: positive (so the value is positive and the LP bounded) and O(1) for the tolerances.
  const a: Float64Array[] = A.map((r) => Float64Array.from(r, (x) => 1 + (x - lo) / range));
  const lp = simplexGameLP(a, m, n);
  let row = normalise(lp.u);
  let col = normalise(lp.w);
  const refined = refineBasis(a, m, n, lp.basis);
  if (refined) {
    const row2 = normalise(refined.u);
    const col2 = normalise(refined.w);
    if (zeroSumGap(a, row2, col2) <= zeroSumGap(a, row, col)) {
      row = row2;
      col = col2;
    }
  }
  let value = 0;
  for (let i = 0; i < m; i++) {
    if (row[i] === 0) continue;
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i][j] * col[j];
    value += row[i] * s;
  }
  return { row, col, value };
}

// ---------------------------------------------------------------------------------------
// Regret matching
// ---------------------------------------------------------------------------------------

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
  rowPayoff: readonly (readonly number[])[],
  colPayoff: readonly (readonly number[])[],
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

// ---------------------------------------------------------------------------------------
// Dispatch
// ---------------------------------------------------------------------------------------

/**
 * The meta-strategy of a population's meta-game by `options.method` (see
 * `MetaSolverMethod`). 'lp' throws on a game that is not zero-sum (|row + col| >
 * 1e-9 · max |payoff| somewhere): use 'regret-matching' (or 'auto') there.
 */
export function metaSolve(
  rowPayoff: readonly (readonly number[])[],
  colPayoff: readonly (readonly number[])[],
  options: MetaSolveOptions,
): MetaStrategy {
  const [m, n] = checkPair(rowPayoff, colPayoff);
  const method = options.method;
  switch (method) {
    case 'uniform':
      return { row: uniformVector(m), col: uniformVector(n) };
    case 'latest':
      return { row: pureVector(m, m - 1), col: pureVector(n, n - 1) };
    case 'lp': {
      if (!isZeroSum(rowPayoff, colPayoff)) {
        throw new RangeError(
          "metaSolve: method 'lp' needs a zero-sum meta-game (colPayoff = −rowPayoff within 1e-9 of the payoff scale), " +
            "and this one is not; use method 'regret-matching' (or 'auto') for general-sum games",
        );
      }
      const s = solveZeroSum(rowPayoff);
      return { row: s.row, col: s.col };
    }
    case 'regret-matching':
      return regretMatching(rowPayoff, colPayoff, { iterations: options.iterations ?? DEFAULT_RM_ITERATIONS, plus: options.plus ?? true });
    case 'auto':
      return isZeroSum(rowPayoff, colPayoff)
        ? metaSolve(rowPayoff, colPayoff, { ...options, method: 'lp' })
        : metaSolve(rowPayoff, colPayoff, { ...options, method: 'regret-matching' });
    default:
      throw new RangeError(`metaSolve: unknown method ${JSON.stringify(method)} (expected 'lp', 'regret-matching', 'uniform', 'latest' or 'auto')`);
  }
}
