import { advantageRow, payoffRow, type DeviationProblem } from './deviation.js';
import { solveLp, type LinearConstraint, type Term, type Variable } from '../../../training/lp/highs.js';

/** Most binary choices one program may have: beyond that branch and bound is no longer quick. */
export const BEST_RESPONSE_MAX_BINARIES = 4096;

/**
 * The deviation problem as a mixed-integer program, exact for any number of messages.
 *
 * For each message m and group g the user takes one action a: binaries δ_{m,g,a} pick it and
 * x_{m,g,a} = δ_{m,g,a}·x_m exactly, by the split Σ_a x_{m,g,a} = x_m with x_{m,g,a} ≤ δ_{m,g,a}.
 * "a is a best response" is a cone of linear inequalities in x_m, imposed on x_{m,g,a} (trivial
 * where it is 0), and i's payoff is linear in x_{m,g,a}. Where the user is indifferent the
 * program may pick i's preferred action (sender-preferred ties). HiGHS solves it to optimality.
 */
export async function mipBestResponse(p: DeviationProblem): Promise<{ value: number; policy: number[][] }> {
  const { Y, M } = p.t;
  const variables: Variable[] = [];
  const add = (v: Variable) => variables.push(v) - 1;
  const x = Array.from({ length: M }, () => Array.from({ length: Y }, () => add({ lower: 0, upper: 1 })));
  const constraints: LinearConstraint[] = [];
  const objective: Term[] = [];
  // Σ_m π(m | s) = 1 in every observed state.
  for (let s = 0; s < Y; s++) constraints.push({ terms: x.map((xm) => [xm[s], 1] as Term), op: '=', rhs: 1 });
  // Messages are interchangeable: order them by mass (cuts the solver's symmetric branches).
  for (let m = 0; m + 1 < M; m++) constraints.push({ terms: [...x[m].map((j) => [j, 1] as Term), ...x[m + 1].map((j) => [j, -1] as Term)], op: '>=', rhs: 0 });

  let binaries = 0;
  for (const g of p.groups) {
    const payoffs = g.candidates.map((a) => payoffRow(p, g, a).map((c) => g.weight * c));
    if (g.candidates.length === 1) {
      // The user's action does not depend on i's message here: no choice to make.
      for (let m = 0; m < M; m++) for (let s = 0; s < Y; s++) objective.push([x[m][s], payoffs[0][s]]);
      continue;
    }
    binaries += M * g.candidates.length;
    if (binaries > BEST_RESPONSE_MAX_BINARIES) {
      throw new RangeError(
        `bestResponse: this instance needs more than ${BEST_RESPONSE_MAX_BINARIES} binary choices (messages × user types × others' message profiles × actions); use fewer messages, providers or types`,
      );
    }
    const cones = g.candidates.map((a) =>
      g.candidates
        .filter((b) => b !== a)
        .map((b) => advantageRow(p, g, a, b))
        .map((row) => {
          // Scaled to max |coefficient| = 1, so the solver's absolute tolerance is relative.
          const scale = Math.max(...row.map(Math.abs));
          return scale > 0 ? row.map((c) => c / scale) : null;
        })
        .filter((row): row is number[] => row !== null),
    );
    for (let m = 0; m < M; m++) {
      const pick: Term[] = [];
      const parts = g.candidates.map(() => Array.from({ length: Y }, () => add({ lower: 0, upper: 1 })));
      g.candidates.forEach((_, n) => {
        const delta = add({ lower: 0, upper: 1, binary: true });
        pick.push([delta, 1]);
        for (let s = 0; s < Y; s++) {
          constraints.push({ terms: [[parts[n][s], 1], [delta, -1]], op: '<=', rhs: 0 });
          objective.push([parts[n][s], payoffs[n][s]]);
        }
        for (const row of cones[n]) constraints.push({ terms: row.map((c, s) => [parts[n][s], c] as Term), op: '>=', rhs: 0 });
      });
      constraints.push({ terms: pick, op: '=', rhs: 1 });
      for (let s = 0; s < Y; s++) constraints.push({ terms: [...parts.map((q) => [q[s], 1] as Term), [x[m][s], -1]], op: '=', rhs: 0 });
    }
  }
  const solution = await solveLp({ sense: 'maximize', variables, objective, constraints }, 'bestResponse');
  const policy = Array.from({ length: Y }, (_, s) => {
    const row = x.map((xm) => Math.max(0, solution.values[xm[s]]));
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((q) => q / total);
  });
  return { value: solution.objective, policy };
}
