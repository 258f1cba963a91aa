import * as tf from '@tensorflow/tfjs';
import { OWNER_MEMORY_FEATURES, type OwnerMemoryLayout } from '../../agents/policy/owner-memory.js';

/**
 * `OwnerMemory` (agents/policy/owner-memory.ts) in tensor ops: per row (copy × user) and
 * goal, the picks and summed feedback of this episode, kept on the device between calls.
 * Same contract: call `augment` exactly once per user phase; a row whose progress is 0
 * starts a new episode (its memory is cleared, its −1 selections ignored). Float32 where the
 * host keeps float64: counts are exact, ratings agree to float32 rounding.
 */
export class DeviceOwnerMemory {
  readonly outSize: number;
  private picks: tf.Tensor2D | null = null;
  private score: tf.Tensor2D | null = null;

  constructor(readonly layout: OwnerMemoryLayout) {
    this.outSize = layout.obsSize + layout.pool * OWNER_MEMORY_FEATURES;
    if (layout.goals * layout.creations !== layout.pool) {
      throw new RangeError(`DeviceOwnerMemory: pool ${layout.pool} is not goals ${layout.goals} × creations ${layout.creations}`);
    }
  }

  /** `obs` [rows, obsSize] user observations → [rows, outSize] (a new tensor the caller owns). */
  augment(obs: tf.Tensor2D): tf.Tensor2D {
    const L = this.layout;
    if (obs.rank !== 2 || obs.shape[1] !== L.obsSize) throw new RangeError(`DeviceOwnerMemory: observations must be [rows, ${L.obsSize}], got [${obs.shape.join(', ')}]`);
    const rows = obs.shape[0];
    if (this.picks && this.picks.shape[0] !== rows) this.clear();
    const [picks, score, out] = tf.tidy(() => {
      const column = (offset: number, width: number) => tf.slice(obs, [0, offset], [rows, width]);
      const progress = column(L.progressOffset, 1); // [rows, 1]
      const selection = column(L.lastSelectionOffset, L.slots); // [rows, N], −1 for none
      const feedback = column(L.lastFeedbackOffset, L.slots);
      // hits[r, n, k] = 1 when slot n picked an entry of goal k (a −1 selection has owner −1:
      // no goal). A comparison, not tf.oneHot, which misbehaves on wasm and webgpu.
      const owner = tf.floor(tf.div(selection, L.creations));
      const hits = tf.cast(tf.equal(tf.expandDims(owner, 2), tf.reshape(tf.range(0, L.goals, 1, 'float32'), [1, 1, L.goals])), 'float32'); // [rows, N, G]
      const newEpisode = tf.equal(progress, 0);
      const fold = (prev: tf.Tensor2D | null, add: tf.Tensor) => {
        const sum = prev ? tf.add(prev, add) : add;
        return tf.where(newEpisode, tf.zerosLike(sum), sum) as tf.Tensor2D;
      };
      const picks = fold(this.picks, tf.sum(hits, 1));
      const score = fold(this.score, tf.sum(tf.mul(hits, tf.expandDims(feedback, 2)), 1));
      const rate =
        L.feedback === 'click'
          ? tf.sub(tf.div(tf.add(score, 1), tf.add(picks, 2)), 0.5)
          : tf.where(tf.greater(picks, 0), tf.div(score, tf.maximum(picks, 1)), tf.zerosLike(picks));
      const roundsSoFar = tf.maximum(tf.round(tf.mul(progress, L.rounds)), 1);
      const share = tf.div(picks, roundsSoFar);
      // Pool entry i belongs to goal ⌊i / M⌋: repeat each goal's feature M times.
      const perEntry = (x: tf.Tensor) => tf.reshape(tf.tile(tf.expandDims(x, 2), [1, 1, L.creations]), [rows, L.pool]);
      const features = tf.reshape(tf.stack([perEntry(rate), perEntry(share)], 2), [rows, L.pool * OWNER_MEMORY_FEATURES]);
      return [picks, score, tf.concat([obs, features], 1) as tf.Tensor2D];
    });
    this.clear();
    this.picks = picks;
    this.score = score;
    return out;
  }

  /** Forgets every row's memory (the next call starts from zero counts). */
  clear(): void {
    this.picks?.dispose();
    this.score?.dispose();
    this.picks = this.score = null;
  }

  dispose(): void {
    this.clear();
  }
}
