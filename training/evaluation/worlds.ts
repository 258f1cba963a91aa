import { Rng } from '../../envs/core/rng.js';
import { makeVec } from '../../envs/registry.js';
import type { RoleActor } from '../self-play/actors.js';
import { playEpisode } from '../self-play/rollout.js';

/**
 * Evaluation on numbered worlds: world w is one episode of one env copy reset with seed
 * `seed + w` (its hidden state: tastes, assets, economies, states of the world), so two
 * profiles played on the same options meet the same worlds and their per-world figures can
 * be compared in pairs. Worlds are played `batch` copies at a time.
 */
export interface WorldsOptions {
  envId: string;
  envOptions?: unknown;
  worlds: number;
  rounds: number;
  seed: number;
  /** Copies stepped together (default: min(worlds, 256)); does not change any world. */
  batch?: number;
  /** Stream of the actors' sampling Rng (default 7). */
  stream?: number;
}

/** Per-world figures of one profile: each a Float64Array over the worlds, in world order. */
export interface WorldResults {
  readonly worlds: number;
  /** The actor of each role, by role name. */
  readonly players: Readonly<Record<string, string>>;
  /** A round metric of the env (meanRegret, gap, priceError...), averaged over the world's rounds. */
  metric(name: string): Float64Array;
  /** Mean reward per agent per round of a role. */
  reward(role: string): Float64Array;
  /** Mean reward per round of one agent of a role. */
  agentReward(role: string, agent: number): Float64Array;
  readonly metricNames: readonly string[];
}

/** Plays `o.worlds` worlds with `actors[r]` playing role r and returns each world's figures. */
export function playWorlds(actors: readonly RoleActor[], o: WorldsOptions): WorldResults {
  if (!Number.isInteger(o.worlds) || o.worlds < 1) throw new RangeError(`playWorlds: worlds must be a positive integer, got ${o.worlds}`);
  const batch = Math.min(o.worlds, o.batch ?? 256);
  const vec = makeVec(o.envId, { numEnvs: batch, options: o.envOptions, autoreset: 'disabled' });
  try {
    const roles = vec.roles.map((r) => r.name);
    if (actors.length !== roles.length) throw new RangeError(`${o.envId} has ${roles.length} roles (${roles.join(', ')}), ${actors.length} actors were given`);
    const names = [...vec.metricNames];
    const nm = names.length;
    const metrics = new Float64Array(o.worlds * nm);
    const rewards = vec.roles.map((r) => new Float64Array(o.worlds * r.count));
    const rng = new Rng(o.seed, o.stream ?? 7);
    for (let first = 0; first < o.worlds; first += batch) {
      vec.reset({ seed: o.seed + first });
      const s = playEpisode(vec, actors, rng, actors.map(() => null), o.rounds);
      const take = Math.min(batch, o.worlds - first);
      metrics.set(s.copyMetrics!.subarray(0, take * nm), first * nm);
      vec.roles.forEach((r, ri) => rewards[ri].set(s.copyAgentReward![ri].subarray(0, take * r.count), first * r.count));
    }
    const roleIndex = (role: string) => {
      const r = roles.indexOf(role);
      if (r < 0) throw new RangeError(`${o.envId} has no role "${role}"; its roles are ${roles.join(', ')}`);
      return r;
    };
    return {
      worlds: o.worlds,
      players: Object.fromEntries(roles.map((name, r) => [name, actors[r].name])),
      metricNames: names,
      metric(name: string) {
        const m = names.indexOf(name);
        if (m < 0) throw new RangeError(`${o.envId} reports no round metric "${name}"; it has ${names.join(', ')}`);
        return Float64Array.from({ length: o.worlds }, (_, w) => metrics[w * nm + m]);
      },
      reward(role: string) {
        const r = roleIndex(role);
        const count = vec.roles[r].count;
        return Float64Array.from({ length: o.worlds }, (_, w) => {
          let s = 0;
          for (let a = 0; a < count; a++) s += rewards[r][w * count + a];
          return s / count;
        });
      },
      agentReward(role: string, agent: number) {
        const r = roleIndex(role);
        const count = vec.roles[r].count;
        if (!(Number.isInteger(agent) && agent >= 0 && agent < count)) throw new RangeError(`role "${role}" has agents 0..${count - 1}, not ${agent}`);
        return Float64Array.from({ length: o.worlds }, (_, w) => rewards[r][w * count + agent]);
      },
    };
  } finally {
    vec.close();
  }
}
