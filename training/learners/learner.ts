import type * as tf from '@tensorflow/tfjs';
import type { LoadedCheckpoint } from '../../checkpoints/index.js';
import type { Rng } from '../../envs/core/rng.js';
import type { Batch, TensorBatch, UpdateStats } from './batch.js';

/** What the trainer needs of a learner, whichever engine computes it. */
export interface Learner {
  update(batch: Batch, rng: Rng): UpdateStats;
  /** The same update from a batch of tensors (device rollouts), where the engine computes on tfjs. */
  updateFromTensors?(batch: TensorBatch, rng: Rng): UpdateStats;
  /** The learning rate of the next updates (an annealing schedule sets it per iteration). */
  setLearningRate(lr: number): void;
  /** The optimiser state as a tf.Optimizer for a checkpoint; `owned`: the caller disposes it after the save. */
  exportOptimizer(): Promise<{ optimizer: tf.Optimizer; owned: boolean }>;
  /** Takes the optimiser state `name` of a loaded checkpoint (into a learner that has not stepped). */
  restoreOptimizer(loaded: LoadedCheckpoint, name: string): Promise<void>;
  dispose(): void;
}
