import * as tf from '@tensorflow/tfjs';
import { FusedAdam } from '../../agents/policy/fused/adam.js';
import type { FusedTwin } from '../../agents/policy/fused/twin.js';
import type { Policy } from '../../agents/policy/policy.js';
import { restoreOptimizer, type LoadedCheckpoint } from '../../checkpoints/index.js';
import type { Rng } from '../../envs/core/rng.js';
import type { Batch, UpdateStats } from './batch.js';
import type { Learner } from './learner.js';
import { minibatchBuffers, ppoEpochs, type MinibatchBuffers, type MinibatchStats } from './minibatches.js';
import type { PpoConfig } from './ppo.js';

/**
 * PpoLearner's update (ppo.ts: the same minibatches from the same shuffles, the same loss,
 * global-norm clipping and tfjs's Adam) on the fused engine: forward and backward are the
 * hand-derived passes of agents/policy/fused/, in WebAssembly SIMD kernels split across
 * threads, with the head and the loss as plain loops. No tfjs op runs in an update. The
 * policy moves to the fused engine; its tfjs model is refreshed when read.
 */
export class FusedPpoLearner implements Learner {
  readonly adam: FusedAdam;
  private readonly twin: FusedTwin;
  private obsPtr = 0;
  private rows = 0;
  private dParams = 0;
  private dValue = 0;
  /** Per-row log-probabilities, entropies and ∂L/∂logp of the minibatch (reused). */
  private lr: number;
  private logp = new Float64Array(0);
  private ent = new Float64Array(0);
  private dLogp = new Float64Array(0);

  constructor(
    readonly policy: Policy,
    readonly config: PpoConfig,
  ) {
    this.twin = policy.useFused().fused;
    this.adam = new FusedAdam(this.twin.net.params, config.learningRate, 0.9, 0.999, 1e-5);
    this.lr = config.learningRate;
  }

  /** The learning rate of the next updates (an annealing schedule sets it per iteration). */
  setLearningRate(lr: number): void {
    this.lr = lr;
  }

  private buffers(mb: number): void {
    if (mb <= this.rows) return;
    const rt = this.twin.rt;
    for (const p of [this.obsPtr, this.dParams, this.dValue]) if (p) rt.release(p);
    this.rows = mb;
    this.obsPtr = rt.alloc(mb * this.twin.obsSize);
    this.dParams = rt.alloc(mb * this.twin.head.paramSize);
    this.dValue = rt.alloc(mb);
    this.logp = new Float64Array(mb);
    this.ent = new Float64Array(mb);
    this.dLogp = new Float64Array(mb);
  }

  update(batch: Batch, rng: Rng): UpdateStats {
    const { n, obsSize } = batch;
    if (obsSize !== this.twin.obsSize) throw new RangeError(`FusedPpoLearner: the batch has obsSize ${obsSize}, the policy ${this.twin.obsSize}`);
    const mb = Math.min(this.config.minibatchSize, n);
    this.buffers(mb);
    const buffers = minibatchBuffers(batch, mb, this.twin.rt.f32(this.obsPtr, mb * obsSize));
    return ppoEpochs(batch, rng, this.config, mb, buffers, () => this.step(mb, buffers.actions, buffers.cols), this.lr);
  }

