import type { Rng } from '../../../envs/core/rng.js';
import { drawNoise, type ActionHead } from '../heads/head.js';
import type { NetworkSpec } from '../networks.js';
import { fusedHeadFor, type FusedHead } from './heads.js';
import { buildFusedNet, type FusedNet } from './net.js';
import type { WeightInfo } from './params.js';
import { fusedRuntime, type FusedRuntime } from './runtime.js';

/** What a policy's act returns (the same shape as Policy.act's). */
export interface FusedActResult {
  actions: Float32Array | Int32Array;
  logProb: Float32Array;
  value: Float32Array;
}

/**
 * A policy's network and head in the fused engine: acting, evaluating and values for flat
 * observations, and the weights as one block that the fused learner updates. `version`
 * counts changes of the weights, so the owner knows when its tfjs model is stale.
 */
export class FusedTwin {
  readonly net: FusedNet;
  readonly head: FusedHead;
  readonly rt: FusedRuntime;
  version = 0;
  private obsPtr = 0;
  private obsRows = 0;
  private noise = new Float32Array(0);

  constructor(
    readonly name: string,
    spec: NetworkSpec,
    readonly tfHead: ActionHead,
    weights: readonly WeightInfo[],
    values: readonly Float32Array[],
    rt = fusedRuntime(),
  ) {
    this.rt = rt;
    this.head = fusedHeadFor(tfHead);
    this.net = buildFusedNet(rt, name, spec, tfHead.paramSize, weights);
    this.net.params.set(values);
  }

  get obsSize(): number {
    return this.net.obsSize;
  }

  /** Copies n observations into the engine's memory; returns their byte offset. */
  load(obs: Float32Array, n: number): number {
    if (n > this.obsRows) {
      if (this.obsPtr) this.rt.release(this.obsPtr);
      this.obsRows = Math.max(n, 2 * this.obsRows);
      this.obsPtr = this.rt.alloc(this.obsRows * this.obsSize);
    }
    this.rt.f32(this.obsPtr, n * this.obsSize).set(obs.subarray(0, n * this.obsSize));
    return this.obsPtr;
  }

  act(obs: Float32Array, n: number, rng: Rng): FusedActResult {
    const { size } = this.tfHead.noise;
    if (this.noise.length < n * size) this.noise = new Float32Array(n * size);
    drawNoise(this.tfHead, rng, n, this.noise);
    const out = this.net.forward(this.load(obs, n), n, true, true);
    const params = this.rt.f32(out.params, n * this.head.paramSize);
    const actions = this.tfHead.actionDtype === 'int32' ? new Int32Array(n * this.head.actionSize) : new Float32Array(n * this.head.actionSize);
    const logProb = new Float32Array(n);
    this.head.sample(params, n, this.noise, actions, logProb);
    return { actions, logProb, value: this.rt.f32(out.value, n).slice() };
  }

  mode(obs: Float32Array, n: number): Float32Array | Int32Array {
    const out = this.net.forward(this.load(obs, n), n, true, false);
    const actions = this.tfHead.actionDtype === 'int32' ? new Int32Array(n * this.head.actionSize) : new Float32Array(n * this.head.actionSize);
    this.head.mode(this.rt.f32(out.params, n * this.head.paramSize), n, actions);
    return actions;
  }

  values(obs: Float32Array, n: number): Float32Array {
    const out = this.net.forward(this.load(obs, n), n, false, true);
    return this.rt.f32(out.value, n).slice();
  }

  /** Head parameters of n observations (a copy), for tests and diagnostics. */
  headParams(obs: Float32Array, n: number): Float32Array {
    const out = this.net.forward(this.load(obs, n), n, true, false);
    return this.rt.f32(out.params, n * this.head.paramSize).slice();
  }

  getWeights(): Float32Array[] {
    return this.net.params.get();
  }

  setWeights(values: readonly Float32Array[]): void {
    this.net.params.set(values);
    this.version++;
  }

  dispose(): void {
    if (this.obsPtr) this.rt.release(this.obsPtr);
    this.obsPtr = 0;
    this.net.dispose();
  }
}
