import type { AgentId, ParallelEnv } from '../envs/core/env.js';
import type { GameKernel, RoleSpec } from '../envs/core/kernel.js';
import type { Rng } from '../envs/core/rng.js';

/** What an agent is told besides its observation. */
export interface AgentContext {
  /** The agent it acts for in this step ("user_2"). */
  readonly agent: AgentId;
  /** Its own random stream (seeded by whoever runs the episode). */
  readonly rng: Rng;
  /** The env being played, for agents that need its spaces or options. */
  readonly env: ParallelEnv;
}

/** The batched form's context: B copies, `count` agents of one role, flat buffers. */
export interface BatchContext {
  readonly numEnvs: number;
  readonly count: number;
  readonly obsSize: number;
  readonly actSize: number;
  readonly rng: Rng;
  /** The role acted for: its spaces give the flat layouts. */
  readonly role: RoleSpec;
  /** The kernel, for privileged reference agents (the oracle user reads hidden state). */
  readonly kernel: GameKernel;
}

/**
 * A policy for one role of a game: `act` maps an observation to an action in the agent's
 * action space. `actBatch` is the optional hot-path form over a VecEnv's flat buffers:
 * read observations [B, count, obsSize], write actions [B, count, actSize].
 */
export interface Agent<Obs = any, Act = any> {
  readonly name: string;
  act(observation: Obs, ctx: AgentContext): Act;
  actBatch?(observations: Float32Array, actions: Float32Array | Int32Array, ctx: BatchContext): void;
  /** Called at the start of every episode, before the first act. */
  reset?(ctx: AgentContext): void;
}

export type AgentFn<Obs = any, Act = any> = (observation: Obs, ctx: AgentContext) => Act;

/** Lets a plain function stand wherever an Agent is expected. */
export function asAgent<Obs, Act>(a: Agent<Obs, Act> | AgentFn<Obs, Act>, name = 'function'): Agent<Obs, Act> {
  if (typeof a === 'function') return { name: a.name || name, act: a };
  if (typeof a !== 'object' || a === null || typeof a.act !== 'function') {
    throw new TypeError('an agent must be a function or an object with an act(observation, ctx) method');
  }
  return a;
}
