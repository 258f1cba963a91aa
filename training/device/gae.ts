import * as tf from '@tensorflow/tfjs';
import type { ReturnScaler } from '../learners/return-scaler.js';

/**
 * Generalised advantage estimation on the device, equal to training/learners/gae.ts (in
 * float32 where the host sums in float64): rewards, values and done [T, E] step-major
 * (done 1 where trajectory e's episode ended at step t), lastValues [E] the value after the
 * last step. A backward loop over T of elementwise ops on [E] rows; nothing is read back.
 */
export function gaeOnDevice(
  rewards: tf.Tensor2D,
  values: tf.Tensor2D,
  done: tf.Tensor2D,
  lastValues: tf.Tensor1D,
  gamma: number,
  lambda: number,
): { advantages: tf.Tensor2D; returns: tf.Tensor2D } {
  const [T, E] = checkSteps('gaeOnDevice', rewards, values, done);
  if (lastValues.rank !== 1 || lastValues.shape[0] !== E) throw new RangeError(`gaeOnDevice: lastValues must be [${E}], got [${lastValues.shape.join(', ')}]`);
  return tf.tidy(() => {
    const r = tf.unstack(rewards);
    const v = tf.unstack(values);
    const notDone = tf.unstack(tf.sub(1, done));
    const adv: tf.Tensor[] = new Array(T);
    let next: tf.Tensor = tf.zeros([E]);
    for (let t = T - 1; t >= 0; t--) {
      const nextValue = t === T - 1 ? lastValues : v[t + 1];
      const delta = tf.sub(tf.add(r[t], tf.mul(tf.mul(nextValue, notDone[t]), gamma)), v[t]);
      next = tf.add(delta, tf.mul(tf.mul(notDone[t], next), gamma * lambda));
      adv[t] = next;
    }
    const advantages = tf.stack(adv) as tf.Tensor2D;
    return { advantages, returns: tf.add(advantages, values) as tf.Tensor2D };
  });
}

/** Discounted returns G_t = r_t + γ G_{t+1} (1 − done_t), [T, E], restarting after every done. */
export function discountedReturnsOnDevice(rewards: tf.Tensor2D, done: tf.Tensor2D, gamma: number): tf.Tensor2D {
  const [T] = checkSteps('discountedReturnsOnDevice', rewards, rewards, done);
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

function checkSteps(who: string, a: tf.Tensor, b: tf.Tensor, done: tf.Tensor): [number, number] {
  if (a.rank !== 2) throw new RangeError(`${who}: rewards must be [T, E], got [${a.shape.join(', ')}]`);
  for (const [name, t] of [['values', b], ['done', done]] as const) {
    if (t.rank !== 2 || t.shape[0] !== a.shape[0] || t.shape[1] !== a.shape[1]) throw new RangeError(`${who}: ${name} must be [${a.shape.join(', ')}] like the rewards, got [${t.shape.join(', ')}]`);
  }
  return [a.shape[0], a.shape[1] as number];
}
