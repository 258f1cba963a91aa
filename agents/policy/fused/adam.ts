import * as tf from '@tensorflow/tfjs';
import type { ParamBlock } from './params.js';

/**
 * Adam over a network's whole parameter block in one SIMD pass, with tfjs's arithmetic: the
 * bias corrections 1 − β^t come from accBeta1/accBeta2, kept as float32 running products
 * exactly as tf.train.adam keeps them, so the state converts to and from a tfjs
 * AdamOptimizer (the checkpoint format) without loss.
 */
export class FusedAdam {
  readonly m: number;
  readonly v: number;
  /** Steps taken (tfjs's `iterations`). */
  steps = 0;
  accBeta1: number;
  accBeta2: number;

  constructor(
    readonly block: ParamBlock,
    readonly learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-5,
  ) {
    this.m = block.rt.alloc(block.size);
    this.v = block.rt.alloc(block.size);
    this.accBeta1 = Math.fround(beta1);
    this.accBeta2 = Math.fround(beta2);
  }

  /** One step on the block's gradients. */
  step(learningRate = this.learningRate): void {
    const b = this.block;
    const c1 = Math.fround(1 - this.accBeta1);
    const c2 = Math.fround(1 - this.accBeta2);
    b.rt.k.adam(b.params, b.grads, this.m, this.v, learningRate, this.beta1, this.beta2, this.epsilon, c1, c2, b.size);
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
    this.steps++;
  }

  /**
   * A tfjs AdamOptimizer holding this state (what tf.train.adam would hold after the same
   * steps on variables named `names`, in slot order): for checkpoints. The caller disposes it.
   */
  async toTfjs(names: readonly string[]): Promise<tf.AdamOptimizer> {
    const b = this.block;
    if (names.length !== b.slots.length) throw new RangeError(`FusedAdam.toTfjs: ${names.length} names for ${b.slots.length} weights`);
    const opt = tf.train.adam(this.learningRate, this.beta1, this.beta2, this.epsilon);
    const m = b.rt.f32(this.m, b.size);
    const v = b.rt.f32(this.v, b.size);
    const moment = (all: Float32Array, suffix: string) => b.slots.map((s, i) => ({ name: `${names[i]}/${suffix}`, tensor: tf.tensor(all.slice(s.offset, s.offset + s.size), [...s.shape]) }));
    const weights = [{ name: 'iter', tensor: tf.scalar(this.steps, 'int32') }, ...moment(m, 'm'), ...moment(v, 'v')];
    await opt.setWeights(weights);
    tf.dispose(weights.map((w) => w.tensor));
    const hidden = opt as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
    hidden.accBeta1.assign(tf.scalar(this.accBeta1));
    hidden.accBeta2.assign(tf.scalar(this.accBeta2));
    return opt;
  }

  /** Takes the state of a tfjs AdamOptimizer (as restored from a checkpoint) for the same weights. */
  async fromTfjs(opt: tf.Optimizer): Promise<void> {
    const b = this.block;
    const named = await opt.getWeights();
    const [iter, ...moments] = named;
    if (moments.length !== 2 * b.slots.length) throw new RangeError(`FusedAdam.fromTfjs: the optimizer holds ${moments.length / 2} moment pairs, the network has ${b.slots.length} weights`);
    const m = b.rt.f32(this.m, b.size);
    const v = b.rt.f32(this.v, b.size);
    b.slots.forEach((s, i) => {
      m.set(moments[i].tensor.dataSync() as Float32Array, s.offset);
      v.set(moments[b.slots.length + i].tensor.dataSync() as Float32Array, s.offset);
    });
    this.steps = iter.tensor.dataSync()[0];
    const hidden = opt as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
    this.accBeta1 = hidden.accBeta1.dataSync()[0];
    this.accBeta2 = hidden.accBeta2.dataSync()[0];
  }

  dispose(): void {
    this.block.rt.release(this.m);
    this.block.rt.release(this.v);
  }
}
