/**
 * Every linear (and small mixed-integer) program of the project, solved by HiGHS: the exact
 * persuasion tools (games/persuasion/analysis) and the zero-sum meta-games of PSRO
 * (training/population).
 *
 * Why HiGHS (the npm package `highs`): it is a maintained, state-of-the-art solver (University
 * of Edinburgh) whose simplex works in double precision to tight tolerances and returns a
 * basic (vertex) optimum; it is compiled to WebAssembly, so there is no native code to build
 * and it works offline on every platform Node runs on. Programs are passed as sparse matrices
 * through its model API (no LP text to format and parse).
 *
 * Loading is asynchronous (the WebAssembly module is compiled once, then cached); solving is
 * synchronous. Code on a hot path awaits `lpSolver()` once and hands the instance to
 * `solveLpWith`; one-off callers use `solveLp`, which does both.
 *
 * Why here: training/ is the lowest layer whose code needs an LP (the meta-game solver), and
 * games/ may import training/ while envs/ and agents/ need none.
 */
import highsLoader from 'highs';

/** A loaded HiGHS instance (`await lpSolver()`), needed by every synchronous solve. */
export type LpSolver = Awaited<ReturnType<typeof highsLoader>>;

let loading: Promise<LpSolver> | undefined;

/** The HiGHS instance, loaded on first use and shared afterwards. */
export function lpSolver(): Promise<LpSolver> {
  loading ??= highsLoader();
  return loading;
}

/** Σ coefficient·x[variable]: one term of a linear expression. */
export type Term = readonly [variable: number, coefficient: number];

export interface LinearConstraint {
  readonly terms: readonly Term[];
  readonly op: '<=' | '>=' | '=';
  readonly rhs: number;
}

export interface Variable {
  /** −Infinity for a free variable; default 0. */
  readonly lower?: number;
  /** Default +Infinity. */
  readonly upper?: number;
  /** A 0/1 variable (the program becomes a MIP). */
  readonly binary?: boolean;
}

export interface LinearProgram {
  readonly sense: 'minimize' | 'maximize';
  readonly variables: readonly Variable[];
  readonly objective: readonly Term[];
  readonly constraints: readonly LinearConstraint[];
}

export interface LpSolution {
  readonly objective: number;
  /** The value of every variable, in order. */
  readonly values: number[];
  /**
   * The dual value of every constraint, in order (LPs only; meaningless for a MIP): the rate
   * at which the optimum grows with the constraint's rhs, so ≥ 0 on a binding `<=` of a
   * maximisation and ≤ 0 on a binding `>=` of one.
   */
  readonly duals: number[];
}

/** Seconds one program may take: beyond that the instance is too large for the exact tools. */
export const LP_TIME_LIMIT_S = 120;

/** Tolerances tight enough that "exact" means exact to about 1e-9 on utilities in [0, 1]. */
const SOLVER_OPTIONS = {
  output_flag: false,
  primal_feasibility_tolerance: 1e-10,
  dual_feasibility_tolerance: 1e-10,
  mip_feasibility_tolerance: 1e-10,
  mip_rel_gap: 0,
  mip_abs_gap: 1e-12,
  time_limit: LP_TIME_LIMIT_S,
};

/** Solves `lp` to optimality with the loaded HiGHS; see `solveLpWith`. */
export async function solveLp(lp: LinearProgram, what: string): Promise<LpSolution> {
  return solveLpWith(await lpSolver(), lp, what);
}

/**
 * Solves `lp` to optimality, synchronously, with a loaded HiGHS instance; throws when HiGHS
 * reports anything else (our programs are feasible and bounded by construction, so that would
 * be a bug). `what` names the caller in errors.
 */
export function solveLpWith(highs: LpSolver, lp: LinearProgram, what: string): LpSolution {
  const n = lp.variables.length;
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const rowLower: number[] = [];
  const rowUpper: number[] = [];
  for (const c of lp.constraints) {
    const merged = new Map<number, number>();
    for (const [j, v] of c.terms) {
      if (!Number.isInteger(j) || j < 0 || j >= n) throw new RangeError(`${what}: LP term names variable ${j}, not one of the ${n}`);
      if (!Number.isFinite(v)) throw new RangeError(`${what}: LP coefficient ${v} is not finite`);
      merged.set(j, (merged.get(j) ?? 0) + v);
    }
    for (const [j, v] of merged) {
      indices.push(j);
      values.push(v);
    }
    starts.push(indices.length);
    rowLower.push(c.op === '<=' ? -highs.infinity : c.rhs);
    rowUpper.push(c.op === '>=' ? highs.infinity : c.rhs);
  }
  const colCost = new Float64Array(n);
  for (const [j, v] of lp.objective) colCost[j] += v;
  const binary = lp.variables.some((v) => v.binary);
  const model = highs.createModel({
    numCols: n,
    numRows: lp.constraints.length,
    sense: lp.sense === 'minimize' ? highs.constants.objectiveSense.minimize : highs.constants.objectiveSense.maximize,
    colCost,
    colLower: lp.variables.map((v) => (v.lower === undefined ? 0 : v.lower === -Infinity ? -highs.infinity : v.lower)),
    colUpper: lp.variables.map((v) => (v.upper === undefined || v.upper === Infinity ? highs.infinity : v.upper)),
    rowLower,
    rowUpper,
    matrix: { format: 'csr', numRows: lp.constraints.length, numCols: n, starts, indices, values },
    ...(binary ? { integrality: lp.variables.map((v) => (v.binary ? highs.constants.variableType.integer : highs.constants.variableType.continuous)) } : {}),
  });
  try {
    model.options.set(SOLVER_OPTIONS);
    model.run();
    const status = model.getModelStatus();
    if (status === highs.constants.modelStatus.timeLimit) throw new RangeError(`${what}: the solver did not finish within ${LP_TIME_LIMIT_S} s; the instance is too large for the exact tools`);
    if (status !== highs.constants.modelStatus.optimal) throw new Error(`${what}: the solver ended with model status ${status} instead of an optimum`);
    const solution = model.getSolution();
    const x = Array.from(solution.colValue);
    return { objective: lp.objective.reduce((s, [j, c]) => s + c * x[j], 0), values: x, duals: Array.from(solution.rowDual) };
  } finally {
    model.dispose();
  }
}
