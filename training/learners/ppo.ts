import * as tf from '@tensorflow/tfjs';
import type { Policy } from '../../agents/policy/policy.js';
import { restoreOptimizer, type LoadedCheckpoint } from '../../checkpoints/index.js';
import type { Rng } from '../../envs/core/rng.js';
import { checkTensorBatch, explainedVariance, explainedVarianceOf, gatherRows, normalizeTensor, varianceParts, type Batch, type TensorBatch, type UpdateStats } from './batch.js';
import { applyClippedGradients } from './gradients.js';
import type { Learner } from './learner.js';

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

/** Whether an update stops after a minibatch with this approximate KL. */
export function pastTargetKl(approxKl: number, targetKl: number): boolean {
  return targetKl > 0 && approxKl > 1.5 * targetKl;
}

export class PpoLearner implements Learner {
  readonly optimizer: tf.Optimizer;
  private lr: number;

  constructor(
    readonly policy: Policy,
    readonly config: PpoConfig = PPO_DEFAULTS,
  ) {
    if (policy.engine !== 'tfjs') throw new Error(`PpoLearner: policy "${policy.spec.name}" runs on the ${policy.engine} engine; this learner updates tfjs variables (use FusedPpoLearner)`);
    this.optimizer = tf.train.adam(config.learningRate, 0.9, 0.999, 1e-5);
    this.lr = config.learningRate;
  }

  /** The learning rate of the next updates (an annealing schedule sets it per iteration). */
  setLearningRate(lr: number): void {
    (this.optimizer as unknown as { learningRate: number }).learningRate = lr;
    this.lr = lr;
  }

  update(batch: Batch, rng: Rng): UpdateStats {
    const { n, obsSize, actionSize } = batch;
    const c = this.config;
    const mb = Math.min(c.minibatchSize, n);
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    const obs = new Float32Array(mb * obsSize);
    const actions = batch.actions instanceof Int32Array ? new Int32Array(mb * actionSize) : new Float32Array(mb * actionSize);
    const cols = { logProb: new Float32Array(mb), values: new Float32Array(mb), adv: new Float32Array(mb), ret: new Float32Array(mb) };
    const sums = { policyLoss: 0, valueLoss: 0, entropy: 0, approxKl: 0, clipFraction: 0, gradNorm: 0 };
    let steps = 0;
    let stop = false;

    for (let epoch = 0; epoch < c.epochs && !stop; epoch++) {
      shuffle(idx, rng);
      for (let start = 0; start + mb <= n && !stop; start += mb) {
        gatherRows(batch.obs, obsSize, idx, start, start + mb, obs);
        gatherRows(batch.actions, actionSize, idx, start, start + mb, actions);
        gatherRows(batch.logProb, 1, idx, start, start + mb, cols.logProb);
        gatherRows(batch.values, 1, idx, start, start + mb, cols.values);
        gatherRows(batch.advantages, 1, idx, start, start + mb, cols.adv);
        gatherRows(batch.returns, 1, idx, start, start + mb, cols.ret);
        if (c.normalizeAdvantages) normalize(cols.adv);
        const stats = this.step(obs, actions, cols, mb, obsSize, actionSize);
        for (const k of Object.keys(sums) as (keyof typeof sums)[]) sums[k] += stats[k];
        steps++;
        stop = pastTargetKl(stats.approxKl, c.targetKl);
      }
    }
    const mean = (x: number) => x / Math.max(1, steps);
    return {
      policyLoss: mean(sums.policyLoss),
      valueLoss: mean(sums.valueLoss),
      entropy: mean(sums.entropy),
      approxKl: mean(sums.approxKl),
      clipFraction: mean(sums.clipFraction),
      gradNorm: mean(sums.gradNorm),
      explainedVariance: explainedVariance(batch.values, batch.returns, n),
      learningRate: this.lr,
      minibatches: steps,
    };
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

  exportOptimizer(): Promise<{ optimizer: tf.Optimizer; owned: boolean }> {
    return Promise.resolve({ optimizer: this.optimizer, owned: false });
  }

  restoreOptimizer(loaded: LoadedCheckpoint, name: string): Promise<void> {
    return restoreOptimizer(this.optimizer, loaded, name);
  }

  dispose(): void {
    this.optimizer.dispose();
  }

  /** One Adam step on one minibatch; returns its statistics. */
  private step(
    obsArr: Float32Array,
    actArr: Float32Array | Int32Array,
    cols: { logProb: Float32Array; values: Float32Array; adv: Float32Array; ret: Float32Array },
    mb: number,
    obsSize: number,
    actionSize: number,
  ) {
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

/** Fisher–Yates with our Rng, so minibatches are reproducible. */
export function shuffle(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** In-place (x − mean) / (std + 1e-8). */
export function normalize(x: Float32Array): void {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i];
  m /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - m) ** 2;
  const s = Math.sqrt(v / x.length) + 1e-8;
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - m) / s;
}
