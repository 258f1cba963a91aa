import * as tf from '@tensorflow/tfjs';
import { SliceFeatures, StateIndependentLogStd } from './layers.js';

/**
 * The network architectures, as JSON specs. Every network maps a flat observation
 * [B, obsSize] to [head parameters, value]; the value branch is separate from the policy
 * branch (as in CleanRL's PPO), both in one LayersModel so one model.json holds the policy.
 */
export type NetworkSpec =
  /** A plain MLP for any flat observation; Gaussian heads get a state-independent log-std. */
  | { arch: 'mlp'; obsSize: number; hidden: number[]; gaussian?: { size: number; logStdInit: number }; criticSize?: number }
  /**
   * Goal Buddies: mean = [g, …, g] (M copies of the grounded truth, read from the
   * observation) + δ(obs), so the untrained policy is honest plus noise and learns how far
   * to stray; log-std state-independent.
   */
  | { arch: 'residual-goal'; obsSize: number; hidden: number[]; groundedOffset: number; dim: number; creations: number; logStdInit: number; criticSize?: number }
  /**
   * User Buddies: one score per pool entry from shared weights over [e, q, e⊙q, mean of the
   * pool, context], so the policy is equivariant to the pool's order; the logits feed a
   * Plackett–Luce head. The context is the observation's last feedback and progress.
   * Each logit is c·(q·e) (a greedy prior) plus the learned score.
   */
  | {
      arch: 'pool-scorer';
      obsSize: number;
      hidden: number[];
      poolOffset: number;
      pool: number;
      dim: number;
      estimateOffset: number;
      contextOffset: number;
      contextSize: number;
      /** Initial weight c of the greedy prior c·(q·e) in each entry's logit. */
      priorScale: number;
      /** Where per-entry memory features start (P × `memoryFeatures` numbers), if any. */
      memoryOffset?: number;
      memoryFeatures?: number;
      /** The last `criticSize` numbers of the observation are the centralised critic's (read by the value only). */
      criticSize?: number;
    };

/** Seeds every initializer from the policy's init seed, so that one seed gives one network. */
let nextSeed = 0;

const dense = (prefix: string, name: string, units: number, activation: 'tanh' | 'linear', scale = 1) =>
  tf.layers.dense({
    name: `${prefix}_${name}`,
    units,
    activation,
    // Scaled uniform init; output layers use a small scale (CleanRL's 0.01) so they start near the prior.
    kernelInitializer: tf.initializers.varianceScaling({ scale: scale * scale, mode: 'fanAvg', distribution: 'uniform', seed: nextSeed++ }),
  });

function mlp(prefix: string, x: tf.SymbolicTensor, hidden: number[]): tf.SymbolicTensor {
  let h = x;
  hidden.forEach((units, i) => (h = dense(prefix, `h${i}`, units, 'tanh').apply(h) as tf.SymbolicTensor));
  return h;
}

