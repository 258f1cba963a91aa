import type { Info, ResetArgs } from '../core/env.js';
import type { Space } from '../core/spaces/space.js';

export interface SingleResetResult<Obs> {
  observation: Obs;
  info: Info;
}

export interface SingleStepResult<Obs> {
  observation: Obs;
  reward: number;
  /** The episode ended in a terminal state of the game. */
  terminated: boolean;
  /** The episode was cut short (time limit); the state is not terminal. */
  truncated: boolean;
  info: Info;
}

/**
 * Gymnasium's single-agent contract, typed: `reset` starts an episode, `step` plays one
 * action; after a step with terminated or truncated only `reset` may follow. The spaces
 * are the same objects for the env's whole life. A bad action throws an ActionError and
 * leaves the state unchanged.
 */
export interface SingleEnv<Obs = unknown, Act = unknown, ResetOptions = Record<string, unknown>> {
  readonly id: string;
  readonly observationSpace: Space<Obs>;
  readonly actionSpace: Space<Act>;
  reset(args?: ResetArgs<ResetOptions>): SingleResetResult<Obs>;
  step(action: Act): SingleStepResult<Obs>;
  /** Releases resources; calling it twice is harmless. */
  close(): void;
  /** The complete dynamic state as bytes, when the env can give it. */
  snapshot?(): Uint8Array;
}
