import * as tf from '@tensorflow/tfjs';

/**
 * Generalised advantage estimation (Schulman et al. 2016), the one definition of the
 * estimate the learners train on. Over T steps of E trajectories stored step-major ([T, E],
 * entry t·E + e):
 *   δ_t = r_t + γ V_{t+1} (1 − done_t) − V_t,   A_t = δ_t + γλ (1 − done_t) A_{t+1},
 *   returns R_t = A_t + V_t,
 * where done_t = 1 when trajectory e's episode ended at step t (nothing is bootstrapped
 * across it) and V_T is `lastValues[e]`, the value of the observation after step T − 1
 * (ignored where it ended). γ and λ are in [0, 1].
 *
 * Two backends of the same recursion, tested against each other in tests/gae.test.ts:
 * `gae` on typed arrays (host rollouts; it sums in float64, writing float32), and
 * `gaeOnDevice` on tensors (device rollouts: a backward loop of elementwise ops on [E]
 * rows, in float32, with nothing read back).
 */
export function gae(
  rewards: Float32Array | Float64Array,
  values: Float32Array,
  done: Uint8Array,
  lastValues: Float32Array,
  T: number,
  E: number,
  gamma: number,
  lambda: number,
  advantages: Float32Array,
  returns: Float32Array,
): void {
  for (let e = 0; e < E; e++) {
    let next = 0;
    for (let t = T - 1; t >= 0; t--) {
      const i = t * E + e;
      const notDone = done[i] ? 0 : 1;
      const nextValue = t === T - 1 ? lastValues[e] : values[i + E];
      const delta = rewards[i] + gamma * nextValue * notDone - values[i];
      next = delta + gamma * lambda * notDone * next;
      advantages[i] = next;
      returns[i] = next + values[i];
    }
  }
}

/** `gae` as tensor ops: rewards, values and done (1 or 0) [T, E], lastValues [E]; the caller owns the results. */
export function gaeOnDevice(
  rewards: tf.Tensor2D,
  values: tf.Tensor2D,
  done: tf.Tensor2D,
  lastValues: tf.Tensor1D,
  gamma: number,
  lambda: number,
): { advantages: tf.Tensor2D; returns: tf.Tensor2D } {
  const [T, E] = rewards.shape;
  if (rewards.rank !== 2) throw new RangeError(`gaeOnDevice: rewards must be [T, E], got [${rewards.shape.join(', ')}]`);
  for (const [name, t] of [['values', values], ['done', done]] as const) {
    if (t.rank !== 2 || t.shape[0] !== T || t.shape[1] !== E) throw new RangeError(`gaeOnDevice: ${name} must be [${T}, ${E}] like the rewards, got [${t.shape.join(', ')}]`);
  }
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