export function buildNetwork(prefix: string, spec: NetworkSpec, paramSize: number, initSeed: number): tf.LayersModel {
  nextSeed = initSeed * 1000;
  const obs = tf.input({ shape: [spec.obsSize], name: `${prefix}_obs` });
  // The centralised critic's features (the observation's last criticSize numbers) reach the value only.
  const policyObs = spec.criticSize ? (new SliceFeatures({ name: `${prefix}_policy_obs`, begin: 0, size: spec.obsSize - spec.criticSize }).apply(obs) as tf.SymbolicTensor) : obs;
  const value = dense(prefix, 'v_out', 1, 'linear').apply(mlp(`${prefix}_v`, obs, spec.hidden)) as tf.SymbolicTensor;
  let params: tf.SymbolicTensor;
  switch (spec.arch) {
    case 'mlp': {
      const h = mlp(`${prefix}_pi`, policyObs, spec.hidden);
      if (spec.gaussian) {
        const mean = dense(prefix, 'pi_mean', spec.gaussian.size, 'linear', 0.01).apply(h) as tf.SymbolicTensor;
        const logStd = new StateIndependentLogStd({ name: `${prefix}_log_std`, size: spec.gaussian.size, init: spec.gaussian.logStdInit }).apply(obs) as tf.SymbolicTensor;
        params = tf.layers.concatenate({ name: `${prefix}_params` }).apply([mean, logStd]) as tf.SymbolicTensor;
      } else {
        params = dense(prefix, 'pi_out', paramSize, 'linear', 0.01).apply(h) as tf.SymbolicTensor;
      }
      break;
    }
    case 'residual-goal': {
      const { dim, creations } = spec;
      const g = new SliceFeatures({ name: `${prefix}_grounded`, begin: spec.groundedOffset, size: dim }).apply(obs) as tf.SymbolicTensor;
      const gRepeated = tf.layers.flatten({ name: `${prefix}_g_flat` }).apply(tf.layers.repeatVector({ name: `${prefix}_g_rep`, n: creations }).apply(g)) as tf.SymbolicTensor;
      const delta = dense(prefix, 'pi_delta', dim * creations, 'linear', 0.01).apply(mlp(`${prefix}_pi`, policyObs, spec.hidden)) as tf.SymbolicTensor;
      const mean = tf.layers.add({ name: `${prefix}_mean` }).apply([gRepeated, delta]) as tf.SymbolicTensor;
      const logStd = new StateIndependentLogStd({ name: `${prefix}_log_std`, size: dim * creations, init: spec.logStdInit }).apply(obs) as tf.SymbolicTensor;
      params = tf.layers.concatenate({ name: `${prefix}_params` }).apply([mean, logStd]) as tf.SymbolicTensor;
      break;
    }
    case 'pool-scorer': {
      const { pool: P, dim: D } = spec;
      const slice = (name: string, begin: number, size: number) => new SliceFeatures({ name: `${prefix}_${name}`, begin, size }).apply(obs) as tf.SymbolicTensor;
      const E = tf.layers.reshape({ name: `${prefix}_pool`, targetShape: [P, D] }).apply(slice('pool_flat', spec.poolOffset, P * D)) as tf.SymbolicTensor;
      const q = slice('estimate', spec.estimateOffset, D);
      const Q = tf.layers.repeatVector({ name: `${prefix}_q_rep`, n: P }).apply(q) as tf.SymbolicTensor;
      const EQ = tf.layers.multiply({ name: `${prefix}_eq` }).apply([E, Q]) as tf.SymbolicTensor;
      const poolMean = tf.layers.globalAveragePooling1d({ name: `${prefix}_pool_mean` }).apply(E) as tf.SymbolicTensor;
      const Emean = tf.layers.repeatVector({ name: `${prefix}_mean_rep`, n: P }).apply(poolMean) as tf.SymbolicTensor;
      const ctx = dense(prefix, 'ctx', 16, 'tanh').apply(slice('context', spec.contextOffset, spec.contextSize)) as tf.SymbolicTensor;
      const C = tf.layers.repeatVector({ name: `${prefix}_ctx_rep`, n: P }).apply(ctx) as tf.SymbolicTensor;
      const parts = [E, Q, EQ, Emean, C];
      if (spec.memoryOffset !== undefined && spec.memoryFeatures) {
        const f = spec.memoryFeatures;
        parts.push(tf.layers.reshape({ name: `${prefix}_memory`, targetShape: [P, f] }).apply(slice('memory_flat', spec.memoryOffset, P * f)) as tf.SymbolicTensor);
      }
      let h = tf.layers.concatenate({ name: `${prefix}_features`, axis: -1 }).apply(parts) as tf.SymbolicTensor;
      spec.hidden.forEach((units, i) => (h = dense(prefix, `score_h${i}`, units, 'tanh').apply(h) as tf.SymbolicTensor));
      const correction = dense(prefix, 'score_out', 1, 'linear', 0.01).apply(h) as tf.SymbolicTensor;
      // Greedy prior: c·(q·e) from e⊙q through one linear unit initialised to c, so the
      // untrained policy is a soft greedy user and learning adds corrections.
      const prior = tf.layers
        .dense({ name: `${prefix}_greedy_prior`, units: 1, useBias: false, kernelInitializer: tf.initializers.constant({ value: spec.priorScale }) })
        .apply(EQ) as tf.SymbolicTensor;
      const scores = tf.layers.add({ name: `${prefix}_scores` }).apply([prior, correction]) as tf.SymbolicTensor;
      params = tf.layers.flatten({ name: `${prefix}_logits` }).apply(scores) as tf.SymbolicTensor;
      if (P !== paramSize) throw new RangeError(`pool-scorer: the head needs ${paramSize} logits, the pool has ${P} entries`);
      break;
    }
  }
  return tf.model({ name: prefix, inputs: obs, outputs: [params, value] });
}
