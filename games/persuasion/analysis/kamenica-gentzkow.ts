import type { PersuasionInstance } from '../instance.js';
import { instanceTables, TIE, type InstanceTables } from '../tables.js';

/**
 * The Kamenica–Gentzkow optimum of one provider alone, for binary states: its value as a
 * function of the posterior p = P(y = states[1]) is v(p) = Σ_θ ρ(θ)·E_p[U_i(a_θ(p), y)], with
 * a_θ(p) the user's Bayes action, ties broken in the provider's favour (sender-preferred). The
 * best signal splits the prior μ into posteriors whose average is μ, and the best value is
 * the concave envelope of v at μ. v is linear between the posteriors where some type is
 * indifferent between two actions, so the envelope is attained by two of those breakpoints
 * (or 0 and 1), one on each side of μ: we try every such pair. Two messages suffice (the
 * instance has at least two). Signal noise and the other providers are ignored: this is the
 * single-sender benchmark. `personalized` (default false, like the envs): one signal per user
 * type instead of one signal that every type reads.
 */
export interface KamenicaGentzkow {
  readonly provider: number;
  /** One signal per user type (personalised), or one for all types (anonymous). */
  readonly signals: KgSignal[];
  /** The provider's optimal value, averaged over user types with ρ(θ). */
  readonly value: number;
  readonly users: KgUser[];
}

export interface KgSignal {
  /** Indices of the user types this signal serves. */
  readonly types: number[];
  /** The messages it uses (one or two), with their posteriors. */
  readonly messages: KgMessage[];
}

export interface KgMessage {
  /** P(message) = Σ_y μ(y)·P(message | y). */
  readonly probability: number;
  /** P(y = states[1] | message). */
  readonly posterior: number;
  /** P(message | y), per state. */
  readonly likelihood: [number, number];
  /** The action each type of the signal takes after it, in `types` order. */
  readonly actions: number[];
}

export interface KgUser {
  readonly type: string;
  /** E[u_θ(a, y)] under the optimal signal. */
  readonly value: number;
  /** V*_θ − value. */
  readonly gap: number;
  /** P(the action is optimal for θ in the realised state). */
  readonly accuracy: number;
  /** recommendation[y][a]: P(type θ is led to action a | y), the signal as action recommendations. */
  readonly recommendation: number[][];
}

export function kamenicaGentzkow(instance: PersuasionInstance, providerIndex: number, options: { personalized?: boolean } = {}): KamenicaGentzkow {
  const t = instanceTables(instance);
  if (t.Y !== 2) throw new RangeError(`kamenicaGentzkow: the concavification here is for binary states; instance "${instance.name}" has ${t.Y} states`);
  if (!Number.isInteger(providerIndex) || providerIndex < 0 || providerIndex >= t.k) throw new RangeError(`kamenicaGentzkow: providerIndex ${String(providerIndex)} must be a provider index in [0, ${t.k - 1}]`);
  const personalized = options.personalized ?? false;
  if (typeof personalized !== 'boolean') throw new RangeError(`kamenicaGentzkow: personalized must be true or false, got ${String(personalized)}`);
  const all = Array.from({ length: t.types }, (_, th) => th);
  const blocks = personalized ? all.map((th) => [th]) : [all];
  const signals = blocks.map((types) => optimalSignal(t, providerIndex, types));

  const recommendation = all.map(() => [new Array<number>(t.A).fill(0), new Array<number>(t.A).fill(0)]);
  const users = new Array<{ value: number; accuracy: number }>(t.types);
  let value = 0;
  for (const signal of signals) {
    signal.types.forEach((th, n) => {
      let v = 0;
      let accuracy = 0;
      for (const msg of signal.messages) {
        const a = msg.actions[n];
        for (let y = 0; y < 2; y++) {
          const w = t.prior[y] * msg.likelihood[y];
          const u = t.userUtility[(th * t.A + a) * 2 + y];
          recommendation[th][y][a] += msg.likelihood[y];
          v += w * u;
          if (u >= t.bestUtility[th * 2 + y] - TIE) accuracy += w;
          value += t.typeWeight[th] * w * t.providerUtility[(providerIndex * t.A + a) * 2 + y];
        }
      }
      users[th] = { value: v, accuracy };
    });
  }
  return {
    provider: providerIndex,
    signals,
    value,
    users: users.map((u, th) => ({ type: instance.userTypes[th].name, value: u.value, gap: t.alignedUtility[th] - u.value, accuracy: u.accuracy, recommendation: recommendation[th] })),
  };
}

