import * as tf from '@tensorflow/tfjs';
import type { Policy } from '../../agents/policy/policy.js';
import { restoreOptimizer, type LoadedCheckpoint } from '../../checkpoints/index.js';
import type { Rng } from '../../envs/core/rng.js';
import type { Batch, UpdateStats } from './batch.js';
import type { Learner } from './learner.js';

/**
 * What every learner of tfjs variables shares: a policy on the tfjs engine, tf.train.adam over
 * its variables (β 0.9, 0.999, ε 1e-5), the learning rate an annealing schedule sets, and the
 * optimiser state a checkpoint stores and restores as it is.
 */
export abstract class TfjsAdamLearner implements Learner {
  readonly optimizer: tf.Optimizer;
  protected lr: number;

  constructor(
    readonly policy: Policy,
    learningRate: number,
    who: string,
  ) {
    if (policy.engine !== 'tfjs') throw new Error(`${who}: policy "${policy.spec.name}" runs on the ${policy.engine} engine; this learner updates tfjs variables (use FusedPpoLearner)`);
    this.optimizer = tf.train.adam(learningRate, 0.9, 0.999, 1e-5);
    this.lr = learningRate;
  }

  abstract update(batch: Batch, rng: Rng): UpdateStats;

  /** The learning rate of the next updates (an annealing schedule sets it per iteration). */
  setLearningRate(lr: number): void {
    (this.optimizer as unknown as { learningRate: number }).learningRate = lr;
    this.lr = lr;
  }

  exportOptimizer(): Promise<{ optimizer: tf.Optimizer; owned: boolean }> {
    return Promise.resolve({ optimizer: this.optimizer, owned: false });
  }

  restoreOptimizer(loaded: LoadedCheckpoint, name: string): Promise<void> {
    return restoreOptimizer(this.optimizer, loaded, name);
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
