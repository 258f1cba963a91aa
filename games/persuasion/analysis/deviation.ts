import type { SignalPolicy } from '../signal.js';
import { TIE, type InstanceTables } from '../tables.js';
import { likelihoodOf } from './profile.js';

/**
 * Provider i's deviation problem against fixed policies of the others, for the user types of
 * one block (all types when anonymous, one when personalised).
 *
 * i's policy is a column x_m ∈ R₊^Y per message m (x_m(s) = π_i(m | s), Σ_m x_m = 1). A
 * "group" is a user type θ together with one profile m₋ᵢ of the others' messages, summarised by
 * ℓ(y) = μ(y)·Π_{j≠i} P_j(m_j | y). After i's message m the user's unnormalised posterior is
 * ℓ(y)·q_m(y), q_m = (1−ε)·x_m + (ε/|Y|)·Σ_s x_m(s) the noisy channel, so every expected utility
 * (the user's and i's) is linear in x_m: coefficient vectors from `channel`.
 */
export interface DeviationProblem {
  readonly t: InstanceTables;
  readonly provider: number;
  readonly signalNoise: number;
  readonly groups: readonly Group[];
}

export interface Group {
  readonly typeIndex: number;
  /** ρ(θ). */
  readonly weight: number;
  readonly ell: Float64Array;
  /** The actions the user may take in this group (see possibleActions). */
  readonly candidates: readonly number[];
}

/** byType[j][θ]: every provider's policy per user type (i's own is ignored). */
export function deviationProblem(t: InstanceTables, byType: readonly (readonly SignalPolicy[])[], i: number, block: readonly number[], signalNoise: number): DeviationProblem {
  const groups: Group[] = [];
  for (const th of block) for (const ell of othersWeights(t, byType, i, th, signalNoise)) groups.push({ typeIndex: th, weight: t.typeWeight[th], ell, candidates: possibleActions(t, th, ell) });
  return { t, provider: i, signalNoise, groups };
}

/** The vector c with Σ_y ℓ(y)·f(y)·q(y) = c·x for the noisy channel q of x. */
export function channel(p: DeviationProblem, ell: Float64Array, f: (y: number) => number): number[] {
  const { Y } = p.t;
  let mean = 0;
  for (let y = 0; y < Y; y++) mean += ell[y] * f(y);
  return Array.from({ length: Y }, (_, s) => (1 - p.signalNoise) * ell[s] * f(s) + (p.signalNoise / Y) * mean);
}

/** Coefficients of i's payoff Σ_y ℓ(y)·q(y)·U_i(a, y) when the group's user takes action a. */
export const payoffRow = (p: DeviationProblem, g: Group, a: number) => channel(p, g.ell, (y) => p.t.providerUtility[(p.provider * p.t.A + a) * p.t.Y + y]);

/** Coefficients of the user's advantage of a over b, Σ_y ℓ(y)·q(y)·(u_θ(a, y) − u_θ(b, y)). */
export const advantageRow = (p: DeviationProblem, g: Group, a: number, b: number) => {
  const { A, Y } = p.t;
  const u = p.t.userUtility;
  return channel(p, g.ell, (y) => u[(g.typeIndex * A + a) * Y + y] - u[(g.typeIndex * A + b) * Y + y]);
};

const sum = (v: Float64Array) => v.reduce((a, b) => a + b, 0);

/**
 * ℓ for every message profile m₋ᵢ of the others with positive probability (the prior alone when
 * i is the only provider). Profiles with proportional ℓ give the user the same posteriors, so
 * they are merged into one group (their weights add).
 */
function othersWeights(t: InstanceTables, byType: readonly (readonly SignalPolicy[])[], i: number, th: number, signalNoise: number): Float64Array[] {
  const { Y, M, k } = t;
  const others = Array.from({ length: k }, (_, j) => j).filter((j) => j !== i);
  const lik = others.map((j) => likelihoodOf(byType[j][th], M, signalNoise));
  const out: Float64Array[] = [];
  const messages = new Array<number>(others.length).fill(0);
  for (;;) {
    const ell = Float64Array.from(t.prior);
    for (let n = 0; n < others.length; n++) for (let y = 0; y < Y; y++) ell[y] *= lik[n][y * M + messages[n]];
    const mass = sum(ell);
    if (mass > 0) {
      const same = out.find((o) => o.every((v, y) => Math.abs(v / sum(o) - ell[y] / mass) <= 1e-12));
      if (same) for (let y = 0; y < Y; y++) same[y] += ell[y];
      else out.push(ell);
    }
    let n = 0;
    while (n < others.length && ++messages[n] === M) messages[n++] = 0;
    if (n === others.length) break;
  }
  return out;
}

/**
 * The actions type θ may take in a group: the posterior's support is supp(ℓ) whatever i sends
 * (noise only mixes within it), so an action beaten in every state of that support by one
 * other action is never chosen; with one state in the support the posterior is fixed and only
 * the best actions there remain.
 */
function possibleActions(t: InstanceTables, th: number, ell: Float64Array): number[] {
  const { A, Y } = t;
  const support = Array.from({ length: Y }, (_, y) => y).filter((y) => ell[y] > 0);
  const u = (a: number, y: number) => t.userUtility[(th * A + a) * Y + y];
  const all = Array.from({ length: A }, (_, a) => a);
  if (support.length === 1) {
    const best = Math.max(...all.map((a) => u(a, support[0])));
    return all.filter((a) => u(a, support[0]) >= best - TIE);
  }
  return all.filter((a) => !all.some((b) => b !== a && support.every((y) => u(b, y) > u(a, y) + TIE)));
}
