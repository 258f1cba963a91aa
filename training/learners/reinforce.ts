import * as tf from '@tensorflow/tfjs';
import type { Policy } from '../../agents/policy/policy.js';
import type { Rng } from '../../envs/core/rng.js';
import { checkTensorBatch, explainedVariance, explainedVarianceOf, normalizeTensor, varianceParts, type Batch, type TensorBatch, type UpdateStats } from './batch.js';
import { applyClippedGradients } from './gradients.js';
import { TfjsAdamLearner } from './tfjs-adam-learner.js';
import { normalize } from './minibatches.js';

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

export class ReinforceLearner extends TfjsAdamLearner {
  constructor(
    policy: Policy,
    readonly config: ReinforceConfig = REINFORCE_DEFAULTS,
  ) {
    super(policy, config.learningRate, 'ReinforceLearner');
  }

  update(batch: Batch, _rng: Rng): UpdateStats {
    const { n, obsSize, actionSize } = batch;
    const adv = batch.advantages.slice(0, n);
    normalize(adv);
    const out = tf.tidy(() =>
      this.step(
        tf.tensor2d(batch.obs.subarray(0, n * obsSize), [n, obsSize]),
        tf.tensor2d(batch.actions.subarray(0, n * actionSize), [n, actionSize], batch.actions instanceof Int32Array ? 'int32' : 'float32'),
        tf.tensor1d(adv),
        tf.tensor1d(batch.returns.subarray(0, n)),
      ),
    );
    const [policyLoss, valueLoss, entropy, gradNorm] = out.map((t) => t.dataSync()[0]);
    tf.dispose(out);
    return { policyLoss, valueLoss, entropy, approxKl: 0, clipFraction: 0, gradNorm, explainedVariance: explainedVariance(batch.values, batch.returns, n), learningRate: this.lr, minibatches: 1 };
  }

  /**
   * The same update from a batch on the device (advantages normalised there); only the
   * statistics are read back, once.
   */
  updateFromTensors(batch: TensorBatch, _rng: Rng): UpdateStats {
    checkTensorBatch(batch, this.policy.obsSize, this.policy.head.actionSize, 'ReinforceLearner.updateFromTensors');
    const read = tf.tidy(() => {
      const parts = this.step(batch.obs, batch.actions, normalizeTensor(batch.advantages), batch.returns);
      const all = tf.concat([tf.stack(parts), varianceParts(batch.values, batch.returns)]);
      tf.dispose(parts); // step keeps its statistics (tf.keep) past any tidy
      return all;
    });
    const out = read.dataSync();
    read.dispose();
    return { policyLoss: out[0], valueLoss: out[1], entropy: out[2], approxKl: 0, clipFraction: 0, gradNorm: out[3], explainedVariance: explainedVarianceOf(out[4], out[5]), learningRate: this.lr, minibatches: 1 };
  }

  /** One Adam step on the whole batch (advantages normalised); returns [policyLoss, valueLoss, entropy, gradNorm]. Call inside tf.tidy. */
  private step(obs: tf.Tensor2D, actions: tf.Tensor2D, A: tf.Tensor1D, R: tf.Tensor1D): tf.Scalar[] {
    const c = this.config;
    const head = this.policy.head;
    const vars = this.policy.model.trainableWeights.map((w) => w.read() as tf.Variable);
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
  }
}
