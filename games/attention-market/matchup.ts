/** Goals against users in the attention market, with the market's figures named (evaluatePlay underneath). */
import { evaluatePlay, type MatchupOptions } from '../../training/evaluate.js';
import type { RoleActor } from '../../training/self-play/actors.js';
import type { Stat } from '../../training/stats.js';

/** The attention market's role indices. */
const GOAL = 0;
const USER = 1;

/** One cell of the attention market's cross-play table. */
export interface MatchupResult {
  goals: string;
  users: string;
  /** Mean user regret per round. */
  regret: Stat;
  normalizedRegret: Stat;
  /** Goal utility per goal per round: visibility net of generation cost (the goals' reward). */
  goalUtility: Stat;
  /** Users' welfare per round: Σ true relevance of all selections. */
  welfare: Stat;
  /** Mean user reward per round (−regret), the users' payoff. */
  userReward: Stat;
  /** Utility per round of each Goal Buddy (by agent index), for deviation measurements. */
  goalUtilityByAgent: Stat[];
}

/** Goals vs users in attention-market-v0 (evaluatePlay with the market's figures named). */
export function evaluateMatchup(goals: RoleActor, users: RoleActor, o: MatchupOptions): MatchupResult {
  const actors: RoleActor[] = [];
  actors[GOAL] = goals;
  actors[USER] = users;
  const r = evaluatePlay(actors, o);
  return {
    goals: goals.name,
    users: users.name,
    regret: r.metrics.meanRegret,
    normalizedRegret: r.metrics.meanNormalizedRegret,
    goalUtility: r.reward.goal,
    welfare: r.metrics.welfare,
    userReward: r.reward.user,
    goalUtilityByAgent: r.rewardByAgent.goal,
  };
}
