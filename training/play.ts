/**
 * The episode runner: plays whole episodes of any ParallelEnv with given agents, seeded
 * deterministically, and returns one summary per episode (returns, the round metrics the
 * env reports as `round` in its infos, and each agent's numeric infos, averaged over rounds).
 *
 * Seeding: episode e (0-based) resets the env with seed `seed + e`, and agent i (its index
 * in `env.possibleAgents`) acts with its own stream `new Rng(seed + e, AGENT_STREAM + i)`,
 * so the same arguments give the same episodes, bit for bit, and adding an episode does
 * not change the earlier ones.
 */
import { asAgent, type Agent, type AgentContext, type AgentFn } from '../agents/agent.js';
import type { AgentId, Info, ParallelEnv } from '../envs/core/env.js';
import { Rng, assertSeed } from '../envs/core/rng.js';
import { make } from '../envs/registry.js';

/** Stream ids of the agents' generators start here (the envs use small stream ids). */
export const AGENT_STREAM = 0x10000;

export type AgentSource = Agent | AgentFn;

/**
 * Who plays, either
 * - a factory `(agentId, role) => agent`, called once per agent for the whole run (use it
 *   for agents with per-agent state), or
 * - a record keyed by agent id ("user_0") or by role ("user", "goal"); an agent id wins
 *   over its role. One instance then serves every agent of the role.
 * An agent id's role is the part before its last "_" ("user_3" → "user").
 */
export type AgentsSpec = ((agent: AgentId, role: string) => AgentSource) | Readonly<Record<string, AgentSource>>;

export interface PlayOptions {
  agents: AgentsSpec;
  /** Number of episodes, a positive integer. */
  episodes: number;
  /** Base seed (default 0): episode e uses seed + e. */
  seed?: number;
  /** Env options, when the env is given by id. */
  options?: unknown;
  /** Called after every episode with its summary (progress reporting). */
  onEpisode?: (summary: EpisodeSummary) => void;
}

export interface EpisodeSummary {
  /** 0-based episode index within the run. */
  readonly episode: number;
  /** The seed the env was reset with. */
  readonly seed: number;
  /** Env steps (phases) played. */
  readonly steps: number;
  /** Completed rounds: steps whose infos carry `round` (every step, for envs that report no rounds). */
  readonly rounds: number;
  /** Sum of each agent's rewards over the episode. */
  readonly returns: Readonly<Record<AgentId, number>>;
  /** Each numeric round metric (info `round`), averaged over the episode's rounds. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The round metrics of the episode's last round. */
  readonly finalMetrics: Readonly<Record<string, number>>;
  /** Each agent's numeric infos, averaged over the episode's rounds. */
  readonly agentInfos: Readonly<Record<AgentId, Readonly<Record<string, number>>>>;
}

export interface PlayResult {
  readonly envId: string;
  readonly seed: number;
  /** Each agent's `name`. */
  readonly agentNames: Readonly<Record<AgentId, string>>;
  readonly episodes: readonly EpisodeSummary[];
}

/** "user_3" → "user"; an id without "_" is its own role. */
export function roleOf(agent: AgentId): string {
  const i = agent.lastIndexOf('_');
  return i > 0 ? agent.slice(0, i) : agent;
}

/** One agent per possible agent of `env`, as `spec` says; throws naming an agent nobody plays. */
export function resolveAgents(env: ParallelEnv, spec: AgentsSpec): Map<AgentId, Agent> {
  const out = new Map<AgentId, Agent>();
  for (const id of env.possibleAgents) {
    const role = roleOf(id);
    let source: AgentSource | undefined;
    if (typeof spec === 'function') source = spec(id, role);
    else source = Object.hasOwn(spec, id) ? spec[id] : Object.hasOwn(spec, role) ? spec[role] : undefined;
    if (source === undefined) {
      throw new TypeError(`playEpisodes: no agent for "${id}" (give one for agent "${id}" or role "${role}")`);
    }
    out.set(id, asAgent(source, id));
  }
  return out;
}

