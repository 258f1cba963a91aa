import type { PersuasionInstance } from './instance.js';
import { explainPolicy, likelihoodInto, type SignalPolicy } from './signal.js';
import { instanceTables, TIE, type InstanceTables } from './tables.js';

/**
 * The user's response (GAMES.md §2): the Bayes posterior over y given the messages of the
 * providers it consults, then either the Bayes action argmax_a E[u_θ(a, y)] or the quantal
 * response P(a) ∝ exp(β·E[u_θ(a, y)]).
 *
 * Two forms of each function: a flat one over Float64Arrays that allocates nothing (the
 * kernel's hot path), and an array one over the instance (for the analysis tools and tests),
 * which validates its input and is built on the flat one, so both compute the same numbers.
 * Signalling policies are probability tables policy[i][s][m]; see signal.ts for the shapes.
 * Consulted providers are a list of provider indices (a bit mask in the flat form).
 */

/**
 * How a Bayes user breaks ties between actions whose expected utilities are within 1e-12:
 * `providers`: the action with the highest sum of the consulted providers' expected utilities
 * (the sender-preferred rule Kamenica–Gentzkow's optimum assumes), then the lowest index;
 * `first`: the lowest action index.
 */
export type TieRule = 'providers' | 'first';
export const TIE_RULES: readonly TieRule[] = ['providers', 'first'];

// ---- flat forms (no allocation) -----------------------------------------------------------

/**
 * Posterior over y, ∝ μ(y)·Π_{i consulted} P(m_i | y), into out[oOff .. oOff+Y). `likelihood`
 * holds P(m | y) of every provider, [k, Y, M]; messages[msgOff + i] is provider i's message;
 * bit i of `consultedMask` says whether provider i is consulted. Returns false (and writes the
 * prior) when the messages have probability 0 under every state.
 */
export function posteriorInto(
  t: InstanceTables,
  likelihood: Float64Array,
  messages: ArrayLike<number>,
  msgOff: number,
  consultedMask: number,
  out: Float64Array,
  oOff: number,
): boolean {
  const { Y, M, k, prior } = t;
  let z = 0;
  for (let y = 0; y < Y; y++) {
    let p = prior[y];
    for (let i = 0; i < k; i++) if (consultedMask & (1 << i)) p *= likelihood[(i * Y + y) * M + messages[msgOff + i]];
    out[oOff + y] = p;
    z += p;
  }
  if (!(z > 0)) {
    for (let y = 0; y < Y; y++) out[oOff + y] = prior[y];
    return false;
  }
  const inv = 1 / z;
  for (let y = 0; y < Y; y++) out[oOff + y] *= inv;
  return true;
}

/** Σ_y post[y]·table[tOff + a·Y + y]: the expected utility of action a under a posterior. */
export function expectedUtilityOf(table: Float64Array, tOff: number, a: number, Y: number, post: Float64Array, pOff: number): number {
  let s = 0;
  const base = tOff + a * Y;
  for (let y = 0; y < Y; y++) s += post[pOff + y] * table[base + y];
  return s;
}

/** The Bayes action of user type θ under a posterior, ties broken by `ties` (see TieRule). */
export function bayesActionFlat(t: InstanceTables, typeIndex: number, post: Float64Array, pOff: number, consultedMask: number, ties: TieRule): number {
  const { A, Y, k } = t;
  const uOff = typeIndex * A * Y;
  let best = 0;
  let bestU = -Infinity;
  for (let a = 0; a < A; a++) {
    const u = expectedUtilityOf(t.userUtility, uOff, a, Y, post, pOff);
    if (u > bestU) {
      bestU = u;
      best = a;
    }
  }
  if (ties === 'first') {
    // The lowest index within TIE of the maximum (the maximum itself may sit at a higher index).
    for (let a = 0; a < best; a++) if (expectedUtilityOf(t.userUtility, uOff, a, Y, post, pOff) >= bestU - TIE) return a;
    return best;
  }
  let chosen = -1;
  let chosenP = -Infinity;
  for (let a = 0; a < A; a++) {
    if (expectedUtilityOf(t.userUtility, uOff, a, Y, post, pOff) < bestU - TIE) continue;
    let p = 0;
    for (let i = 0; i < k; i++) if (consultedMask & (1 << i)) p += expectedUtilityOf(t.providerUtility, i * A * Y, a, Y, post, pOff);
    if (chosen < 0 || p > chosenP + TIE) {
      chosen = a;
      chosenP = p;
    }
  }
  return chosen;
}

