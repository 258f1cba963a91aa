import type { PersuasionInstance } from '../instance.js';
import { RESPONSES, SELECTIONS, type ResponseRule, type SelectionRule } from '../options.js';
import { TIE_RULES, type TieRule } from '../response.js';
import { explainPolicy, likelihoodInto, type PersonalizedPolicy, type SignalPolicy } from '../signal.js';
import { instanceTables } from '../tables.js';

/**
 * A profile of signalling policies, one per provider (shapes of signal.ts): policy[i][s][m]
 * when anonymous, policy[i][θ][s][m] when personalised.
 */
export type Profile = readonly SignalPolicy[] | readonly PersonalizedPolicy[];

/**
 * The env options the exact tools read (a parsed PersuasionOptions fits). Only selection
 * 'all' is covered: 'best-after-evaluation' makes the consulted set depend on the history
 * (the user drops providers after E evaluation rounds), which no one-shot analysis captures.
 */
export interface AnalysisOptions {
  /** Default false. */
  readonly personalized?: boolean;
  /** Default 'bayes'. */
  readonly response?: ResponseRule;
  /** β of the quantal response; default 10. */
  readonly beta?: number;
  /** Default 'providers'. */
  readonly ties?: TieRule;
  /** ε ∈ [0, 1); default 0. */
  readonly signalNoise?: number;
  /** Only 'all' (the default). */
  readonly selection?: SelectionRule;
}

export interface ResolvedOptions {
  readonly personalized: boolean;
  readonly response: ResponseRule;
  readonly beta: number;
  readonly ties: TieRule;
  readonly signalNoise: number;
}

/** Fills in the defaults and rejects what the exact tools cannot handle, naming the option. */
export function resolveOptions(options: AnalysisOptions | undefined, fn: string): ResolvedOptions {
  const o = options ?? {};
  const personalized = o.personalized ?? false;
  const response = o.response ?? 'bayes';
  const beta = o.beta ?? 10;
  const ties = o.ties ?? 'providers';
  const signalNoise = o.signalNoise ?? 0;
  const selection = o.selection ?? 'all';
  if (typeof personalized !== 'boolean') throw new RangeError(`${fn}: personalized must be true or false, got ${String(personalized)}`);
  if (!RESPONSES.includes(response)) throw new RangeError(`${fn}: response must be one of ${RESPONSES.join(', ')}, got ${String(response)}`);
  if (!(Number.isFinite(beta) && beta >= 0)) throw new RangeError(`${fn}: beta must be a finite number ≥ 0, got ${String(beta)}`);
  if (!TIE_RULES.includes(ties)) throw new RangeError(`${fn}: ties must be one of ${TIE_RULES.join(', ')}, got ${String(ties)}`);
  if (!(signalNoise >= 0 && signalNoise < 1)) throw new RangeError(`${fn}: signalNoise must be a number in [0, 1), got ${String(signalNoise)}`);
  if (!SELECTIONS.includes(selection)) throw new RangeError(`${fn}: selection must be one of ${SELECTIONS.join(', ')}, got ${String(selection)}`);
  if (selection !== 'all') {
    throw new RangeError(
      `${fn}: selection "${selection}" is not covered by the exact tools: the user's choice of provider after the evaluation rounds depends on the play history; they analyse selection "all" (every provider consulted)`,
    );
  }
  return { personalized, response, beta, ties, signalNoise };
}

/** Checks the profile's shape against the instance; returns each provider's policy per user type, [i][θ]. */
export function policiesByType(instance: PersuasionInstance, profile: Profile, personalized: boolean, fn: string): SignalPolicy[][] {
  const { Y, M, k, types } = instanceTables(instance);
  if (!Array.isArray(profile) || profile.length !== k) throw new RangeError(`${fn}: the profile must have one policy per provider (${k}), got ${Array.isArray(profile) ? profile.length : typeof profile}`);
  return profile.map((p, i) => {
    if (!personalized) {
      const why = explainPolicy(p, Y, M, `profile[${i}]`);
      if (why !== null) throw new RangeError(`${fn}: ${why} (an anonymous policy is a [state][message] table)`);
      return Array.from({ length: types }, () => p as SignalPolicy);
    }
    if (!Array.isArray(p) || p.length !== types) throw new RangeError(`${fn}: profile[${i}] must have one policy per user type (${types}) when personalized`);
    return (p as PersonalizedPolicy).map((q, th) => {
      const why = explainPolicy(q, Y, M, `profile[${i}][${th}]`);
      if (why !== null) throw new RangeError(`${fn}: ${why}`);
      return q;
    });
  });
}

/** P(m | y) of one policy under signal noise ε, flat [y·M + m]. */
export function likelihoodOf(policy: SignalPolicy, M: number, signalNoise: number): Float64Array {
  const Y = policy.length;
  const flat = Float64Array.from(policy.flat());
  const out = new Float64Array(Y * M);
  likelihoodInto(flat, 0, Y, M, signalNoise, out, 0);
  return out;
}

/**
 * The truthful policy: message s in state s, so it reveals y whenever |Mₛ| ≥ |Y|; with fewer
 * messages, consecutive states share a message (m = ⌊s·|Mₛ|/|Y|⌋).
 */
export function truthfulPolicy(instance: PersuasionInstance): number[][] {
  const Y = instance.states.length;
  const M = instance.messages.length;
  return Array.from({ length: Y }, (_, s) => {
    const m = M >= Y ? s : Math.floor((s * M) / Y);
    return Array.from({ length: M }, (_, j) => (j === m ? 1 : 0));
  });
}

/** The babbling policy: always the first message, whatever the state (uninformative). */
export function babblingPolicy(instance: PersuasionInstance): number[][] {
  return instance.states.map(() => instance.messages.map((_, m) => (m === 0 ? 1 : 0)));
}

/** Every provider playing `policy` (copied per type when personalised). */
export function uniformProfile(instance: PersuasionInstance, policy: (instance: PersuasionInstance) => number[][], personalized: boolean): Profile {
  return personalized ? instance.providers.map(() => instance.userTypes.map(() => policy(instance))) : instance.providers.map(() => policy(instance));
}

export const truthfulProfile = (instance: PersuasionInstance, personalized = false) => uniformProfile(instance, truthfulPolicy, personalized);
export const babblingProfile = (instance: PersuasionInstance, personalized = false) => uniformProfile(instance, babblingPolicy, personalized);
