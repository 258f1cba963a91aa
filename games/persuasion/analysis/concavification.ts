import { advantageRow, channel, payoffRow, type DeviationProblem } from './deviation.js';
import { solveLp, type LinearConstraint, type Term } from '../../../training/lp/highs.js';

/** Most vertex candidates ((|Y|−1)-subsets of hyperplanes) tried before leaving it to the MIP. */
export const MAX_VERTEX_CANDIDATES = 200_000;

/** Two of the user's expected utilities this close at a vertex are a tie (vertices are solved, not exact). */
const VERTEX_TIE = 1e-10;

/**
 * The deviation problem by concavification (Kamenica–Gentzkow in many dimensions), one LP.
 *
 * i's value from a message column x is F(x) = Σ_g ρ·(i's payoff at the user's action), with
 * ties broken in i's favour: positively homogeneous and linear on each cone where the users'
 * best responses are fixed. Those cones are cut out by the hyperplanes "θ indifferent between
 * a and b in group g" and the facets x(s) = 0, so every point of a cone is a positive
 * combination of the cone's extreme rays, which are vertices of the arrangement: |Y| − 1
 * independent hyperplanes meeting, normalised to Σ_s x(s) = 1. Hence the best value is
 *   max Σ_r λ_r F(v_r)  subject to  Σ_r λ_r v_r = 1 (every observed state), λ ≥ 0,
 * and an optimal basic solution uses at most |Y| vertices, each one message (x_m = λ_r v_r).
 * Returns null when that needs more messages than the instance has, or when there are too many
 * vertex candidates: the mixed-integer program handles those.
 */
export async function concavifiedBestResponse(p: DeviationProblem): Promise<{ value: number; policy: number[][] } | null> {
  const { Y, M } = p.t;
  const planes = hyperplanes(p);
  if (binomial(planes.length, Y - 1) > MAX_VERTEX_CANDIDATES) return null;
  const vertices = arrangementVertices(planes, Y);
  const values = vertices.map((v) => senderValue(p, v));
  const constraints: LinearConstraint[] = Array.from({ length: Y }, (_, s) => ({ terms: vertices.map((v, r) => [r, v[s]] as Term).filter(([, c]) => c !== 0), op: '=', rhs: 1 }));
  const solution = await solveLp(
    { sense: 'maximize', variables: vertices.map(() => ({ lower: 0 })), objective: values.map((f, r) => [r, f] as Term), constraints },
    'bestResponse (concavification)',
  );
  const used = solution.values.map((lambda, r) => ({ lambda, r })).filter((u) => u.lambda > 1e-12);
  if (used.length > M) return null;
  used.sort((a, b) => b.lambda - a.lambda);
  const policy = Array.from({ length: Y }, (_, s) => {
    const row = Array.from({ length: M }, (_, m) => (m < used.length ? used[m].lambda * vertices[used[m].r][s] : 0));
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((q) => q / total);
  });
  return { value: solution.objective, policy };
}

/** The users' indifference hyperplanes (normals scaled to max |c| = 1, without repeats) and the facets x(s) = 0. */
function hyperplanes(p: DeviationProblem): number[][] {
  const { Y } = p.t;
  const planes: number[][] = Array.from({ length: Y }, (_, s) => Array.from({ length: Y }, (_, j) => (j === s ? 1 : 0)));
  const known = (row: number[]) => planes.some((q) => q.every((c, s) => Math.abs(c - row[s]) <= 1e-12) || q.every((c, s) => Math.abs(c + row[s]) <= 1e-12));
  for (const g of p.groups) {
    for (let n = 0; n < g.candidates.length; n++) {
      for (let o = n + 1; o < g.candidates.length; o++) {
        const row = advantageRow(p, g, g.candidates[n], g.candidates[o]);
        const scale = Math.max(...row.map(Math.abs));
        // A zero row: the two actions tie wherever i's message puts the user (no hyperplane).
        if (scale <= 1e-14) continue;
        const unit = row.map((c) => c / scale);
        if (!known(unit)) planes.push(unit);
      }
    }
  }
  return planes;
}

/** Points x ≥ 0 with Σ x = 1 where |Y| − 1 independent planes meet. */
function arrangementVertices(planes: number[][], Y: number): number[][] {
  const out: number[][] = [];
  const seen = new Set<string>();
  const pick = Array.from({ length: Y - 1 }, (_, j) => j);
  for (;;) {
    const x = solveSquare([...pick.map((j) => planes[j]), new Array<number>(Y).fill(1)], [...pick.map(() => 0), 1]);
    if (x && x.every((v) => v >= -1e-9)) {
      const clean = x.map((v) => Math.max(0, v));
      const total = clean.reduce((a, b) => a + b, 0);
      const v = clean.map((c) => c / total);
      const key = v.map((c) => c.toFixed(10)).join(',');
      if (!seen.has(key)) {
        seen.add(key);
        out.push(v);
      }
    }
    // Next (|Y|−1)-subset in lexicographic order.
    let j = Y - 2;
    while (j >= 0 && pick[j] === planes.length - (Y - 1) + j) j--;
    if (j < 0) return out;
    pick[j]++;
    for (let l = j + 1; l < Y - 1; l++) pick[l] = pick[l - 1] + 1;
  }
}

/** i's value F(v) at a message column v, the user breaking ties in i's favour. */
function senderValue(p: DeviationProblem, v: number[]): number {
  const { A, Y } = p.t;
  const dot = (row: number[]) => row.reduce((s, c, j) => s + c * v[j], 0);
  let value = 0;
  for (const g of p.groups) {
    const mass = dot(channel(p, g.ell, () => 1));
    if (!(mass > 0)) continue;
    const utility = g.candidates.map((a) => dot(channel(p, g.ell, (y) => p.t.userUtility[(g.typeIndex * A + a) * Y + y])) / mass);
    const best = Math.max(...utility);
    let chosen = -Infinity;
    g.candidates.forEach((a, n) => {
      if (utility[n] >= best - VERTEX_TIE) chosen = Math.max(chosen, dot(payoffRow(p, g, a)));
    });
    value += g.weight * chosen;
  }
  return value;
}

/** x with A x = b for a square A (Gaussian elimination, partial pivoting), or null when singular. */
function solveSquare(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
    if (Math.abs(m[piv][c]) < 1e-12) return null;
    [m[c], m[piv]] = [m[piv], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      if (f !== 0) for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let j = 1; j <= k; j++) r = (r * (n - k + j)) / j;
  return r;
}
