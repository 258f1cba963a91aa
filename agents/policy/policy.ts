import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../envs/core/rng.js';
import type { ActionHead } from './heads/head.js';
import { headFromJSON } from './heads/index.js';
import { FusedTwin } from './fused/twin.js';
import { buildNetwork, type NetworkSpec } from './networks.js';
import type { OwnerMemoryLayout } from './owner-memory.js';

/** What a policy is, as JSON: enough to rebuild its network and head (checkpoint manifests). */
export interface PolicySpec {
  /** Prefix of every layer name ("user", "goal"). */
  name: string;
  network: NetworkSpec;
  head: ReturnType<ActionHead['toJSON']>;
  /**
   * A User Buddy's memory of its own picks and feedback, appended to the env's observation
   * by whoever plays the policy (PolicyActor); the network's obsSize includes it.
   */
  memory?: OwnerMemoryLayout;
  /**
   * A centralised critic: the env's privileged features of the hidden state (GameKernel
   * `critic`), `size` numbers appended to the observation (after any memory) by whoever plays
   * the policy; only the value reads them. The network's obsSize includes them.
   */
  critic?: { size: number };
}

export interface ActResult {
  /** The observations the policy acted on, [n, obsSize] (after any memory augmentation). */
  obs?: Float32Array;
  /** The sampled actions as the head returns them (Gaussian: pre-clip u; Subset: indices), [n, actionSize]. */
  actions: Float32Array | Int32Array;
  logProb: Float32Array;
  value: Float32Array;
}

/** Where a policy computes: tfjs ops on the active backend, or the fused CPU engine (agents/policy/fused/). */
export type PolicyEngine = 'tfjs' | 'fused';

/**
 * An actor-critic for one role: a tfjs LayersModel mapping a flat observation [B, obsSize]
 * to [head parameters [B, paramSize], value [B, 1]], and the action head that turns the
 * parameters into a distribution. Sampling noise comes from our seeded Rng, so rollouts are
 * reproducible on every backend.
 *
 * With the fused engine (`useFused`) the same network runs as fused WebAssembly kernels and
 * its weights live there (the fused learner updates them); the tfjs model stays the format
 * of record and is brought up to date whenever `model` is read.
 */
export class Policy {
  readonly head: ActionHead;
  private readonly tfModel: tf.LayersModel;
  private noise = new Float32Array(0);
  private twin: FusedTwin | null = null;
  /** The twin's weight version the tfjs model holds. */
  private synced = 0;

  /** A new policy with weights initialised from `initSeed`, or around a loaded `model`. */
  constructor(
    readonly spec: PolicySpec,
    init: { initSeed: number } | { model: tf.LayersModel },
  ) {
    this.head = headFromJSON(spec.head);
    this.tfModel = 'model' in init ? init.model : buildNetwork(spec.name, spec.network, this.head.paramSize, init.initSeed);
    const [paramsShape, valueShape] = this.tfModel.outputs.map((o) => o.shape);
    if (paramsShape?.[1] !== this.head.paramSize || valueShape?.[1] !== 1) {
      throw new RangeError(`policy "${spec.name}": the network outputs [${paramsShape}] and [${valueShape}], the head needs [null, ${this.head.paramSize}] and [null, 1]`);
    }
  }

  get obsSize(): number {
    return this.spec.network.obsSize;
  }

  /** The tfjs model, holding the current weights (copied from the fused engine when they changed there). */
  get model(): tf.LayersModel {
    if (this.twin && this.synced !== this.twin.version) {
      const values = this.twin.getWeights();
      const tensors = this.tfModel.getWeights().map((w, i) => tf.tensor(values[i], w.shape, w.dtype));
      this.tfModel.setWeights(tensors);
      tf.dispose(tensors);
      this.synced = this.twin.version;
    }
    return this.tfModel;
  }

  get engine(): PolicyEngine {
    return this.twin ? 'fused' : 'tfjs';
  }

