import type { Space } from './spaces/space.js';

/** Per-episode options handed to `GameKernel.resetCopy`, already validated by the kernel. */
export type KernelResetOptions = object;

/** A group of agents that share spaces and act in the same phase (goals, users, providers...). */
export interface RoleSpec {
  readonly name: string;
  readonly count: number;
  readonly observationSpace: Space<any>;
  readonly actionSpace: Space<any>;
  /** Names of the per-agent info values the kernel reports after each step (e.g. "regret"). */
  readonly infoNames: readonly string[];
}

/**
 * A game over flat typed arrays for B copies at once: the one implementation behind both
 * the single env (B = 1) and the VecEnv. All buffers are allocated once; `step` must not
 * allocate. Layouts, per role r with C agents: observations [B, C, obsSize] (Float32),
 * actions [B, C, actSize] (the action space's dtype), rewards [B, C], infos [B, C, nInfo].
 * A game's kernel gets these from KernelBuffers and its per-copy PRNGs from CopyStreams.
 *
 * Phases are global: every copy is in the same phase. A copy's episode may only end on the
 * last phase of a round, which keeps copies in step when they reset together.
 */
export interface GameKernel {
  readonly id: string;
  readonly batch: number;
  readonly roles: readonly RoleSpec[];
  /** The role that acts in each phase of a round, in order. */
  readonly phaseRoles: readonly number[];
  /** Current phase (index into phaseRoles). */
  readonly phase: number;
  readonly observations: readonly Float32Array[];
  readonly actions: readonly (Float32Array | Int32Array)[];
  readonly rewards: readonly Float64Array[];
  readonly infos: readonly Float64Array[];
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** Round-level metrics per copy, [B, metricNames.length], valid after a round completes. */
  readonly metricNames: readonly string[];
  readonly metrics: Float64Array;

  /** Validates per-episode options, throwing an OptionError; returns them normalised. */
  parseResetOptions(options: unknown): KernelResetOptions;
  /**
   * Starts a new episode in copy b (reseeding its PRNG when seed is given), writes its
   * observations, clears its rewards and done flags. Sets the phase to 0.
   */
  resetCopy(b: number, seed: number | undefined, options: KernelResetOptions | undefined): void;
  /**
   * Steps the current phase in every copy whose `skip[b]` is 0 (all if skip is undefined)
   * with the acting role's actions, which the caller has validated; then advances the phase.
   */
  step(skip?: Uint8Array): void;
  /** Every typed array that holds dynamic state, PRNG states included (for snapshots). */
  stateArrays(): readonly ArrayBufferView[];
  /** Restores what `stateArrays` holds and the phase. */
  setPhase(phase: number): void;
  /**
   * Privileged features of the hidden state for a centralised critic (MAPPO's "state"):
   * numbers per agent of a role that its observation does not reveal (true preferences,
   * true relevances...). Training may give them to a value function, never to a policy.
   * Absent where a game has none.
   */
  readonly critic?: {
    /** Features per agent of role r (0: none for that role). */
    size(role: number): number;
    /** Writes [B, count, size(role)] for the state as it is now (when role acts next). */
    write(role: number, out: Float32Array): void;
  };
}