/** P(a) ∝ exp(β·E[u_θ(a, y)]) into out[oOff .. oOff+A) (shifted by the maximum for stability). */
export function quantalInto(t: InstanceTables, typeIndex: number, post: Float64Array, pOff: number, beta: number, out: Float64Array, oOff: number): void {
  const { A, Y } = t;
  const uOff = typeIndex * A * Y;
  let max = -Infinity;
  for (let a = 0; a < A; a++) {
    const u = expectedUtilityOf(t.userUtility, uOff, a, Y, post, pOff);
    out[oOff + a] = u;
    if (u > max) max = u;
  }
  let z = 0;
  for (let a = 0; a < A; a++) {
    const e = Math.exp(beta * (out[oOff + a] - max));
    out[oOff + a] = e;
    z += e;
  }
  const inv = 1 / z;
  for (let a = 0; a < A; a++) out[oOff + a] *= inv;
}

// ---- array forms (validated) --------------------------------------------------------------

/**
 * The user's posterior over y after seeing messages[i] from each provider i in `consulted`,
 * given every provider's policy [s][m] and the signal noise ε. Entries of `messages` for
 * providers not consulted are ignored. Throws when the messages are impossible under every state.
 */
export function posterior(
  instance: PersuasionInstance,
  policies: readonly SignalPolicy[],
  messages: readonly number[],
  consulted: readonly number[],
  signalNoise = 0,
): number[] {
  const t = instanceTables(instance);
  const { Y, M, k } = t;
  if (!Array.isArray(policies) || policies.length !== k) throw new RangeError(`posterior: expected one policy per provider (${k}), got ${describeLength(policies)}`);
  policies.forEach((p, i) => {
    const why = explainPolicy(p, Y, M, `policies[${i}]`);
    if (why !== null) throw new RangeError(`posterior: ${why}`);
  });
  const mask = consultedMaskOf(consulted, k, 'posterior');
  if (!Array.isArray(messages) || messages.length !== k) throw new RangeError(`posterior: expected one message index per provider (${k}), got ${describeLength(messages)}`);
  for (const i of consulted) {
    const m = messages[i];
    if (!Number.isInteger(m) || m < 0 || m >= M) throw new RangeError(`posterior: messages[${i}] = ${String(m)} must be a message index in [0, ${M - 1}]`);
  }
  if (!(signalNoise >= 0 && signalNoise <= 1)) throw new RangeError(`posterior: signalNoise must be in [0, 1], got ${signalNoise}`);
  const flatPolicy = new Float64Array(k * Y * M);
  (policies as readonly SignalPolicy[]).forEach((p, i) => p.forEach((row, s) => row.forEach((v, m) => (flatPolicy[(i * Y + s) * M + m] = v))));
  const likelihood = new Float64Array(k * Y * M);
  for (let i = 0; i < k; i++) likelihoodInto(flatPolicy, i * Y * M, Y, M, signalNoise, likelihood, i * Y * M);
  const out = new Float64Array(Y);
  const msgs = Int32Array.from(messages, (m, i) => (mask & (1 << i) ? m : 0));
  if (!posteriorInto(t, likelihood, msgs, 0, mask, out, 0)) {
    throw new RangeError(`posterior: the messages [${messages.join(', ')}] have probability 0 under every state`);
  }
  return Array.from(out);
}

