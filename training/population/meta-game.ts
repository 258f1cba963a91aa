/**
 * Meta-games of a population (PSRO, fictitious self-play): a two-player normal-form game
 * whose strategies are the snapshots of each side. The row player is one side of the game,
 * the column player the other (population.ts says which); `rowPayoff[i][j]` and
 * `colPayoff[i][j]` are the row's and the column's expected payoffs when row snapshot i meets
 * column snapshot j. The game is general-sum; it is zero-sum when `colPayoff = −rowPayoff`.
 *
 * Solvers:
 * - `solveZeroSum` (zero-sum.ts): the exact Nash equilibrium of a zero-sum game by linear
 *   programming with HiGHS, the project's one LP solver.
 * - `regretMatching` (regret-matching.ts): regret matching (or regret matching+); Nash in
 *   zero-sum games, an approximation in general-sum ones.
 * - `nashConv`: Σ over both players of (best-response payoff − current payoff); zero
 *   exactly at a Nash equilibrium. For a zero-sum game it is the exploitability sum
 *   max_i (A y)_i − min_j (xᵀA)_j.
 * - `metaSolve`: one entry point for the population's meta-solvers.
 *
 * Two players only: the LP, regret matching and NashConv here are the two-player forms.
 */
import type { LpSolver } from '../lp/highs.js';
import { checkPair, checkStrategy, maxAbs, pureVector, uniformVector, type Matrix } from './matrix.js';
import { regretMatching } from './regret-matching.js';
import { solveZeroSum } from './zero-sum.js';

/** A mixed strategy of each player: probability vectors over the rows and the columns. */
export interface MetaStrategy {
  readonly row: number[];
  readonly col: number[];
}

export interface NashConvResult {
  /** rowGain + colGain ≥ 0; 0 at a Nash equilibrium. */
  readonly nashConv: number;
  /** max_i (rowPayoff · col)_i − rowᵀ rowPayoff col: what the row player gains by best-responding. */
  readonly rowGain: number;
  /** max_j (rowᵀ colPayoff)_j − rowᵀ colPayoff col: what the column player gains by best-responding. */
  readonly colGain: number;
}

/**
 * - 'lp': the exact Nash equilibrium by linear programming; zero-sum games only.
 * - 'regret-matching': regret matching+ average strategies (any game; Nash only in zero-sum).
 * - 'uniform': fictitious self-play, uniform over the population.
 * - 'latest': plain self-play, all mass on the newest snapshot (the last row and column).
 * - 'auto': 'lp' when the game is zero-sum, 'regret-matching' otherwise.
 */
export type MetaSolverMethod = 'lp' | 'regret-matching' | 'uniform' | 'latest' | 'auto';

/** The methods that may solve an LP, and so need the loaded HiGHS. */
export type LpMethod = 'lp' | 'auto';

export interface MetaSolveOptions {
  method: MetaSolverMethod;
  /** Iterations of regret matching (default 10 000). */
  iterations?: number;
  /** Regret matching+ (default true). */
  plus?: boolean;
}

/** Whether `method` may solve an LP (then the caller loads HiGHS first: `await lpSolver()`). */
export function needsLp(method: MetaSolverMethod): method is LpMethod {
  return method === 'lp' || method === 'auto';
}

/** Relative tolerance of the zero-sum check: |row + col| ≤ ZERO_SUM_TOLERANCE · max |payoff|. */
export const ZERO_SUM_TOLERANCE = 1e-9;

const DEFAULT_RM_ITERATIONS = 10_000;

/** Whether colPayoff = −rowPayoff up to `tolerance` · max |payoff| (the scale of the game). */
export function isZeroSum(rowPayoff: Matrix, colPayoff: Matrix, tolerance = ZERO_SUM_TOLERANCE): boolean {
  checkPair(rowPayoff, colPayoff);
  const bound = tolerance * Math.max(maxAbs(rowPayoff), maxAbs(colPayoff));
  for (let i = 0; i < rowPayoff.length; i++) {
    for (let j = 0; j < rowPayoff[i].length; j++) {
      if (Math.abs(rowPayoff[i][j] + colPayoff[i][j]) > bound) return false;
    }
  }
  return true;
}

/**
 * NashConv of the strategy pair (row, col): Σ over both players of the gain of a best
 * response against the other's mixed strategy. Zero exactly at a Nash equilibrium.
 */
export function nashConv(
  rowPayoff: Matrix,
  colPayoff: Matrix,
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

/**
 * The meta-strategy of a population's meta-game by `options.method` (see
 * `MetaSolverMethod`). 'lp' and 'auto' take the loaded HiGHS (`await lpSolver()`) as `lp`.
 * 'lp' throws on a game that is not zero-sum (|row + col| > 1e-9 · max |payoff|
 * somewhere): use 'regret-matching' (or 'auto') there.
 */
export function metaSolve(rowPayoff: Matrix, colPayoff: Matrix, options: MetaSolveOptions & { method: Exclude<MetaSolverMethod, LpMethod> }): MetaStrategy;
export function metaSolve(rowPayoff: Matrix, colPayoff: Matrix, options: MetaSolveOptions, lp: LpSolver): MetaStrategy;
export function metaSolve(rowPayoff: Matrix, colPayoff: Matrix, options: MetaSolveOptions, lp?: LpSolver): MetaStrategy {
  const [m, n] = checkPair(rowPayoff, colPayoff);
  const method = options.method;
  if (needsLp(method) && !lp) throw new TypeError(`metaSolve: method '${method}' solves an LP and needs the loaded HiGHS instance: pass \`await lpSolver()\` (training/lp/highs.ts)`);
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
      const s = solveZeroSum(rowPayoff, lp!);
      return { row: s.row, col: s.col };
    }
    case 'regret-matching':
      return regretMatching(rowPayoff, colPayoff, { iterations: options.iterations ?? DEFAULT_RM_ITERATIONS, plus: options.plus ?? true });
    case 'auto':
      return isZeroSum(rowPayoff, colPayoff)
        ? metaSolve(rowPayoff, colPayoff, { ...options, method: 'lp' }, lp!)
        : metaSolve(rowPayoff, colPayoff, { ...options, method: 'regret-matching' });
    default:
      throw new RangeError(`metaSolve: unknown method ${JSON.stringify(method)} (expected 'lp', 'regret-matching', 'uniform', 'latest' or 'auto')`);
  }
}
