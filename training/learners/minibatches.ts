import type { Rng } from '../../envs/core/rng.js';
import { explainedVariance, gatherRows, type Batch, type UpdateStats } from './batch.js';
import type { PpoConfig } from './ppo.js';

/** What one minibatch step reports; an update reports their means. */
export interface MinibatchStats {
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
  gradNorm: number;
}

/** Where each minibatch is gathered before its step: observations, actions and the per-row columns. */
export interface MinibatchBuffers {
  obs: Float32Array<ArrayBufferLike>;
  actions: Float32Array | Int32Array;
  cols: { logProb: Float32Array; values: Float32Array; adv: Float32Array; ret: Float32Array };
}

/** Buffers for minibatches of `mb` rows of `batch` (`obs` given where the engine keeps its own). */
export function minibatchBuffers(batch: Batch, mb: number, obs: Float32Array<ArrayBufferLike> = new Float32Array(mb * batch.obsSize)): MinibatchBuffers {
  const actions = batch.actions instanceof Int32Array ? new Int32Array(mb * batch.actionSize) : new Float32Array(mb * batch.actionSize);
  return { obs, actions, cols: { logProb: new Float32Array(mb), values: new Float32Array(mb), adv: new Float32Array(mb), ret: new Float32Array(mb) } };
}

/**
 * PPO's epochs over a host batch, the same for every engine: each epoch shuffles the rows,
 * gathers each full minibatch of `mb` rows into `buffers` (advantages normalised per
 * minibatch when the config says so), runs `step` on it, and stops early once a minibatch's
 * approximate KL passes the target. Returns the minibatches' mean statistics.
 */
export function ppoEpochs(batch: Batch, rng: Rng, c: PpoConfig, mb: number, buffers: MinibatchBuffers, step: () => MinibatchStats, learningRate: number): UpdateStats {
  const { n, obsSize, actionSize } = batch;
  const { obs, actions, cols } = buffers;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const sums: MinibatchStats = { policyLoss: 0, valueLoss: 0, entropy: 0, approxKl: 0, clipFraction: 0, gradNorm: 0 };
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
      const stats = step();
      for (const k of Object.keys(sums) as (keyof MinibatchStats)[]) sums[k] += stats[k];
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
    learningRate,
    minibatches: steps,
  };
}

/** Whether an update stops after a minibatch with this approximate KL. */
export function pastTargetKl(approxKl: number, targetKl: number): boolean {
  return targetKl > 0 && approxKl > 1.5 * targetKl;
}

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