/** E[u_θ(a, y)] under `posterior` for every action a. */
export function expectedUtilities(instance: PersuasionInstance, typeIndex: number, posteriorOverStates: readonly number[]): number[] {
  const t = instanceTables(instance);
  checkType(t, typeIndex, 'expectedUtilities');
  const post = checkPosterior(t, posteriorOverStates, 'expectedUtilities');
  return Array.from({ length: t.A }, (_, a) => expectedUtilityOf(t.userUtility, typeIndex * t.A * t.Y, a, t.Y, post, 0));
}

/** The Bayes user's action: argmax_a E[u_θ(a, y)], ties within 1e-12 broken by `ties`. */
export function bayesAction(
  instance: PersuasionInstance,
  typeIndex: number,
  posteriorOverStates: readonly number[],
  consultedProviders: readonly number[],
  ties: TieRule = 'providers',
): number {
  const t = instanceTables(instance);
  checkType(t, typeIndex, 'bayesAction');
  if (!TIE_RULES.includes(ties)) throw new RangeError(`bayesAction: ties must be one of ${TIE_RULES.join(', ')}, got ${String(ties)}`);
  const post = checkPosterior(t, posteriorOverStates, 'bayesAction');
  return bayesActionFlat(t, typeIndex, post, 0, consultedMaskOf(consultedProviders, t.k, 'bayesAction'), ties);
}

/** The quantal user's action probabilities P(a) ∝ exp(β·E[u_θ(a, y)]), β ≥ 0. */
export function quantalProbabilities(instance: PersuasionInstance, typeIndex: number, posteriorOverStates: readonly number[], beta: number): number[] {
  const t = instanceTables(instance);
  checkType(t, typeIndex, 'quantalProbabilities');
  if (!(Number.isFinite(beta) && beta >= 0)) throw new RangeError(`quantalProbabilities: beta must be a finite number ≥ 0, got ${beta}`);
  const post = checkPosterior(t, posteriorOverStates, 'quantalProbabilities');
  const out = new Float64Array(t.A);
  quantalInto(t, typeIndex, post, 0, beta, out, 0);
  return Array.from(out);
}

/** The bit mask of a list of distinct provider indices. */
export function consultedMaskOf(consulted: readonly number[], k: number, fn = 'consulted'): number {
  if (!Array.isArray(consulted)) throw new RangeError(`${fn}: consulted must be an array of provider indices`);
  let mask = 0;
  for (const i of consulted) {
    if (!Number.isInteger(i) || i < 0 || i >= k) throw new RangeError(`${fn}: consulted provider ${String(i)} must be an index in [0, ${k - 1}]`);
    if (mask & (1 << i)) throw new RangeError(`${fn}: consulted provider ${i} is listed twice`);
    mask |= 1 << i;
  }
  return mask;
}

function checkType(t: InstanceTables, typeIndex: number, fn: string): void {
  if (!Number.isInteger(typeIndex) || typeIndex < 0 || typeIndex >= t.types) throw new RangeError(`${fn}: typeIndex ${String(typeIndex)} must be a user type index in [0, ${t.types - 1}]`);
}

function checkPosterior(t: InstanceTables, p: readonly number[], fn: string): Float64Array {
  if (!Array.isArray(p) || p.length !== t.Y) throw new RangeError(`${fn}: the posterior must have one probability per state (${t.Y}), got ${describeLength(p)}`);
  let sum = 0;
  for (let y = 0; y < t.Y; y++) {
    if (typeof p[y] !== 'number' || !Number.isFinite(p[y]) || p[y] < 0) throw new RangeError(`${fn}: posterior[${y}] = ${String(p[y])} must be a finite number ≥ 0`);
    sum += p[y];
  }
  if (Math.abs(sum - 1) > 1e-9) throw new RangeError(`${fn}: the posterior sums to ${sum}, not 1`);
  return Float64Array.from(p);
}

function describeLength(x: unknown): string {
  return Array.isArray(x) ? `${x.length}` : typeof x;
}
