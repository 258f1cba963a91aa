import type { PersuasionInstance } from '../instance.js';
import type { PersonalizedPolicy, SignalPolicy } from '../signal.js';
import { instanceTables } from '../tables.js';
import { mipBestResponse } from './best-response-mip.js';
import { concavifiedBestResponse } from './concavification.js';
import { deviationProblem } from './deviation.js';
import { evaluateProfile } from './evaluate.js';
import { policiesByType, resolveOptions, type AnalysisOptions, type Profile } from './profile.js';

/**
 * Provider i's exact best signalling policy against the others' policies, for Bayes users.
 *
 * The user's posterior after i's message is linear in i's policy column for that message (see
 * deviation.ts), so i's value is piecewise linear over polyhedral cones, one per assignment of
 * user actions to the others' message profiles. Two exact solvers:
 * - 'concavification' (concavification.ts): the cones' extreme rays are the vertices of the
 *   users' indifference hyperplanes; one LP over how much of the prior each vertex takes.
 *   Needs at most |Mₛ| vertices in the optimum (always so when |Mₛ| ≥ |Y|).
 * - 'mip' (best-response-mip.ts): a mixed-integer program with a binary per message, group
 *   and action: exact for any number of messages.
 * 'auto' (the default) tries the first and falls back to the second.
 *
 * Ties: where the user is indifferent the solvers pick i's preferred action, so `value` is i's
 * best-response value with ties broken in i's favour (the sender-preferred convention of
 * Kamenica–Gentzkow). It is the supremum of i's value under any tie rule whenever the optimum
 * can be approached by strict preferences (generic instances), and always an upper bound on
 * it; with one provider it is the env's 'providers' rule exactly. The optimal policy usually
 * leaves the user exactly indifferent, so `policy` attains `value` with ties in i's favour.
 *
 * Personalised: i's policy per type separately (one problem per type); anonymous: one policy
 * for all types.
 */
export interface BestResponse {
  readonly provider: number;
  /** i's best-response value (ties in i's favour), averaged over user types with ρ(θ). */
  readonly value: number;
  /** i's value under the given profile (the user's own tie rule). */
  readonly current: number;
  /** value − current, ≥ 0 (round-off of order 1e-9 clamped to 0). */
  readonly gain: number;
  /** A policy attaining `value`: [s][m] when anonymous, [θ][s][m] when personalised. */
  readonly policy: SignalPolicy | PersonalizedPolicy;
}

export type BestResponseMethod = 'auto' | 'concavification' | 'mip';
export const BEST_RESPONSE_METHODS: readonly BestResponseMethod[] = ['auto', 'concavification', 'mip'];

export async function bestResponse(
  instance: PersuasionInstance,
  profile: Profile,
  providerIndex: number,
  options?: AnalysisOptions & { method?: BestResponseMethod },
): Promise<BestResponse> {
  const o = resolveOptions(options, 'bestResponse');
  const method = options?.method ?? 'auto';
  if (!BEST_RESPONSE_METHODS.includes(method)) throw new RangeError(`bestResponse: method must be one of ${BEST_RESPONSE_METHODS.join(', ')}, got ${String(method)}`);
  const t = instanceTables(instance);
  if (!Number.isInteger(providerIndex) || providerIndex < 0 || providerIndex >= t.k) throw new RangeError(`bestResponse: providerIndex ${String(providerIndex)} must be a provider index in [0, ${t.k - 1}]`);
  if (o.response !== 'bayes') {
    throw new RangeError('bestResponse: exact best responses are computed for Bayes users (response "bayes"); with quantal users use evaluateProfile, whose user loses at most ln|A|/β against the Bayes action');
  }
  const byType = policiesByType(instance, profile, o.personalized, 'bestResponse');
  const types = Array.from({ length: t.types }, (_, th) => th);
  const blocks = o.personalized ? types.map((th) => [th]) : [types];
  let value = 0;
  const tables: number[][][] = [];
  for (const block of blocks) {
    const problem = deviationProblem(t, byType, providerIndex, block, o.signalNoise);
    const vertexSolution = method === 'mip' ? null : await concavifiedBestResponse(problem);
    if (vertexSolution === null && method === 'concavification') {
      throw new RangeError(`bestResponse: the concavification needs more than ${t.M} messages or too many vertices here; use method "mip" or "auto"`);
    }
    const best = vertexSolution ?? (await mipBestResponse(problem));
    value += best.value;
    tables.push(best.policy);
  }
  const current = evaluateProfile(instance, profile, o).providers[providerIndex];
  const gain = value - current < 0 && value - current > -1e-7 ? 0 : value - current;
  return { provider: providerIndex, value, current, gain, policy: o.personalized ? tables : tables[0] };
}

