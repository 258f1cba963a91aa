import type * as tf from '@tensorflow/tfjs';
import type { RoleSpec } from '../../envs/core/kernel.js';

/**
 * A game's tensor form: B copies of the game stepped together as TensorFlow.js ops, so that
 * a device rollout (DeviceSelfPlay) plays whole episodes without the round's data leaving
 * the device. It mirrors the typed-array kernel (envs/core/kernel.ts): the same roles and
 * flat layouts (row b·C + i of a role's tensors is agent i of copy b), a round made of
 * phases, in each of which one role acts. All copies are in lockstep. The caller owns every
 * tensor it is handed, the game the tensors it is given.
 *
 * A game offers one as `GameTraining.tensor` (training/game/descriptor.ts); a test may
 * stand the host VecEnv behind it.
 */
export interface TensorGame {
  /** B, the copies. */
  readonly batch: number;
  /** The same RoleSpecs as the typed-array kernel. */
  readonly roles: readonly RoleSpec[];
  /** The role that acts in each phase of a round, in order (the kernel's phaseRoles). */
  readonly phaseRoles: readonly number[];
  /** Starts an episode in every copy, at the round's first phase (reseeding when `seed` is given). */
  reset(seed?: number): void;
  /** The acting role's observations, [B·count, obsSize]. */
  observations(): tf.Tensor2D;
  /**
   * Plays the current phase with the acting role's env actions [B·count, actSize] (float32
   * for a Box, already clipped; int32 for indices). The round's last phase returns its
   * outcome; the others return null.
   */
  step(actions: tf.Tensor2D): RoundOutcome | null;
  /** Rounds completed in this episode. */
  readonly round: number;
  /** Whether the episode has ended. */
  readonly done: boolean;
  dispose(): void;
}

/** A round's outcome, summed over its phases. */
export interface RoundOutcome {
  /** Per role (index = role): every agent's reward of the round, [B·count]. */
  readonly rewards: readonly tf.Tensor1D[];
  /** The round's metrics (the kernel's metric names), each a mean over copies. */
  readonly metrics: Readonly<Record<string, tf.Scalar>>;
}

/** A game's tensor form for these (parsed) options and B copies: `GameTraining.tensor`. */
export type TensorGameFactory<Options = any> = (options: Options, batch: number) => TensorGame;