/** The user's actions at posterior p (sender-preferred ties) and the provider's value there. */
function atPosterior(t: InstanceTables, i: number, types: readonly number[], p: number): { value: number; actions: number[] } {
  const { A } = t;
  const expect = (table: Float64Array, row: number) => (1 - p) * table[row * 2] + p * table[row * 2 + 1];
  let value = 0;
  const actions = types.map((th) => {
    let best = -Infinity;
    for (let a = 0; a < A; a++) best = Math.max(best, expect(t.userUtility, th * A + a));
    let chosen = -1;
    let chosenU = -Infinity;
    for (let a = 0; a < A; a++) {
      if (expect(t.userUtility, th * A + a) < best - TIE) continue;
      const u = expect(t.providerUtility, i * A + a);
      if (u > chosenU) {
        chosen = a;
        chosenU = u;
      }
    }
    value += t.typeWeight[th] * chosenU;
    return chosen;
  });
  return { value, actions };
}

function optimalSignal(t: InstanceTables, i: number, types: number[]): KgSignal {
  const mu = t.prior[1];
  if (mu === 0 || mu === 1) return { types, messages: [{ probability: 1, posterior: mu, likelihood: [1, 1], actions: atPosterior(t, i, types, mu).actions }] };
  // Breakpoints: 0, 1 and every posterior where a type is indifferent between two actions; μ
  // itself first, so that when information does not help the signal stays uninformative.
  const points = [mu, 0, 1];
  for (const th of types) {
    for (let a = 0; a < t.A; a++) {
      for (let b = a + 1; b < t.A; b++) {
        const d0 = t.userUtility[(th * t.A + a) * 2] - t.userUtility[(th * t.A + b) * 2];
        const d1 = t.userUtility[(th * t.A + a) * 2 + 1] - t.userUtility[(th * t.A + b) * 2 + 1];
        // (1 − p)·d0 + p·d1 = 0
        if (d0 !== d1) {
          const p = d0 / (d0 - d1);
          if (p > 0 && p < 1) points.push(p);
        }
      }
    }
  }
  const values = points.map((p) => atPosterior(t, i, types, p).value);
  let best = { value: -Infinity, low: 0, high: 1 };
  points.forEach((lo, l) =>
    points.forEach((hi, h) => {
      if (!(lo <= mu && mu <= hi)) return;
      // λ on the low posterior: λ·lo + (1 − λ)·hi = μ.
      const lambda = hi === lo ? 1 : (hi - mu) / (hi - lo);
      const v = lambda * values[l] + (1 - lambda) * values[h];
      if (v > best.value + TIE) best = { value: v, low: lo, high: hi };
    }),
  );
  const { low, high } = best;
  const split = high === low ? [[low, 1]] : [[low, (high - mu) / (high - low)], [high, (mu - low) / (high - low)]];
  const messages = split
    .filter(([, prob]) => prob > 0)
    .map(([p, prob]) => ({
      probability: prob,
      posterior: p,
      // Bayes: P(m | y) = P(m)·P(y | m)/μ(y).
      likelihood: [Math.min(1, (prob * (1 - p)) / (1 - mu)), Math.min(1, (prob * p) / mu)] as [number, number],
      actions: atPosterior(t, i, types, p).actions,
    }));
  return { types, messages };
}
