import type { Info } from '../../envs/core/env.js';
import { KernelEnv } from '../../envs/core/kernel-env.js';
import { ConsensusGameKernel, ROUND_METRICS } from './kernel.js';
import type { ConsensusGameOptions } from './options.js';
import type { DiscriminatorAction, DiscriminatorObservation, GeneratorAction, GeneratorObservation } from './spaces.js';

export const CONSENSUS_GAME_DESCRIPTION = 'A generator and a discriminator agree on the answer to a question, each paying λ·KL for straying from its initial policy (the Consensus Game)';

/** Round-level metrics, in every agent's info as `round` after the discriminator phase. */
export type ConsensusRoundMetrics = Record<(typeof ROUND_METRICS)[number], number>;

/**
 * The consensus game as a single env. "generator_0" acts in the generator phase (K logits of
 * π_G(y | x, v)), then "discriminator_0" in the discriminator phase (the logit of
 * π_D(correct | x, y)); both rewards arrive at the end of the discriminator phase.
 */
export class ConsensusGameEnv extends KernelEnv<GeneratorObservation | DiscriminatorObservation, GeneratorAction | DiscriminatorAction, Record<string, never>> {
  declare readonly kernel: ConsensusGameKernel;

  constructor(readonly options: ConsensusGameOptions) {
    super(new ConsensusGameKernel(options, 1), { description: CONSENSUS_GAME_DESCRIPTION, phases: ['generator', 'discriminator'] }, (k) => consensusRoundMetrics(k.metrics, 0));
  }
}

export function consensusRoundMetrics(metrics: Float64Array, copy: number): Info & ConsensusRoundMetrics {
  const out = {} as Record<string, number>;
  ROUND_METRICS.forEach((name, i) => (out[name] = metrics[copy * ROUND_METRICS.length + i]));
  return out as Info & ConsensusRoundMetrics;
}
