import * as tf from '@tensorflow/tfjs';
import type { EpisodeStats } from '../rollouts/episode-stats.js';

/**
 * Sums an episode's round metrics and every agent's reward on the device, and reads them
 * back once at the end (the episode's only metric transfer): what `playEpisode` of
 * training/self-play/rollout.ts reports (EpisodeStats), in the same units.
 */
export class EpisodeMeter {
  private names: string[] | null = null;
  /** [metric sums…, role 0's per-agent reward sums…, role 1's…]. */
  private sum: tf.Tensor1D | null = null;
  private rounds = 0;

  /** `counts`: agents per role (the rewards are [B·count] each). */
  constructor(
    readonly batch: number,
    readonly counts: readonly number[],
  ) {}

  /** Adds one round: the env's metrics (each a mean over copies) and each role's rewards. Consumes nothing. */
  add(metrics: Readonly<Record<string, tf.Scalar>>, rewards: readonly tf.Tensor1D[]): void {
    const names = (this.names ??= Object.keys(metrics));
    const prev = this.sum;
    this.sum = tf.tidy(() => {
      // Each agent's reward averaged over copies: [B·C] → [C].
      const perAgent = rewards.map((r, ri) => tf.mean(tf.reshape(r, [this.batch, this.counts[ri]]), 0));
      const round = tf.concat([tf.stack(names.map((n) => metrics[n])), ...perAgent]) as tf.Tensor1D;
      return prev ? (tf.add(prev, round) as tf.Tensor1D) : round;
    });
    prev?.dispose();
    this.rounds++;
  }

  /** Reads the sums back (one transfer) and returns the means over rounds and copies. */
  finish(): EpisodeStats {
    if (!this.sum || !this.names) throw new Error('EpisodeMeter.finish: no round was added');
    const T = this.rounds;
    const sums = this.sum.dataSync();
    const metrics: Record<string, number> = {};
    this.names.forEach((name, m) => (metrics[name] = sums[m] / T));
    let offset = this.names.length;
    const agentReward = this.counts.map((c) => {
      const a = Array.from(sums.subarray(offset, offset + c), (x) => x / T);
      offset += c;
      return a;
    });
    const meanReward = agentReward.map((a) => a.reduce((s, x) => s + x, 0) / a.length);
    return { metrics, meanReward, agentReward, rounds: T };
  }

  dispose(): void {
    this.sum?.dispose();
    this.sum = null;
  }
}
