import { Rng } from '../envs/core/rng.js';
import { makeVec } from '../envs/registry.js';
import type { RoleActor } from './self-play/actors.js';
import { playEpisode } from './self-play/rollout.js';
import { summarise, type Stat } from './stats.js';

export interface MatchupOptions {
  envId: string;
  envOptions?: unknown;
  /** Independent episodes; each plays `numEnvs` copies, whose mean is one sample. */
  episodes: number;
  numEnvs: number;
  rounds: number;
  seed: number;
}

/** One matchup of any env: who played each role, and every figure as a mean with its 95% CI. */
export interface PlayOutcome {
  /** The actor of each role, by role name. */
  players: Record<string, string>;
  /** Mean reward per agent per round, by role name. */
  reward: Record<string, Stat>;
  /** Mean reward per round of each agent of a role (by agent index), by role name. */
  rewardByAgent: Record<string, Stat[]>;
  /** The env's round metrics, averaged over rounds and copies. */
  metrics: Record<string, Stat>;
}

/**
 * Plays `episodes` seeded episodes with `actors[r]` playing role r (episode e is seeded
 * seed + e·numEnvs, so every matchup with the same options meets the same hidden worlds)
 * and summarises them. Actors sample with their own Rng stream (seed, stream 7).
 */
export function evaluatePlay(actors: readonly RoleActor[], o: MatchupOptions): PlayOutcome {
  const vec = makeVec(o.envId, { numEnvs: o.numEnvs, options: o.envOptions, autoreset: 'disabled' });
  try {
    const roles = vec.roles.map((r) => r.name);
    if (actors.length !== roles.length) throw new RangeError(`${o.envId} has ${roles.length} roles (${roles.join(', ')}), ${actors.length} actors were given`);
    const rng = new Rng(o.seed, 7);
    const reward = roles.map(() => [] as number[]);
    const byAgent = roles.map(() => [] as number[][]);
    const metrics = vec.metricNames.map(() => [] as number[]);
    for (let e = 0; e < o.episodes; e++) {
      vec.reset({ seed: o.seed + e * o.numEnvs });
      const s = playEpisode(vec, actors, rng, actors.map(() => null), o.rounds);
      roles.forEach((_, r) => {
        reward[r].push(s.meanReward[r]);
        s.agentReward[r].forEach((v, i) => (byAgent[r][i] ??= []).push(v));
      });
      vec.metricNames.forEach((name, m) => metrics[m].push(s.metrics[name]));
    }
    return {
      players: Object.fromEntries(roles.map((name, r) => [name, actors[r].name])),
      reward: Object.fromEntries(roles.map((name, r) => [name, summarise(reward[r])])),
      rewardByAgent: Object.fromEntries(roles.map((name, r) => [name, byAgent[r].map((v) => summarise(v))])),
      metrics: Object.fromEntries(vec.metricNames.map((name, m) => [name, summarise(metrics[m])])),
    };
  } finally {
    vec.close();
  }
}
