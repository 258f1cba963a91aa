import type { Space } from './spaces/space.js';

export type AgentId = string;
export type Info = Record<string, unknown>;

export interface ResetArgs<ResetOptions = Record<string, unknown>> {
  /** Reseeds the env's PRNG; without it the PRNG continues, so the next episode differs. */
  seed?: number;
  /** Per-episode options (each env documents its own; unknown keys are rejected). */
  options?: ResetOptions;
}

export interface ResetResult<Obs> {
  observations: Record<AgentId, Obs>;
  infos: Record<AgentId, Info>;
}

export interface StepResult<Obs> {
  observations: Record<AgentId, Obs>;
  rewards: Record<AgentId, number>;
  terminations: Record<AgentId, boolean>;
  truncations: Record<AgentId, boolean>;
  infos: Record<AgentId, Info>;
}

export interface EnvMetadata {
  /** One line, for `buddy-gym list`. */
  description: string;
  /** Names of the phases of a round, in order (e.g. ["goal", "user"]); one name for simultaneous games. */
  phases: readonly string[];
}

/**
 * The multi-agent contract: PettingZoo's Parallel API with Gymnasium's conventions.
 *
 * - `reset` starts an episode; `step` advances it by one phase. Every key of every
 *   returned record is a live agent (`agents` before the step).
 * - `actingAgents` are the agents whose actions the next `step` needs, exactly those:
 *   a game with sequential phases (goals, then users) asks one group per step.
 * - Agents that terminate or truncate leave `agents` and never come back in the episode;
 *   when `agents` is empty the episode is over and only `reset` may follow.
 * - `observationSpace(a)` and `actionSpace(a)` return the same object on every call.
 * - A bad action throws an ActionError naming the agent, and leaves the state unchanged.
 */
export interface ParallelEnv<Obs = unknown, Act = unknown, ResetOptions = Record<string, unknown>> {
  readonly id: string;
  readonly metadata: EnvMetadata;
  readonly possibleAgents: readonly AgentId[];
  readonly agents: readonly AgentId[];
  readonly actingAgents: readonly AgentId[];
  observationSpace(agent: AgentId): Space<Obs>;
  actionSpace(agent: AgentId): Space<Act>;
  reset(args?: ResetArgs<ResetOptions>): ResetResult<Obs>;
  step(actions: Record<AgentId, Act>): StepResult<Obs>;
  /** Releases resources; calling it twice is harmless. */
  close(): void;
  /** The complete dynamic state as bytes (PRNG included), when the env can give it. */
  snapshot?(): Uint8Array;
}
