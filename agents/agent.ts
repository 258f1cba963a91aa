import type { GameKernel, RoleSpec } from '../envs/core/kernel.js';
import { asPlayer, type AgentContext, type Player, type PlayerFn } from '../envs/core/player.js';
import type { Rng } from '../envs/core/rng.js';

/** What an agent is told besides its observation (declared in envs/core/player.ts, where env-side code builds it). */
export type { AgentContext };

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
 * action space (the Player contract of envs/core/player.ts, which env-side code calls).
 * `actBatch` is the optional hot-path form over a VecEnv's flat buffers: read observations
 * [B, count, obsSize], write actions [B, count, actSize].
 */
export interface Agent<Obs = any, Act = any> extends Player<Obs, Act> {
  actBatch?(observations: Float32Array, actions: Float32Array | Int32Array, ctx: BatchContext): void;
}

export type AgentFn<Obs = any, Act = any> = PlayerFn<Obs, Act>;

/** Lets a plain function stand wherever an Agent is expected. */
export const asAgent: <Obs, Act>(a: Agent<Obs, Act> | AgentFn<Obs, Act>, name?: string) => Agent<Obs, Act> = asPlayer;
