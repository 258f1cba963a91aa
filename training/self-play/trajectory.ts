import type { ActResult } from '../../agents/policy/policy.js';
import { gae } from '../learners/gae.js';
import type { ReturnScaler } from '../learners/return-scaler.js';
import type { Batch } from '../learners/batch.js';

/**
 * One role's transitions over an episode of T rounds for E = B·count agents, step-major
 * [T, E, …]: what a learner needs, collected by the rollout and turned into a Batch by GAE.
 */
export class Trajectory {
  readonly obs: Float32Array;
  readonly actions: Float32Array | Int32Array;
  readonly logProb: Float32Array;
  readonly values: Float32Array;
  readonly rewards: Float64Array;
  readonly done: Uint8Array;
  private readonly adv: Float32Array;
  private readonly ret: Float32Array;

  /**
   * `rows` maps the trajectory's E agents to rows of the role's [B × count] reward array
   * (default: the first E rows), for a side of which only some agents learn.
   */
  constructor(
    readonly T: number,
    readonly E: number,
    readonly obsSize: number,
    readonly actionSize: number,
    integerActions: boolean,
    readonly rows: Int32Array | null = null,
  ) {
    if (rows && rows.length !== E) throw new RangeError(`Trajectory: ${rows.length} reward rows for ${E} agents`);
    const n = T * E;
    this.obs = new Float32Array(n * obsSize);
    this.actions = integerActions ? new Int32Array(n * actionSize) : new Float32Array(n * actionSize);
    this.logProb = new Float32Array(n);
    this.values = new Float32Array(n);
    this.rewards = new Float64Array(n);
    this.done = new Uint8Array(n);
    this.adv = new Float32Array(n);
    this.ret = new Float32Array(n);
  }

  /** The role's observations and the policy's sample at round t. */
  record(t: number, observations: Float32Array, sample: ActResult): void {
    const { E, obsSize, actionSize } = this;
    this.obs.set(observations.subarray(0, E * obsSize), t * E * obsSize);
    this.actions.set(sample.actions.subarray(0, E * actionSize), t * E * actionSize);
    this.logProb.set(sample.logProb.subarray(0, E), t * E);
    this.values.set(sample.value.subarray(0, E), t * E);
  }

  /** The role's rewards at round t and whether the episode ended there. */
  reward(t: number, rewards: Float64Array, ended: boolean): void {
    if (this.rows) for (let e = 0; e < this.E; e++) this.rewards[t * this.E + e] = rewards[this.rows[e]];
    else this.rewards.set(rewards.subarray(0, this.E), t * this.E);
    this.done.fill(ended ? 1 : 0, t * this.E, (t + 1) * this.E);
  }

  /**
   * GAE advantages and returns, on rewards scaled by `scaler` (in place); every episode
   * ends inside the trajectory (nothing to bootstrap).
   */
  toBatch(gamma: number, lambda: number, scaler?: ReturnScaler): Batch {
    const { T, E } = this;
    scaler?.scale(this.rewards, this.done, T, E, gamma);
    gae(this.rewards, this.values, this.done, new Float32Array(E), T, E, gamma, lambda, this.adv, this.ret);
    return {
      n: T * E,
      obsSize: this.obsSize,
      actionSize: this.actionSize,
      obs: this.obs,
      actions: this.actions,
      logProb: this.logProb,
      values: this.values,
      advantages: this.adv,
      returns: this.ret,
    };
  }
}
