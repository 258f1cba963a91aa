import { policyProfile } from '../baselines/policy-profile.js';
import type { Policy } from '../../../agents/policy/policy.js';
import { Rng } from '../../../envs/core/rng.js';
import { evaluateProfile, nashConv, type Profile } from '../analysis/index.js';
import { parsePersuasionOptions, resolveInstance, type PersuasionId } from '../options.js';
import { summarise, type Stat } from '../../../training/stats.js';

/** Exact figures of one profile: the user's value, gap and accuracy per type (and weighted), each provider's value. */
export interface ProfileFigures {
  userValue: number;
  gap: number;
  accuracy: number;
  types: { type: string; value: number; gap: number; accuracy: number }[];
  providers: number[];
}

export interface PersuasionMeasure {
  /** The mode policy's profile of every round, exactly; the per-round figures averaged over the episode. */
  mode: ProfileFigures & { nashConvMean: number; nashConvMax: number; profileRound0: Profile };
  /** Sampled commitments (samples per round), each evaluated exactly: mean ± 95% CI over rounds × samples. */
  sampled: { userValue: Stat; gap: Stat; accuracy: Stat; providers: Stat[]; typeGaps: Stat[] };
}

/** The exact value of a signalling profile under the env's options (selection 'all'). */
export function figures(envId: PersuasionId, options: unknown, profile: Profile): ProfileFigures {
  const o = parsePersuasionOptions(envId, options);
  const instance = resolveInstance(o);
  const v = evaluateProfile(instance, profile, o);
  const w = instance.userTypes.map((t) => t.weight);
  const wsum = w.reduce((a, b) => a + b, 0);
  const mix = (f: (u: (typeof v.users)[number]) => number) => v.users.reduce((s, u, i) => s + (w[i] / wsum) * f(u), 0);
  return {
    userValue: mix((u) => u.value),
    gap: mix((u) => u.gap),
    accuracy: mix((u) => u.accuracy),
    types: v.users.map((u) => ({ type: u.type, value: u.value, gap: u.gap, accuracy: u.accuracy })),
    providers: v.providers,
  };
}

/**
 * A trained provider policy in a persuasion env, measured exactly (no sampled episodes): the
 * profile it commits to in each round (mode, and `samples` draws per round) through the exact
 * analysis tools, and NashConv of each round's mode profile.
 */
export async function measurePersuasion(policy: Policy, envId: PersuasionId, options: unknown, samples = 16, seed = 0): Promise<PersuasionMeasure> {
  const o = parsePersuasionOptions(envId, options);
  const instance = resolveInstance(o);
  const T = o.rounds;
  const perRound: ProfileFigures[] = [];
  const ncs: number[] = [];
  for (let t = 0; t < T; t++) {
    const profile = policyProfile(policy, envId, options, t);
    perRound.push(figures(envId, options, profile));
    ncs.push((await nashConv(instance, profile, o)).nashConv);
  }
  const avg = (f: (x: ProfileFigures) => number) => perRound.reduce((s, x) => s + f(x), 0) / T;
  const rng = new Rng(seed, 17);
  const draws: ProfileFigures[] = [];
  for (let t = 0; t < T; t++) for (let s = 0; s < samples; s++) draws.push(figures(envId, options, policyProfile(policy, envId, options, t, rng)));
  const k = instance.providers.length;
  return {
    mode: {
      userValue: avg((x) => x.userValue),
      gap: avg((x) => x.gap),
      accuracy: avg((x) => x.accuracy),
      types: perRound[0].types.map((ty, i) => ({ type: ty.type, value: avg((x) => x.types[i].value), gap: avg((x) => x.types[i].gap), accuracy: avg((x) => x.types[i].accuracy) })),
      providers: Array.from({ length: k }, (_, i) => avg((x) => x.providers[i])),
      nashConvMean: ncs.reduce((a, b) => a + b, 0) / T,
      nashConvMax: Math.max(...ncs),
      profileRound0: policyProfile(policy, envId, options, 0),
    },
    sampled: {
      userValue: summarise(draws.map((d) => d.userValue)),
      gap: summarise(draws.map((d) => d.gap)),
      accuracy: summarise(draws.map((d) => d.accuracy)),
      providers: Array.from({ length: k }, (_, i) => summarise(draws.map((d) => d.providers[i]))),
      typeGaps: instance.userTypes.map((_, i) => summarise(draws.map((d) => d.types[i].gap))),
    },
  };
}
