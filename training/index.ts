/** Running episodes and summarising them; the CLI is in ./cli. */
export { playEpisodes, resolveAgents, roleOf, AGENT_STREAM, type AgentsSpec, type AgentSource, type PlayOptions, type PlayResult, type EpisodeSummary } from './play.js';
export { summarise, studentTQuantile, studentTCdf, type Stat } from './stats.js';
export {
  marketReport,
  marketEpisode,
  type MarketReport,
  type MarketEpisode,
  type MarketGroups,
  type GoalGroupReport,
  type UserGroupReport,
} from './market-report.js';
export * from './metrics/index.js';
export * from './population/index.js';
export { trainRun, restoreTrainer, saveTrainer, checkpointContents, type TrainRunOptions, type TrainRunResult } from './run.js';
export { exaggerationSamples, type ExaggerationOptions, type ExaggerationSamples } from './exaggeration.js';
export { evaluateMatchup, evaluatePlay, type MatchupOptions, type MatchupResult, type PlayOutcome } from './evaluate.js';
export { exploitabilityLowerBound, type ExploitabilityEstimate, type ExploitabilityOptions, type SideExploitability } from './exploitability.js';
export { SelfPlayTrainer, type Side, type TrainerState, type IterationResult } from './self-play/trainer.js';
export { parseTrainConfig, trainSchema, entropyCoefs, type TrainConfig } from './self-play/config.js';
export { PolicyActor, AgentActor, DeviatorActor, type RoleActor } from './self-play/actors.js';
export { playEpisode, type EpisodeStats } from './self-play/rollout.js';
export { Trajectory } from './self-play/trajectory.js';
export { PpoLearner, PPO_DEFAULTS, type PpoConfig } from './learners/ppo.js';
export { ReinforceLearner, REINFORCE_DEFAULTS, type ReinforceConfig } from './learners/reinforce.js';
export { gae } from './learners/gae.js';
export { ReturnScaler, type ReturnScalerState } from './learners/return-scaler.js';
export type { Batch, TensorBatch, UpdateStats } from './learners/batch.js';
export { DeviceSelfPlay, type DeviceSelfPlayOptions, type DeviceEpisode, type DeviceEpisodeOptions } from './device/index.js';
export { profileFor, registerProfile, genericProfile, rewardMetric, type TrainingProfile } from './profiles/index.js';
