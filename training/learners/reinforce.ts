import * as tf from '@tensorflow/tfjs';
import type { Policy } from '../../agents/policy/policy.js';
import type { Rng } from '../../envs/core/rng.js';
import { explainedVariance, type Batch, type UpdateStats } from './batch.js';
import { applyClippedGradients } from './gradients.js';
import { normalize } from './ppo.js';

/**
 * REINFORCE with a learned baseline (Williams 1992), the simple learner: one Adam step on
 * the whole batch, L = −E[log π(a|s) · A] + c_v · ½E[(V − R)²] − c_e · E[H], with A the
 * batch's advantages (GAE, or returns − V with λ = 1), normalised.
 */
export interface ReinforceConfig {
  learningRate: number;
  valueCoef: number;
  entropyCoef: number;
  maxGradNorm: number;
}

export const REINFORCE_DEFAULTS: ReinforceConfig = { learningRate: 1e-3, valueCoef: 0.5, entropyCoef: 0.01, maxGradNorm: 0.5 };

export class ReinforceLearner {
  readonly optimizer: tf.Optimizer;

  constructor(
    readonly policy: Policy,
    readonly config: ReinforceConfig = REINFORCE_DEFAULTS,
  ) {
    this.optimizer = tf.train.adam(config.learningRate, 0.9, 0.999, 1e-5);
  }

  update(batch: Batch, _rng: Rng): UpdateStats {
    const c = this.config;
    const { n, obsSize, actionSize } = batch;
    const adv = batch.advantages.slice(0, n);
    normalize(adv);
    const head = this.policy.head;
    const vars = this.policy.model.trainableWeights.map((w) => w.read() as tf.Variable);
    const out = tf.tidy(() => {
      const obs = tf.tensor2d(batch.obs.subarray(0, n * obsSize), [n, obsSize]);
      const actions = tf.tensor2d(batch.actions.subarray(0, n * actionSize), [n, actionSize], batch.actions instanceof Int32Array ? 'int32' : 'float32');
      const A = tf.tensor1d(adv);
      const R = tf.tensor1d(batch.returns.subarray(0, n));
      let parts: tf.Scalar[] = [];
      const { value: loss, grads } = tf.variableGrads(() => {
        const { params, value } = this.policy.forward(obs);
        const logProb = head.logProb(params, actions);
        const policyLoss = tf.neg(tf.mean(tf.mul(logProb, A)));
        const valueLoss = tf.mul(0.5, tf.mean(tf.square(tf.sub(value, R))));
        const entropy = tf.mean(head.entropy(params, actions));
        parts = [policyLoss, valueLoss, entropy].map((t) => tf.keep(t) as tf.Scalar);
        return tf.sub(tf.add(policyLoss, tf.mul(c.valueCoef, valueLoss)), tf.mul(c.entropyCoef, entropy)) as tf.Scalar;
      }, vars);
      const gradNorm = applyClippedGradients(this.optimizer, grads, c.maxGradNorm);
      loss.dispose();
      return [...parts, gradNorm];
    });
    const [policyLoss, valueLoss, entropy, gradNorm] = out.map((t) => t.dataSync()[0]);
    tf.dispose(out);
    return { policyLoss, valueLoss, entropy, approxKl: 0, clipFraction: 0, gradNorm, explainedVariance: explainedVariance(batch.values, batch.returns, n) };
  }
}