  /** Moves the policy to the fused engine (its current weights go with it); a no-op when it is there. */
  useFused(): this {
    if (this.twin) return this;
    const weights = this.tfModel.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[] }));
    this.twin = new FusedTwin(this.spec.name, this.spec.network, this.head, weights, this.getWeights());
    this.synced = this.twin.version;
    return this;
  }

  /** The fused engine's form of this policy (throws unless `useFused` was called). */
  get fused(): FusedTwin {
    if (!this.twin) throw new Error(`policy "${this.spec.name}" runs on tfjs: call useFused() first`);
    return this.twin;
  }

  /** Head parameters and value (differentiable; call inside a tidy or variableGrads). */
  forward(obs: tf.Tensor2D): { params: tf.Tensor2D; value: tf.Tensor1D } {
    const [params, value] = this.model.apply(obs) as tf.Tensor[];
    return { params: params as tf.Tensor2D, value: value.reshape([-1]) as tf.Tensor1D };
  }

  /** Samples actions for n observations (flat [n, obsSize]); noise is drawn from `rng`. */
  act(obs: Float32Array, n: number, rng: Rng): ActResult {
    if (this.twin) return this.twin.act(obs, n, rng);
    const { kind, size } = this.head.noise;
    if (this.noise.length < n * size) this.noise = new Float32Array(n * size);
    const noise = this.noise.subarray(0, n * size);
    if (kind === 'normal') rng.fillNormal(noise, 0, n * size);
    else for (let i = 0; i < n * size; i++) noise[i] = rng.uniform();
    const [actions, logProb, value] = tf.tidy(() => {
      const { params, value } = this.forward(tf.tensor2d(obs.subarray(0, n * this.obsSize), [n, this.obsSize]));
      const s = this.head.sample(params, tf.tensor2d(noise, [n, size]));
      return [s.actions, s.logProb, value];
    });
    const out = {
      actions: actions.dataSync() as Float32Array | Int32Array,
      logProb: logProb.dataSync() as Float32Array,
      value: value.dataSync() as Float32Array,
    };
    tf.dispose([actions, logProb, value]);
    return out;
  }

  /** The deterministic action for n observations (Gaussian mean, argmax, top-k of logits), for evaluation. */
  mode(obs: Float32Array, n: number): Float32Array | Int32Array {
    if (this.twin) return this.twin.mode(obs, n);
    const a = tf.tidy(() => this.head.mode(this.forward(tf.tensor2d(obs.subarray(0, n * this.obsSize), [n, this.obsSize])).params));
    const out = a.dataSync() as Float32Array | Int32Array;
    a.dispose();
    return out;
  }

  /** Values only, for bootstrapping. */
  values(obs: Float32Array, n: number): Float32Array {
    if (this.twin) return this.twin.values(obs, n);
    const v = tf.tidy(() => this.forward(tf.tensor2d(obs.subarray(0, n * this.obsSize), [n, this.obsSize])).value);
    const out = v.dataSync() as Float32Array;
    v.dispose();
    return out;
  }

  /** A policy with the same spec, engine and a copy of these weights (a frozen snapshot or an opponent). */
  clone(): Policy {
    const copy = new Policy(this.spec, { initSeed: 0 });
    copy.setWeights(this.getWeights());
    if (this.twin) copy.useFused();
    return copy;
  }

  getWeights(): Float32Array[] {
    if (this.twin) return this.twin.getWeights();
    return this.tfModel.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  }

  setWeights(weights: readonly Float32Array[]): void {
    const current = this.tfModel.getWeights();
    if (weights.length !== current.length) throw new RangeError(`policy "${this.spec.name}": ${weights.length} weight arrays given, the network has ${current.length}`);
    if (this.twin) {
      this.twin.setWeights(weights);
      return;
    }
    const tensors = current.map((w, i) => tf.tensor(weights[i], w.shape));
    this.tfModel.setWeights(tensors);
    tf.dispose(tensors);
  }

  dispose(): void {
    this.twin?.dispose();
    this.tfModel.dispose();
  }
}
