import { Rng } from '../envs/core/rng.js';
import { makeVec } from '../envs/registry.js';
import type { RoleActor } from './self-play/actors.js';
import { playEpisode } from './self-play/rollout.js';
import { summarise, type Stat } from './stats.js';

/** The attention market's role indices. */
const GOAL = 0;
const USER = 1;

export interface MatchupOptions {
  envId: string;
  envOptions?: unknown;
  /** Independent episodes; each plays `numEnvs` copies, whose mean is one sample. */
  episodes: number;
  numEnvs: number;
  rounds: number;
  seed: number;
}

/** One cell of a cross-play table: means over episodes with 95% confidence half-widths. */
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

/**
 * Plays `episodes` seeded episodes of goals vs users in a vector env (episode e is seeded
 * seed + e·numEnvs, so every matchup with the same options meets the same hidden worlds)
 * and summarises them. Actors sample with their own Rng stream (seed, stream 7).
 */
export function evaluateMatchup(goals: RoleActor, users: RoleActor, o: MatchupOptions): MatchupResult {
  const vec = makeVec(o.envId, { numEnvs: o.numEnvs, options: o.envOptions, autoreset: 'disabled' });
  const rng = new Rng(o.seed, 7);
  const byAgent: number[][] = [];
  const cols = { regret: [] as number[], normalizedRegret: [] as number[], goalUtility: [] as number[], welfare: [] as number[], userReward: [] as number[] };
  for (let e = 0; e < o.episodes; e++) {
    vec.reset({ seed: o.seed + e * o.numEnvs });
    const actors: RoleActor[] = [];
    actors[GOAL] = goals;
    actors[USER] = users;
    const s = playEpisode(vec, actors, rng, [null, null], o.rounds);
    cols.regret.push(s.metrics.meanRegret);
    cols.normalizedRegret.push(s.metrics.meanNormalizedRegret);
    cols.welfare.push(s.metrics.welfare);
    cols.goalUtility.push(s.meanReward[GOAL]);
    cols.userReward.push(s.meanReward[USER]);
    s.agentReward[GOAL].forEach((v, i) => (byAgent[i] ??= []).push(v));
  }
  vec.close();
  return {
    goals: goals.name,
    users: users.name,
    regret: summarise(cols.regret),
    normalizedRegret: summarise(cols.normalizedRegret),
    goalUtility: summarise(cols.goalUtility),
    welfare: summarise(cols.welfare),
    userReward: summarise(cols.userReward),
    goalUtilityByAgent: byAgent.map((v) => summarise(v)),
  };
}
