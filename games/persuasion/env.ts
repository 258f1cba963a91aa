import type { Info } from '../../envs/core/env.js';
import { KernelEnv } from '../../envs/core/kernel-env.js';
import type { PersuasionInstance } from './instance.js';
import { PersuasionKernel, ROUND_METRICS } from './kernel.js';
import { EMERGENT_ALIGNMENT_ID, type PersuasionId, type PersuasionOptions } from './options.js';
import type { PersuasionResetOptions } from './reset-options.js';
import type { ProviderAction, ProviderObservation } from './spaces.js';

export const EMERGENT_ALIGNMENT_DESCRIPTION = 'Competing misaligned AI providers commit to signals about a hidden state; one Bayesian user consults them and acts';
export const PLURALISTIC_MARKET_DESCRIPTION = 'Competing AI providers signal to users of several types, with anonymous or personalised policies';

/** Round-level metrics, in every agent's info as `round` after each step. */
export type PersuasionRoundMetrics = Record<(typeof ROUND_METRICS)[number], number>;

/**
 * A persuasion game as a single env. Agents "provider_0".."provider_{k−1}" act together in the
 * one phase of a round ("provider"): each commits to logits of π_i(m | s); the env plays the
 * state, the messages and the user's response in the same step and pays U_i(a, y).
 */
export class PersuasionEnv extends KernelEnv<ProviderObservation, ProviderAction, PersuasionResetOptions> {
  declare readonly kernel: PersuasionKernel;

  constructor(
    id: PersuasionId,
    readonly options: PersuasionOptions,
  ) {
    const kernel = new PersuasionKernel(id, options, 1);
    const description = id === EMERGENT_ALIGNMENT_ID ? EMERGENT_ALIGNMENT_DESCRIPTION : PLURALISTIC_MARKET_DESCRIPTION;
    super(kernel, { description, phases: ['provider'] }, (k) => persuasionRoundMetrics(k.metrics, 0));
  }

  /** The instance being played (frozen). */
  get instance(): PersuasionInstance {
    return this.kernel.instance;
  }

  /** The type θ of the next round's user (hidden from anonymous providers; for reference agents and tests). */
  get userType(): number {
    return this.kernel.userType[0];
  }
}

export function persuasionRoundMetrics(metrics: Float64Array, copy: number): Info & PersuasionRoundMetrics {
  const out = {} as Record<string, number>;
  ROUND_METRICS.forEach((name, i) => (out[name] = metrics[copy * ROUND_METRICS.length + i]));
  return out as Info & PersuasionRoundMetrics;
}
