import * as tf from '@tensorflow/tfjs';
import type { ReturnScaler } from '../learners/return-scaler.js';

/** Discounted returns G_t = r_t + γ G_{t+1} (1 − done_t), [T, E], restarting after every done. */
export function discountedReturnsOnDevice(rewards: tf.Tensor2D, done: tf.Tensor2D, gamma: number): tf.Tensor2D {
  if (rewards.rank !== 2) throw new RangeError(`discountedReturnsOnDevice: rewards must be [T, E], got [${rewards.shape.join(', ')}]`);
  if (done.rank !== 2 || done.shape[0] !== rewards.shape[0] || done.shape[1] !== rewards.shape[1]) {
    throw new RangeError(`discountedReturnsOnDevice: done must be [${rewards.shape.join(', ')}] like the rewards, got [${done.shape.join(', ')}]`);
  }
  const T = rewards.shape[0];
  return tf.tidy(() => {
    const r = tf.unstack(rewards);
    const keep = tf.unstack(tf.mul(tf.sub(1, done), gamma));
    const g: tf.Tensor[] = new Array(T);
    for (let t = T - 1; t >= 0; t--) g[t] = t === T - 1 ? r[t] : tf.add(r[t], tf.mul(keep[t], g[t + 1]));
    return tf.stack(g) as tf.Tensor2D;
  });
}

/**
 * `ReturnScaler.scale` for rewards on the device: the discounted returns' batch mean and M2
 * are computed there and read back (two scalars, the only transfer), merged into the
 * scaler's running moments on the host exactly as `scale` merges them, and the rewards are
 * divided by the running std on the device. Returns the scaled rewards (a new tensor).
 */
export function scaleRewardsOnDevice(scaler: ReturnScaler, rewards: tf.Tensor2D, done: tf.Tensor2D, gamma: number): tf.Tensor2D {
  const moments = tf.tidy(() => {
    const g = discountedReturnsOnDevice(rewards, done, gamma);
    const mean = tf.mean(g);
    return tf.stack([mean, tf.sum(tf.square(tf.sub(g, mean)))]);
  });
  const [mean, m2] = moments.dataSync();
  moments.dispose();
  const std = mergeReturnMoments(scaler, rewards.size, mean, m2);
  return tf.tidy(() => tf.div(rewards, tf.scalar(std)) as tf.Tensor2D);
}

/**
 * Merges a batch of n returns with mean `mean` and sum of squared deviations `m2` into the
 * scaler's running moments (Chan et al., as ReturnScaler.scale does); returns the new std.
 */
export function mergeReturnMoments(scaler: ReturnScaler, n: number, mean: number, m2: number): number {
  const total = scaler.count + n;
  const delta = mean - scaler.mean;
  scaler.m2 += m2 + (delta * delta * scaler.count * n) / total;
  scaler.mean += (delta * n) / total;
  scaler.count = total;
  return Math.sqrt(scaler.m2 / scaler.count + 1e-8);
}
