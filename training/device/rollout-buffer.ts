import * as tf from '@tensorflow/tfjs';
import type { TensorBatch } from '../learners/batch.js';
import type { ReturnScaler } from '../learners/return-scaler.js';
import { gaeOnDevice } from '../learners/gae.js';
import { scaleRewardsOnDevice } from './return-scaling.js';

/**
 * One role's transitions over an episode of T rounds for E = B·count agents, as tensors
 * kept per round on the device: the device twin of training/self-play/trajectory.ts. It
 * takes ownership of what it is given; `toBatch` turns it into a step-major TensorBatch
 * ([T·E] rows, row t·E + e, the Trajectory's order) and empties it.
 */
export class TensorRollout {
  private obs: (tf.Tensor2D | null)[];
  private actions: (tf.Tensor2D | null)[];
  private logProb: (tf.Tensor1D | null)[];
  private values: (tf.Tensor1D | null)[];
  private rewards: (tf.Tensor1D | null)[];
  private readonly done: Uint8Array;

  constructor(
    readonly T: number,
    readonly E: number,
    readonly obsSize: number,
    readonly actionSize: number,
  ) {
    if (!Number.isInteger(T) || T < 1 || !Number.isInteger(E) || E < 1) throw new RangeError(`TensorRollout: T and E must be positive integers, got ${T} and ${E}`);
    this.obs = new Array(T).fill(null);
    this.actions = new Array(T).fill(null);
    this.logProb = new Array(T).fill(null);
    this.values = new Array(T).fill(null);
    this.rewards = new Array(T).fill(null);
    this.done = new Uint8Array(T);
  }

  /** The observations [E, obsSize] acted on at round t and the policy's sample (owned from now on). */
  record(t: number, obs: tf.Tensor2D, sample: { actions: tf.Tensor2D; logProb: tf.Tensor1D; value: tf.Tensor1D }): void {
    this.checkRound(t, this.obs[t], 'record');
    expectShape(obs, [this.E, this.obsSize], 'observations');
    expectShape(sample.actions, [this.E, this.actionSize], 'actions');
    this.obs[t] = obs;
    this.actions[t] = sample.actions;
    this.logProb[t] = sample.logProb;
    this.values[t] = sample.value;
  }

  /** The rewards [E] of round t (owned from now on) and whether the episode ended there. */
  reward(t: number, rewards: tf.Tensor1D, ended: boolean): void {
    this.checkRound(t, this.rewards[t], 'reward');
    expectShape(rewards, [this.E], 'rewards');
    this.rewards[t] = tf.cast(rewards, 'float32') as tf.Tensor1D;
    if (this.rewards[t] !== rewards) rewards.dispose();
    this.done[t] = ended ? 1 : 0;
  }

  /**
   * GAE advantages and returns, on rewards scaled by `scaler` (two scalars read back); every
   * episode ends inside the rollout (nothing to bootstrap). The caller owns the batch.
   */
  toBatch(gamma: number, lambda: number, scaler?: ReturnScaler): TensorBatch {
    const { T, E } = this;
    for (let t = 0; t < T; t++) {
      if (!this.obs[t] || !this.rewards[t]) throw new Error(`TensorRollout.toBatch: round ${t} of ${T} was not ${this.obs[t] ? 'rewarded' : 'recorded'}`);
    }
    const [obs, actions, logProb, values, rewards] = [this.obs, this.actions, this.logProb, this.values, this.rewards] as [tf.Tensor2D[], tf.Tensor2D[], tf.Tensor1D[], tf.Tensor1D[], tf.Tensor1D[]];
    this.clear(); // the tensors are consumed below, whatever happens
    try {
      return tf.tidy(() => {
        const done = tf.tensor2d(Float32Array.from({ length: T * E }, (_, i) => this.done[Math.floor(i / E)]), [T, E]);
        const v = tf.stack(values) as tf.Tensor2D;
        let r = tf.stack(rewards) as tf.Tensor2D;
        if (scaler) r = scaleRewardsOnDevice(scaler, r, done, gamma);
        const { advantages, returns } = gaeOnDevice(r, v, done, tf.zeros([E]), gamma, lambda);
        return {
          n: T * E,
          obsSize: this.obsSize,
          actionSize: this.actionSize,
          obs: tf.concat(obs) as tf.Tensor2D,
          actions: tf.concat(actions) as tf.Tensor2D,
          logProb: tf.concat(logProb) as tf.Tensor1D,
          values: tf.reshape(v, [T * E]) as tf.Tensor1D,
          advantages: tf.reshape(advantages, [T * E]) as tf.Tensor1D,
          returns: tf.reshape(returns, [T * E]) as tf.Tensor1D,
        };
      });
    } finally {
      tf.dispose([...obs, ...actions, ...logProb, ...values, ...rewards]);
    }
  }

  /** Drops every tensor held (an abandoned episode). */
  dispose(): void {
    const lists: (tf.Tensor | null)[][] = [this.obs, this.actions, this.logProb, this.values, this.rewards];
    for (const list of lists) tf.dispose(list.filter((x): x is tf.Tensor => x !== null));
    this.clear();
  }

  private clear(): void {
    const T = this.T;
    this.obs = new Array(T).fill(null);
    this.actions = new Array(T).fill(null);
    this.logProb = new Array(T).fill(null);
    this.values = new Array(T).fill(null);
    this.rewards = new Array(T).fill(null);
  }

  private checkRound(t: number, slot: tf.Tensor | null, what: string): void {
    if (!Number.isInteger(t) || t < 0 || t >= this.T) throw new RangeError(`TensorRollout.${what}: round ${t} is outside [0, ${this.T})`);
    if (slot) throw new Error(`TensorRollout.${what}: round ${t} was already given`);
  }
}

/** Throws unless `t` has exactly `shape`. */
export function expectShape(t: tf.Tensor, shape: readonly number[], what: string): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new RangeError(`${what} must have shape [${shape.join(', ')}], got [${t.shape.join(', ')}]`);
  }
}
