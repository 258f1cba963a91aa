import type { Policy } from '../../agents/policy/policy.js';
import type { Rng } from '../../envs/core/rng.js';
import type { Batch, TensorBatch, UpdateStats } from '../learners/batch.js';
import type { Learner } from '../learners/learner.js';
import type { EpisodeStats } from './episode-stats.js';

/** A side is a role of the env (goal, user, provider, consumer, ...), by its name: one shared policy each. */
export type Side = string;

/**
 * Where a trainer's episodes are played: the host's typed-array VecEnv
 * (training/self-play/host-rollouts.ts) or a game's tensor form on the device
 * (training/device/self-play.ts). The trainer sees only this.
 */
export interface RolloutSource {
  /**
   * Plays one episode (T rounds) in every copy. The `learning` sides play their policies and
   * come back as batches (rewards scaled by the side's ReturnScaler, GAE advantages and
   * returns); every other side is played by its frozen policy, `opponent(side)`, asked once
   * per episode in role order (default: the side's own policy), unless the source has
   * another player for it (a baseline agent of the host rollouts).
   */
  collect(request: RolloutRequest): Rollout;
  dispose(): void;
}

export interface RolloutRequest {
  readonly learning: readonly Side[];
  readonly opponent?: (side: Side) => Policy;
}

/**
 * One episode's outcome: its statistics and a batch per learning side, owned by the caller
 * until the next `collect` (host batches are views of buffers that it reuses).
 */
export interface Rollout {
  readonly stats: EpisodeStats;
  readonly batches: Readonly<Partial<Record<Side, RolloutBatch>>>;
  /** Frees the batches (tensors of a device rollout); call it once the updates are done. */
  dispose(): void;
}

/** A learning side's transitions: typed arrays (host rollouts) or tensors (device rollouts). */
export type RolloutBatch = { readonly kind: 'host'; readonly batch: Batch } | { readonly kind: 'tensors'; readonly batch: TensorBatch };

/** The learner's update from a rollout batch, whichever kind it is. */
export function updateFrom(learner: Learner, b: RolloutBatch, rng: Rng): UpdateStats {
  if (b.kind === 'host') return learner.update(b.batch, rng);
  if (!learner.updateFromTensors) throw new Error('this learner cannot update from tensors (device rollouts need a tfjs learner)');
  return learner.updateFromTensors(b.batch, rng);
}
