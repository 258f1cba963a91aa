/**
 * The exact Nash equilibrium of a two-player zero-sum matrix game, by linear programming with
 * HiGHS (training/lp/highs.ts). The row player's maximin LP on the game rescaled to [0, 1]:
 *
 *   maximise v  subject to  v − Σ_i x_i A'_ij ≤ 0  for every column j,  Σ_i x_i = 1,  x ≥ 0,
 *
 * gives the row strategy x; the duals of the column constraints are the column player's
 * minimax strategy y (they are ≥ 0 and, since v is free, sum to 1). One solve, both players.
 * The rescaling (x − min) / range leaves the strategies unchanged and makes HiGHS's absolute
 * tolerances relative to the game's payoff range; the value is taken on the original matrix.
 */
import { solveLpWith, type LinearConstraint, type LpSolver, type Term } from '../lp/highs.js';
import { checkMatrix, normalise, uniformVector, type Matrix } from './matrix.js';
import type { MetaStrategy } from './meta-game.js';

/** The exact solution of a zero-sum matrix game: maximin strategies and the value (row's payoff). */
export interface ZeroSumSolution extends MetaStrategy {
  readonly value: number;
}

/**
 * The Nash equilibrium of the zero-sum game in which the row player receives `A[i][j]`
 * (and the column player −A[i][j]): maximin strategies `row`, `col` and the value
 * `value` = rowᵀ A col (the row player's payoff). Exact up to floating-point rounding
 * (exploitability typically ~1e-15 · the payoff range). When several equilibria exist,
 * one basic (vertex) solution is returned; when all payoffs are equal, both strategies are
 * uniform. `lp` is the loaded HiGHS (`await lpSolver()`); the solve itself is synchronous.
 */
export function solveZeroSum(A: Matrix, lp: LpSolver): ZeroSumSolution {
  const [m, n] = checkMatrix(A, 'A');
  if (!lp) throw new TypeError('solveZeroSum needs the loaded HiGHS instance: pass `await lpSolver()` (training/lp/highs.ts)');
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
  const v = m; // variables x_0 … x_{m−1}, then v
  const constraints: LinearConstraint[] = [];
  for (let j = 0; j < n; j++) {
    const terms: Term[] = [[v, 1]];
    for (let i = 0; i < m; i++) terms.push([i, -(A[i][j] - lo) / range]);
    constraints.push({ terms, op: '<=', rhs: 0 });
  }
  constraints.push({ terms: Array.from({ length: m }, (_, i): Term => [i, 1]), op: '=', rhs: 1 });
  const solution = solveLpWith(
    lp,
    { sense: 'maximize', variables: [...Array.from({ length: m }, () => ({})), { lower: -Infinity }], objective: [[v, 1]], constraints },
    'solveZeroSum',
  );
  const row = normalise(solution.values.slice(0, m));
  const col = normalise(solution.duals.slice(0, n));
  let value = 0;
  for (let i = 0; i < m; i++) {
    if (row[i] === 0) continue;
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i][j] * col[j];
    value += row[i] * s;
  }
  return { row, col, value };
}
