import type { EnvSpec } from '../../envs/core/registry.js';
import { ConsensusGameEnv, CONSENSUS_GAME_DESCRIPTION } from './env.js';
import { CANDIDATE_EXAMPLES } from './examples.js';
import { ConsensusGameKernel } from './kernel.js';
import { CONSENSUS_GAME_ID, consensusGameSchema, parseConsensusGameOptions, type ConsensusGameOptions } from './options.js';

export const consensusGameSpec: EnvSpec<ConsensusGameOptions> = {
  id: CONSENSUS_GAME_ID,
  description: CONSENSUS_GAME_DESCRIPTION,
  optionSchema: consensusGameSchema,
  parseOptions: parseConsensusGameOptions,
  createKernel: (options, batch) => new ConsensusGameKernel(options, batch),
  createEnv: (options) => new ConsensusGameEnv(options),
  // example: the default candidates (examples/arithmetic.json); geography: examples/geography.json.
  presets: Object.freeze({ example: Object.freeze({}), geography: Object.freeze({ candidates: CANDIDATE_EXAMPLES.geography }) }),
  resetOptions: [],
};

export { ConsensusGameEnv, consensusRoundMetrics, CONSENSUS_GAME_DESCRIPTION, type ConsensusRoundMetrics } from './env.js';
export { ConsensusGameKernel, GENERATOR, DISCRIMINATOR, GENERATOR_PHASE, DISCRIMINATOR_PHASE, AGENT_INFO as CONSENSUS_AGENT_INFO, ROUND_METRICS as CONSENSUS_ROUND_METRICS } from './kernel.js';
export { CONSENSUS_GAME_ID, consensusGameSchema, parseConsensusGameOptions, erParamsOf, type ConsensusGameOptions } from './options.js';
export { consensusGameSpaces, type GeneratorObservation, type DiscriminatorObservation, type GeneratorAction, type DiscriminatorAction } from './spaces.js';
export {
  CORRECT, INCORRECT, CANDIDATE_LIMITS, explainCandidates, parseCandidates,
  type CandidatesJSON, type QuestionJSON, type ConsensusCandidates, type ConsensusQuestion,
} from './candidates.js';
export { CANDIDATE_EXAMPLES } from './examples.js';
export {
  equilibriumRanking, equilibriumRankingAll, resolveERParams, rankDescending, ER_DEFAULTS,
  type EquilibriumRankingParams, type EquilibriumRankingSolution,
} from './equilibrium-ranking.js';
export { consensusInstance, type ConsensusInstance } from './instance.js';
export { expectedRewards, type ExpectedRewards } from './expected-rewards.js';
export { consensusAnalysis, formatConsensusAnalysis, type ConsensusAnalysis, type ConsensusAnalysisParams, type QuestionAnalysis } from './analysis.js';
