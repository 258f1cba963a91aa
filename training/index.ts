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
