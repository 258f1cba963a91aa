import type { AgentId, ParallelEnv } from './env.js';
import type { Rng } from './rng.js';

/** What an agent is told besides its observation. */
export interface AgentContext {
  /** The agent it acts for in this step ("user_2"). */
  readonly agent: AgentId;
  /** Its own random stream (seeded by whoever runs the episode). */
  readonly rng: Rng;
  /** The env being played, for agents that need its spaces or options. */
  readonly env: ParallelEnv;
}

/**
 * What plays one agent of a ParallelEnv, one observation at a time: the part of the Agent
 * interface (agents/agent.ts, which extends it with the batched form) that env-side code
 * such as SingleAgentEnv calls. It lives here, with the context it is called with, because
 * that context is made of env things only and is built by whoever runs the env; a
 * structural twin in each wrapper would copy AgentContext and asAgent instead. Every Agent
 * is a Player, so envs/ takes agents without importing agents/.
 */
export interface Player<Obs = any, Act = any> {
  readonly name: string;
  act(observation: Obs, ctx: AgentContext): Act;
  /** Called at the start of every episode, before the first act. */
  reset?(ctx: AgentContext): void;
}

export type PlayerFn<Obs = any, Act = any> = (observation: Obs, ctx: AgentContext) => Act;

/** Lets a plain function stand wherever a Player is expected (an object is checked and returned as it is). */
export function asPlayer<Obs, Act>(a: Player<Obs, Act> | PlayerFn<Obs, Act>, name = 'function'): Player<Obs, Act> {
  if (typeof a === 'function') return { name: a.name || name, act: a };
  if (typeof a !== 'object' || a === null || typeof a.act !== 'function') {
    throw new TypeError('an agent must be a function or an object with an act(observation, ctx) method');
  }
  return a;
}
