import * as tf from '@tensorflow/tfjs';
import type { Policy } from '../../agents/policy/policy.js';
import type { Rng } from '../../envs/core/rng.js';
import { checkTensorBatch, explainedVarianceOf, normalizeTensor, varianceParts, type Batch, type TensorBatch, type UpdateStats } from './batch.js';
import { applyClippedGradients } from './gradients.js';
import { TfjsAdamLearner } from './tfjs-adam-learner.js';
import { minibatchBuffers, ppoEpochs, shuffle, type MinibatchBuffers, type MinibatchStats } from './minibatches.js';

/**
 * Proximal policy optimisation with a clipped surrogate (Schulman et al. 2017), written to
 * be read in one sitting, as CleanRL's ppo.py: the batch arrives with GAE advantages and
 * returns; each epoch shuffles it (with our seeded Rng) into minibatches; each minibatch
 * takes one Adam step on
 *   L = −E[min(ρA, clip(ρ, 1 ± ε)A)] + c_v · ½E[(V − R)²] − c_e · E[H],  ρ = π/π_old,
 * with advantages normalised per minibatch and gradients clipped by their global norm.
 */
export interface PpoConfig {
  learningRate: number;
  epochs: number;
  minibatchSize: number;
  /** ε of the clipped surrogate. */
  clip: number;
  valueCoef: number;
  entropyCoef: number;
  maxGradNorm: number;
  normalizeAdvantages: boolean;
  /** Clip the value loss around the old values, as PPO2 does. */
  clipValueLoss: boolean;
  /** Stop the update once a minibatch's approximate KL exceeds 1.5 × targetKl (SB3's rule); 0: never. */
  targetKl: number;
}

export const PPO_DEFAULTS: PpoConfig = {
  learningRate: 3e-4,
  epochs: 4,
  minibatchSize: 512,
  clip: 0.2,
  valueCoef: 0.5,
  entropyCoef: 0.01,
  maxGradNorm: 0.5,
  normalizeAdvantages: true,
  clipValueLoss: false,
  targetKl: 0,
};

export class PpoLearner extends TfjsAdamLearner {
  constructor(
    policy: Policy,
    readonly config: PpoConfig = PPO_DEFAULTS,
  ) {
    super(policy, config.learningRate, 'PpoLearner');
  }

  update(batch: Batch, rng: Rng): UpdateStats {
    const { n, obsSize, actionSize } = batch;
    const mb = Math.min(this.config.minibatchSize, n);
    const buffers = minibatchBuffers(batch, mb);
    return ppoEpochs(batch, rng, this.config, mb, buffers, () => this.step(buffers.obs, buffers.actions, buffers.cols, mb, obsSize, actionSize), this.lr);
  }

  /**
   * The same update from a batch that is already on the device (see TensorBatch): the same
   * permutations of the same `rng` (each epoch's index array is uploaded, and minibatches
   * are gathered on the device), the same loss; advantages are normalised per minibatch
   * on the device. Only the statistics are read back, once, at the end.
   */
  updateFromTensors(batch: TensorBatch, rng: Rng): UpdateStats {
    checkTensorBatch(batch, this.policy.obsSize, this.policy.head.actionSize, 'PpoLearner.updateFromTensors');
    const { n } = batch;
    const c = this.config;
    const mb = Math.min(c.minibatchSize, n);
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    let sums = tf.zeros([STAT_NAMES.length]) as tf.Tensor1D;
    let steps = 0;
    for (let epoch = 0; epoch < c.epochs; epoch++) {
      shuffle(idx, rng);
      const perm = tf.tensor1d(idx, 'int32');
      for (let start = 0; start + mb <= n; start += mb) {
        const next = tf.tidy(() => {
          const rows = tf.slice(perm, start, mb);
          const pick = <T extends tf.Tensor>(t: T) => tf.gather(t, rows) as T;
          const adv = pick(batch.advantages);
          const parts = this.minibatchStep(pick(batch.obs), pick(batch.actions), pick(batch.logProb), pick(batch.values), c.normalizeAdvantages ? normalizeTensor(adv) : adv, pick(batch.returns));
          const next = tf.add(sums, tf.stack(parts)) as tf.Tensor1D;
          tf.dispose(parts); // minibatchStep keeps its statistics (tf.keep) past any tidy
          return next;
        });
        sums.dispose();
        sums = next;
        steps++;
      }
      perm.dispose();
    }
    const read = tf.tidy(() => tf.concat([sums, varianceParts(batch.values, batch.returns)]));
    const out = read.dataSync();
    tf.dispose([read, sums]);
    const mean = (x: number) => x / Math.max(1, steps);
    return {
      policyLoss: mean(out[0]),
      valueLoss: mean(out[1]),
      entropy: mean(out[2]),
      approxKl: mean(out[3]),
      clipFraction: mean(out[4]),
      gradNorm: mean(out[5]),
      explainedVariance: explainedVarianceOf(out[6], out[7]),
      learningRate: this.lr,
      minibatches: steps,
    };
  }

