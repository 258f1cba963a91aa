/** What one episode played in every copy reports, whichever rollout played it (host or device). */
export interface EpisodeStats {
  /** Round metrics averaged over rounds and copies (meanRegret, welfare, ...). */
  metrics: Record<string, number>;
  /** Mean reward per agent per round, per role (index = role). */
  meanReward: number[];
  /** Mean reward per round of each agent (averaged over copies), per role: [role][agent]. */
  agentReward: number[][];
  rounds: number;
  /** Per copy (one hidden world each): the round metrics averaged over rounds, [B × metrics] in `vec.metricNames` order (host rollouts). */
  copyMetrics?: Float64Array;
  /** Per role, per copy and agent: mean reward per round, [B × count]. */
  copyAgentReward?: Float64Array[];
}
