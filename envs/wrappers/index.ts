export type { SingleEnv, SingleResetResult, SingleStepResult } from './single-env.js';
export { SingleAgentEnv, OTHER_AGENT_STREAM, type OtherPolicies, type SingleAgentEnvOptions } from './single-agent.js';
export { RecordEpisodeStatistics, type EpisodeStatistics, type RecordEpisodeStatisticsOptions } from './episode-stats.js';
