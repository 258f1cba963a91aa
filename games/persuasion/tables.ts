import type { PersuasionInstance } from './instance.js';

/**
 * An instance's numbers as flat Float64Arrays, made once per instance: the kernel's hot path
 * and the flat response functions read these. Utility tables keep the instance's [action][state]
 * order: U_i(a, y) at providerUtility[(i·A + a)·Y + y], u_θ(a, y) at userUtility[(θ·A + a)·Y + y].
 */
export interface InstanceTables {
  /** |Y|, |A|, |Mₛ|, k providers, |Θ| user types. */
  readonly Y: number;
  readonly A: number;
  readonly M: number;
  readonly k: number;
  readonly types: number;
  /** μ(y). */
  readonly prior: Float64Array;
  /** ρ(θ). */
  readonly typeWeight: Float64Array;
  /** [k, A, Y] */
  readonly providerUtility: Float64Array;
  /** [Θ, A, Y] */
  readonly userUtility: Float64Array;
  /** V*_θ = E_y[max_a u_θ(a, y)], [Θ]. */
  readonly alignedUtility: Float64Array;
  /** max_a u_θ(a, y), [Θ, Y]: an action is accurate when it reaches this (within TIE). */
  readonly bestUtility: Float64Array;
}

/** Two expected utilities closer than this are a tie (GAMES.md's "ties within 1e-12"). */
export const TIE = 1e-12;

const cache = new WeakMap<PersuasionInstance, InstanceTables>();

/** The flat tables of `instance` (cached: parsed instances are frozen). */
export function instanceTables(instance: PersuasionInstance): InstanceTables {
  let t = cache.get(instance);
  if (!t) {
    t = buildTables(instance);
    cache.set(instance, t);
  }
  return t;
}

function buildTables(inst: PersuasionInstance): InstanceTables {
  const Y = inst.states.length;
  const A = inst.actions.length;
  const k = inst.providers.length;
  const types = inst.userTypes.length;
  const providerUtility = new Float64Array(k * A * Y);
  inst.providers.forEach((p, i) => p.utility.forEach((row, a) => row.forEach((v, y) => (providerUtility[(i * A + a) * Y + y] = v))));
  const userUtility = new Float64Array(types * A * Y);
  inst.userTypes.forEach((t, th) => t.utility.forEach((row, a) => row.forEach((v, y) => (userUtility[(th * A + a) * Y + y] = v))));
  const bestUtility = new Float64Array(types * Y);
  const alignedUtility = new Float64Array(types);
  for (let th = 0; th < types; th++) {
    for (let y = 0; y < Y; y++) {
      let best = -Infinity;
      for (let a = 0; a < A; a++) best = Math.max(best, userUtility[(th * A + a) * Y + y]);
      bestUtility[th * Y + y] = best;
      alignedUtility[th] += inst.prior[y] * best;
    }
  }
  return Object.freeze({
    Y,
    A,
    M: inst.messages.length,
    k,
    types,
    prior: Float64Array.from(inst.prior),
    typeWeight: Float64Array.from(inst.userTypes.map((t) => t.weight)),
    providerUtility,
    userUtility,
    alignedUtility,
    bestUtility,
  });
}
