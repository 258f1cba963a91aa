import type { Rng } from '../../../envs/core/rng.js';
import type { Profile } from '../analysis/index.js';
import { PersuasionKernel } from '../kernel.js';
import { EMERGENT_ALIGNMENT_ID, PLURALISTIC_MARKET_ID, parsePersuasionOptions, type PersuasionId } from '../options.js';
import { policyFromLogits } from '../signal.js';
import type { Policy } from '../../../agents/policy/policy.js';

/**
 * The signalling profile a provider policy commits to in round t of an episode, for the exact
 * analysis tools (games/persuasion/analysis): each provider's observation is rebuilt as the env
 * shows it (own index and utility, prior, the user's type when personalised, progress t/T), the
 * policy's action is its mode (or one sample with `sample`), clipped to the logit bound, and each
 * state's row becomes softmax probabilities. Shape: policy[i][s][m], or policy[i][θ][s][m] when
 * personalised. With selection 'all' the user's response depends only on this commitment, so the
 * exact value of the profile is the round's expected payoff.
 */
export function policyProfile(policy: Policy, envId: PersuasionId, options: unknown, round: number, sample?: Rng): Profile {
  if (envId !== EMERGENT_ALIGNMENT_ID && envId !== PLURALISTIC_MARKET_ID) throw new RangeError(`policyProfile: ${String(envId)} is not a persuasion env`);
  const kernel = new PersuasionKernel(envId, parsePersuasionOptions(envId, options), 1);
  kernel.resetCopy(0, 0, undefined);
  const { k, Y, M, types } = kernel.tables;
  const o = kernel.options;
  if (!(Number.isInteger(round) && round >= 0 && round < o.rounds)) throw new RangeError(`policyProfile: round must be an integer in [0, ${o.rounds - 1}], got ${round}`);
  const off = kernel.spaces.providerObservation.offsets;
  const perType = o.personalized ? types : 1;
  const size = kernel.obsSize;
  const obs = new Float32Array(k * perType * size);
  for (let i = 0; i < k; i++) {
    for (let th = 0; th < perType; th++) {
      const row = (i * perType + th) * size;
      obs.set(kernel.observations[0].subarray(i * size, (i + 1) * size), row);
      for (let j = 0; j < types; j++) obs[row + off.userType + j] = o.personalized && j === th ? 1 : 0;
      obs[row + off.progress] = round / o.rounds;
    }
  }
  const n = k * perType;
  const raw = sample ? policy.act(obs, n, sample).actions : policy.mode(obs, n);
  const logits = new Float32Array(Y * M);
  const table = (row: number) => {
    policy.head.writeEnvAction(raw, row, logits, 0);
    return policyFromLogits(logits, Y, M);
  };
  return Array.from({ length: k }, (_, i) => (o.personalized ? Array.from({ length: types }, (_, th) => table(i * types + th)) : table(i))) as Profile;
}
