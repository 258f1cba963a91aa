import { CONSENSUS_GAME_BASELINES, CONSENSUS_GAME_REFERENCE } from './baselines/catalogue.js';
import type { PolicySpec } from '../../agents/policy/policy.js';
import { headFor } from '../../agents/policy/specs.js';
import type { ConsensusGameSpaces } from './spaces.js';
import { consensusGameWords } from './words.js';
import { rewardMetric, roundsOption, type TrainingProfile } from '../../training/profiles/profile.js';

/**
 * Generator and discriminator, each a residual Gaussian around its initial policy (as piKL
 * regularises toward it): the generator's mean logits are log π_G¹(· | x, v) plus a learned
 * correction, the discriminator's mean logit is the log-odds of π_D¹(correct | x, y) plus one.
 * Untrained, they play their initial policies (up to the exploration noise).
 */
export const consensusGameProfile: TrainingProfile = {
  envId: 'consensus-game-v0',
  rounds: roundsOption,
  policySpecs(roles, c) {
    const [generator, discriminator] = roles;
    const g = generator.observationSpace as ConsensusGameSpaces['generatorObservation'];
    const d = discriminator.observationSpace as ConsensusGameSpaces['discriminatorObservation'];
    const K = g.entries.prior.flatSize;
    const residual = (name: string, obsSize: number, offset: number, dim: number, role: typeof generator): PolicySpec => ({
      name,
      network: { arch: 'residual-goal', obsSize, hidden: [c.hidden, c.hidden], groundedOffset: offset, dim, creations: 1, logStdInit: c.logStdInit },
      head: headFor(role).toJSON(),
    });
    return [
      residual('generator', g.flatSize, g.offsets.prior, K, generator),
      residual('discriminator', d.flatSize, d.offsets.chosenDiscriminatorLogOdds, 1, discriminator),
    ];
  },
  baselines: CONSENSUS_GAME_BASELINES,
  reference: CONSENSUS_GAME_REFERENCE,
  entropyCoef: { generator: 0, discriminator: 0 },
  best: { metric: rewardMetric('generator'), higherIsBetter: true },
  population: true,
  // The recipe of the results table's row 11 (recipes/11-consensus.json). γ = 0: every round
  // draws a fresh question and verdict and nothing carries over, so a round's return is its reward.
  trainDefaults: { numEnvs: 32, minibatchSize: 256, hidden: 64, logStdInit: -1, learningRate: 0.003, gamma: 0, steps: 153_600 },
  ...consensusGameWords,
};
