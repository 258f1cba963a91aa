import { PERSUASION_BASELINES, PERSUASION_REFERENCE } from './baselines/catalogue.js';
import { DEFAULT_SIZES, genericPolicySpec } from '../../agents/policy/specs.js';
import { persuasionWords } from './words.js';
import { roundsOption, type TrainingProfile } from '../../training/profiles/profile.js';

/**
 * The providers of the persuasion games: one policy shared by every provider, which sees its
 * own index and utility table, so that opposed providers can learn opposed signals.
 */
const persuasionProfile = (envId: string): TrainingProfile => ({
  envId,
  rounds: roundsOption,
  policySpecs: (roles, c) => roles.map((r) => genericPolicySpec(r, { ...DEFAULT_SIZES, hidden: [c.hidden, c.hidden], logStdInit: c.logStdInit })),
  baselines: PERSUASION_BASELINES,
  reference: PERSUASION_REFERENCE,
  entropyCoef: { provider: 0 },
  best: { metric: 'gap', higherIsBetter: false },
  population: false,
  // The recipe of the results table's rows 5–8 (recipes/5-kg-single.json … 8-three-sellers.json):
  // 16 copies × 32 rounds an iteration, 5,000 iterations, the learning rate annealed to 0 (so the
  // mode settles inside the Kamenica–Gentzkow band instead of wandering); exploration starts wide
  // (σ = 1 on every logit: a provider must find the informative region before the user follows it).
  trainDefaults: { numEnvs: 16, minibatchSize: 256, hidden: 32, logStdInit: 0, learningRate: 0.003, annealLr: true, steps: 2_560_000 },
  ...persuasionWords,
});

export const emergentAlignmentProfile = persuasionProfile('emergent-alignment-v0');
export const pluralisticMarketProfile = persuasionProfile('pluralistic-market-v0');