class Accumulator {
  readonly sums = new Map<string, number>();
  add(values: Info): void {
    for (const [k, v] of Object.entries(values)) if (typeof v === 'number') this.sums.set(k, (this.sums.get(k) ?? 0) + v);
  }
  mean(n: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of this.sums) out[k] = n > 0 ? v / n : NaN;
    return out;
  }
}

function numericOnly(values: Info): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) if (typeof v === 'number') out[k] = v;
  return out;
}

/**
 * Plays `episodes` episodes of `env` (a ParallelEnv, or a registered id made with
 * `options` and closed afterwards) and summarises each. Agents' `reset(ctx)` is called at
 * the start of every episode, before their first `act`.
 */
export function playEpisodes(env: ParallelEnv | string, opts: PlayOptions): PlayResult {
  const { episodes } = opts;
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(episodes) || episodes < 1) throw new RangeError(`playEpisodes: episodes must be a positive integer, got ${String(episodes)}`);
  assertSeed(seed, 'playEpisodes: seed');
  if (!Number.isSafeInteger(seed + episodes)) throw new RangeError(`playEpisodes: seed + episodes must stay a safe integer`);

  const owned = typeof env === 'string';
  const e: ParallelEnv = owned ? make(env, opts.options) : env;
  try {
    const agents = resolveAgents(e, opts.agents);
    const ids = e.possibleAgents;
    const agentNames: Record<AgentId, string> = {};
    for (const [id, a] of agents) agentNames[id] = a.name;
    const summaries: EpisodeSummary[] = [];
    for (let ep = 0; ep < episodes; ep++) {
      const summary = playOne(e, agents, ids, ep, seed + ep);
      summaries.push(summary);
      opts.onEpisode?.(summary);
    }
    return { envId: e.id, seed, agentNames, episodes: summaries };
  } finally {
    if (owned) e.close();
  }
}

function playOne(env: ParallelEnv, agents: Map<AgentId, Agent>, ids: readonly AgentId[], episode: number, seed: number): EpisodeSummary {
  let { observations } = env.reset({ seed });
  const contexts = new Map<AgentId, AgentContext>();
  ids.forEach((id, i) => {
    const ctx: AgentContext = Object.freeze({ agent: id, rng: new Rng(seed, AGENT_STREAM + i), env });
    contexts.set(id, ctx);
  });
  for (const id of ids) agents.get(id)!.reset?.(contexts.get(id)!);

  const returns: Record<AgentId, number> = {};
  for (const id of ids) returns[id] = 0;
  const metrics = new Accumulator();
  let finalMetrics: Record<string, number> = {};
  const roundInfos = new Map<AgentId, Accumulator>();
  const stepInfos = new Map<AgentId, Accumulator>();
  for (const id of ids) {
    roundInfos.set(id, new Accumulator());
    stepInfos.set(id, new Accumulator());
  }
  let steps = 0;
  let rounds = 0;

  while (env.agents.length > 0) {
    const actions: Record<AgentId, unknown> = {};
    for (const id of env.actingAgents) actions[id] = agents.get(id)!.act(observations[id], contexts.get(id)!);
    const result = env.step(actions);
    steps++;
    observations = result.observations;
    let round: Info | undefined;
    for (const [id, r] of Object.entries(result.rewards)) returns[id] += r;
    for (const [id, info] of Object.entries(result.infos)) {
      stepInfos.get(id)?.add(info);
      if (round === undefined && typeof info.round === 'object' && info.round !== null) round = info.round as Info;
    }
    if (round !== undefined) {
      rounds++;
      metrics.add(round);
      finalMetrics = numericOnly(round);
      for (const [id, info] of Object.entries(result.infos)) roundInfos.get(id)?.add(info);
    }
  }

  const perAgent = rounds > 0 ? roundInfos : stepInfos;
  const n = rounds > 0 ? rounds : steps;
  const agentInfos: Record<AgentId, Record<string, number>> = {};
  for (const id of ids) agentInfos[id] = perAgent.get(id)!.mean(n);
  return { episode, seed, steps, rounds: n, returns, metrics: metrics.mean(rounds), finalMetrics, agentInfos };
}