  /**
   * One Adam step on the minibatch in the engine's obs buffer: L = −E[min(ρA, clip(ρ)A)]
   * + c_v·½E[(V − R)²] − c_e·E[H], differentiated as tfjs differentiates it (minimum's
   * gradient to the first argument on ties, clipByValue's zero outside the clip).
   */
  private step(mb: number, actions: MinibatchBuffers['actions'], cols: MinibatchBuffers['cols']): MinibatchStats {
    const c = this.config;
    const { net, head, rt } = this.twin;
    const block = net.params;
    block.zeroGrads();
    const out = net.forward(this.obsPtr, mb, true, true);
    const params = rt.f32(out.params, mb * head.paramSize);
    const value = rt.f32(out.value, mb);
    const { logp, ent, dLogp } = this;
    head.evaluate(params, mb, actions, logp, ent);
    const dValue = rt.f32(this.dValue, mb);
    let policyLoss = 0;
    let valueLoss = 0;
    let entropy = 0;
    let approxKl = 0;
    let clipped = 0;
    for (let i = 0; i < mb; i++) {
      const logRatio = logp[i] - cols.logProb[i];
      const ratio = Math.exp(logRatio);
      const A = cols.adv[i];
      const r = ratio < 1 - c.clip ? 1 - c.clip : ratio > 1 + c.clip ? 1 + c.clip : ratio;
      const s1 = ratio * A;
      const s2 = r * A;
      policyLoss -= Math.min(s1, s2);
      const dSurr = s1 <= s2 ? A : ratio >= 1 - c.clip && ratio <= 1 + c.clip ? A : 0;
      dLogp[i] = (-dSurr * ratio) / mb;
      const V = value[i];
      const R = cols.ret[i];
      let err = (V - R) ** 2;
      let dV = V - R;
      if (c.clipValueLoss) {
        const old = cols.values[i];
        const delta = V - old;
        const vc = old + (delta < -c.clip ? -c.clip : delta > c.clip ? c.clip : delta);
        const err2 = (vc - R) ** 2;
        if (err2 > err) {
          err = err2;
          dV = delta >= -c.clip && delta <= c.clip ? vc - R : 0;
        }
      }
      valueLoss += 0.5 * err;
      dValue[i] = (c.valueCoef * dV) / mb;
      entropy += ent[i];
      approxKl += ratio - 1 - logRatio;
      if (Math.abs(ratio - 1) > c.clip) clipped++;
    }
    head.backward(params, mb, actions, dLogp, -c.entropyCoef / mb, rt.f32(this.dParams, mb * head.paramSize));
    net.backward(this.obsPtr, mb, this.dParams, this.dValue);
    const norm = Math.sqrt(rt.k.sumsq(block.grads, block.size));
    const scale = Math.min(1, c.maxGradNorm / (norm + 1e-6));
    if (scale < 1) rt.k.scale(block.grads, scale, block.size);
    this.adam.step(this.lr);
    this.twin.version++;
    return { policyLoss: policyLoss / mb, valueLoss: valueLoss / mb, entropy: entropy / mb, approxKl: approxKl / mb, clipFraction: clipped / mb, gradNorm: norm };
  }

  /** The optimiser state as the tfjs AdamOptimizer that the tfjs learner would hold (the checkpoint format). */
  async exportOptimizer(): Promise<{ optimizer: tf.Optimizer; owned: boolean }> {
    return { optimizer: await this.adam.toTfjs(this.variableNames()), owned: true };
  }

  /** Restores through a fresh tfjs AdamOptimizer (the checkpoint format), then takes its state. */
  async restoreOptimizer(loaded: LoadedCheckpoint, name: string): Promise<void> {
    if (this.adam.steps !== 0) throw new Error(`FusedPpoLearner: restore into a fresh learner (this one has taken ${this.adam.steps} steps)`);
    const opt = tf.train.adam(this.config.learningRate, this.adam.beta1, this.adam.beta2, this.adam.epsilon);
    try {
      await restoreOptimizer(opt, loaded, name);
      await this.adam.fromTfjs(opt);
    } finally {
      opt.dispose();
    }
  }

  /** The names tfjs's Adam gives its slots: the model's variables, in order. */
  private variableNames(): string[] {
    return this.policy.model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
  }

  dispose(): void {
    const rt = this.twin.rt;
    for (const p of [this.obsPtr, this.dParams, this.dValue]) if (p) rt.release(p);
    this.rows = 0;
    this.obsPtr = this.dParams = this.dValue = 0;
    this.adam.dispose();
  }
}
