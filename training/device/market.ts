import type * as tf from '@tensorflow/tfjs';
import type { RoleSpec } from '../../envs/core/kernel.js';

/**
 * What a device rollout needs from a batched attention market: the contract of
 * `TensorAttentionMarket` (games/attention-market/tensor/), written here so a stand-in (a
 * test's bridge to the host VecEnv) can play too. Row b·C + i of a role's tensors is agent
 * i of copy b, the VecEnv's flat layout. The caller owns every tensor returned.
 */
export interface TensorMarket {
  readonly batch: number;
  /** [goal, user], the same RoleSpecs as the typed-array kernel. */
  readonly roles: readonly RoleSpec[];
  /** Starts an episode in every copy (reseeding when `seed` is given). */
  reset(seed?: number): void;
  /** [B·G, goalObsSize]. */
  goalObservations(): tf.Tensor2D;
  /** [B·U, userObsSize]. */
  userObservations(): tf.Tensor2D;
  /** The goal phase: creations [B·G, M·D] float32, already clipped to the Box. */
  stepGoals(creations: tf.Tensor2D): void;
  /**
   * The user phase: selection [B·U, N] int32. Returns the round's rewards of every goal
   * [B·G] and user [B·U], and the round's metrics (each a mean over copies).
   */
  stepUsers(selection: tf.Tensor2D): { goalReward: tf.Tensor1D; userReward: tf.Tensor1D; metrics: Record<string, tf.Scalar> };
  /** Rounds completed in this episode. */
  readonly round: number;
  /** Whether the episode has ended (after T rounds). */
  readonly done: boolean;
  dispose(): void;
}
