import type { PersuasionInstance } from '../instance.js';
import { bayesActionFlat, posteriorInto, quantalInto } from '../response.js';
import { instanceTables, TIE, type InstanceTables } from '../tables.js';
import { likelihoodOf, policiesByType, resolveOptions, type AnalysisOptions, type Profile } from './profile.js';

export interface UserTypeValue {
  readonly type: string;
  /** E[u_θ(a, y)] under the profile. */
  readonly value: number;
  /** V*_θ = E_y[max_a u_θ(a, y)]. */
  readonly aligned: number;
  /** V*_θ − value ≥ 0. */
  readonly gap: number;
  /** P(the action is optimal for θ in the realised state). */
  readonly accuracy: number;
  /** E[U_i(a, y)] of each provider when the user is of this type. */
  readonly providers: number[];
}

export interface ProfileValue {
  /** E[U_i(a, y)] of each provider, averaged over user types with weights ρ(θ). */
  readonly providers: number[];
  readonly users: UserTypeValue[];
}

/**
 * The exact expected utilities of a profile of signalling policies (selection 'all': every
 * provider consulted), by enumerating the |Mₛ|^k message profiles for each user type: the
 * weight of messages m in state y is μ(y)·Π_i P(m_i | y), P the policy under signal noise, and
 * the user responds to the posterior with the Bayes action (ties per options.ties) or the
 * quantal response with options.beta.
 */
export function evaluateProfile(instance: PersuasionInstance, profile: Profile, options?: AnalysisOptions): ProfileValue {
  const o = resolveOptions(options, 'evaluateProfile');
  const t = instanceTables(instance);
  const byType = policiesByType(instance, profile, o.personalized, 'evaluateProfile');
  const all = (1 << t.k) - 1;
  const respond: Responder =
    o.response === 'quantal'
      ? (th, post, out) => quantalInto(t, th, post, 0, o.beta, out, 0)
      : (th, post, out) => {
          out.fill(0);
          out[bayesActionFlat(t, th, post, 0, all, o.ties)] = 1;
        };
  return valueUnder(instance, stackedLikelihoods(t, byType, o.signalNoise), respond);
}

/** Writes the user's action distribution P(a) for type θ at a posterior into `out`. */
export type Responder = (typeIndex: number, posterior: Float64Array, out: Float64Array) => void;

/** Per user type, P(m_i | y) of every provider, flat [i, y, m] (the layout posteriorInto reads). */
export function stackedLikelihoods(t: InstanceTables, policiesByTypeIndex: readonly (readonly (readonly (readonly number[])[])[])[], signalNoise: number): Float64Array[] {
  return Array.from({ length: t.types }, (_, th) => {
    const out = new Float64Array(t.k * t.Y * t.M);
    for (let i = 0; i < t.k; i++) out.set(likelihoodOf(policiesByTypeIndex[i][th], t.M, signalNoise), i * t.Y * t.M);
    return out;
  });
}

/** The enumeration behind evaluateProfile, for any responder (the best-response checks use their own). */
export function valueUnder(instance: PersuasionInstance, likelihoods: readonly Float64Array[], respond: Responder): ProfileValue {
  const t = instanceTables(instance);
  const { Y, A, M, k } = t;
  const all = (1 << k) - 1;
  const messages = new Int32Array(k);
  const post = new Float64Array(Y);
  const joint = new Float64Array(Y);
  const dist = new Float64Array(A);
  const providers = new Array<number>(k).fill(0);
  const users: UserTypeValue[] = [];
  for (let th = 0; th < t.types; th++) {
    const lik = likelihoods[th];
    const perProvider = new Array<number>(k).fill(0);
    let value = 0;
    let accuracy = 0;
    messages.fill(0);
    for (;;) {
      // The joint weight μ(y)·Π_i P(m_i | y) of this message profile in each state.
      let total = 0;
      for (let y = 0; y < Y; y++) {
        let p = t.prior[y];
        for (let i = 0; i < k; i++) p *= lik[(i * Y + y) * M + messages[i]];
        joint[y] = p;
        total += p;
      }
      if (total > 0) {
        posteriorInto(t, lik, messages, 0, all, post, 0);
        respond(th, post, dist);
        for (let a = 0; a < A; a++) {
          if (dist[a] === 0) continue;
          for (let y = 0; y < Y; y++) {
            const w = dist[a] * joint[y];
            if (w === 0) continue;
            const u = t.userUtility[(th * A + a) * Y + y];
            value += w * u;
            if (u >= t.bestUtility[th * Y + y] - TIE) accuracy += w;
            for (let i = 0; i < k; i++) perProvider[i] += w * t.providerUtility[(i * A + a) * Y + y];
          }
        }
      }
      // Next message profile (an odometer over M^k).
      let i = 0;
      while (i < k && ++messages[i] === M) messages[i++] = 0;
      if (i === k) break;
    }
    const aligned = t.alignedUtility[th];
    // value ≤ V*_θ always: only round-off can make the gap negative, and only by ~1e-16.
    const gap = aligned - value < 0 && aligned - value > -1e-9 ? 0 : aligned - value;
    users.push({ type: instance.userTypes[th].name, value, aligned, gap, accuracy, providers: perProvider });
    for (let i = 0; i < k; i++) providers[i] += t.typeWeight[th] * perProvider[i];
  }
  return { providers, users };
}