  /** One Adam step on one minibatch; returns its statistics. */
  private step(obsArr: MinibatchBuffers['obs'], actArr: MinibatchBuffers['actions'], cols: MinibatchBuffers['cols'], mb: number, obsSize: number, actionSize: number): MinibatchStats {
    const stats = tf.tidy(() =>
      this.minibatchStep(
        tf.tensor2d(obsArr, [mb, obsSize]),
        tf.tensor2d(actArr, [mb, actionSize], actArr instanceof Int32Array ? 'int32' : 'float32'),
        tf.tensor1d(cols.logProb),
        tf.tensor1d(cols.values),
        tf.tensor1d(cols.adv),
        tf.tensor1d(cols.ret),
      ),
    );
    const [policyLoss, valueLoss, entropy, approxKl, clipFraction, gradNorm] = stats.map((t) => t.dataSync()[0]);
    tf.dispose(stats);
    return { policyLoss, valueLoss, entropy, approxKl, clipFraction, gradNorm };
  }

  /**
   * One Adam step on one minibatch of tensors (advantages already normalised); returns the
   * scalars [policyLoss, valueLoss, entropy, approxKl, clipFraction, gradNorm]. Call inside tf.tidy.
   */
  private minibatchStep(obs: tf.Tensor2D, actions: tf.Tensor2D, oldLogProb: tf.Tensor1D, oldValues: tf.Tensor1D, adv: tf.Tensor1D, ret: tf.Tensor1D): tf.Scalar[] {
    const c = this.config;
    const head = this.policy.head;
    const vars = this.policy.model.trainableWeights.map((w) => w.read() as tf.Variable);
    let parts: tf.Scalar[] = [];
    const { value: loss, grads } = tf.variableGrads(() => {
      const { params, value } = this.policy.forward(obs);
      const logProb = head.logProb(params, actions);
      const logRatio = tf.sub(logProb, oldLogProb);
      const ratio = tf.exp(logRatio);
      const surrogate = tf.minimum(tf.mul(ratio, adv), tf.mul(tf.clipByValue(ratio, 1 - c.clip, 1 + c.clip), adv));
      const policyLoss = tf.neg(tf.mean(surrogate));
      let valueErr = tf.square(tf.sub(value, ret));
      if (c.clipValueLoss) {
        const clipped = tf.add(oldValues, tf.clipByValue(tf.sub(value, oldValues), -c.clip, c.clip));
        valueErr = tf.maximum(valueErr, tf.square(tf.sub(clipped, ret)));
      }
      const valueLoss = tf.mul(0.5, tf.mean(valueErr));
      const entropy = tf.mean(head.entropy(params, actions));
      // Diagnostics (not differentiated): k3 estimator of KL(old‖new) and the clipped share.
      const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio));
      const clipFraction = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), c.clip), 'float32'));
      parts = [policyLoss, valueLoss, entropy, approxKl, clipFraction].map((t) => tf.keep(t) as tf.Scalar);
      return tf.sub(tf.add(policyLoss, tf.mul(c.valueCoef, valueLoss)), tf.mul(c.entropyCoef, entropy)) as tf.Scalar;
    }, vars);
    const gradNorm = applyClippedGradients(this.optimizer, grads, c.maxGradNorm);
    loss.dispose();
    return [...parts, gradNorm];
  }
}

const STAT_NAMES = ['policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction', 'gradNorm'] as const;
