import * as tf from '@tensorflow/tfjs';
import type { ActionHead } from '../../agents/policy/heads/head.js';
import { CategoricalHead, GaussianHead, PlackettLuceHead } from '../../agents/policy/heads/index.js';
import type { Policy } from '../../agents/policy/policy.js';

/** One policy's sample for a batch of observations, all on the device (the caller owns every tensor). */
export interface DeviceSample {
  /** As the head sampled them (Gaussian: pre-clip u, float32; Subset: indices, int32), [rows, actionSize]. */
  actions: tf.Tensor2D;
  logProb: tf.Tensor1D;
  value: tf.Tensor1D;
  /** The env's action of each row: the Box vector clipped to its bounds, the Discrete value, or the Subset's indices. */
  envAction: tf.Tensor2D;
}

/**
 * `Policy.act` without leaving the device: the forward pass and `head.sample` on `obs`
 * [rows, obsSize] with the given noise [rows, head.noise.size], and the env's actions
 * (`head.writeEnvAction`'s job on the host) as tensor ops. Nothing is read back.
 */
export function sampleOnDevice(policy: Policy, obs: tf.Tensor2D, noise: tf.Tensor2D): DeviceSample {
  if (obs.rank !== 2 || obs.shape[1] !== policy.obsSize) {
    throw new RangeError(`sampleOnDevice: policy "${policy.spec.name}" needs observations [rows, ${policy.obsSize}], got [${obs.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const { params, value } = policy.forward(obs);
    const { actions, logProb } = policy.head.sample(params, noise);
    return { actions, logProb, value, envAction: envActionOnDevice(policy.head, actions) };
  });
}

/** The env's actions [rows, actionSize] of sampled head actions, as `head.writeEnvAction` writes them on the host. */
export function envActionOnDevice(head: ActionHead, actions: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    if (head instanceof GaussianHead) {
      const { low, high, size } = head;
      if (low.every((v) => v === low[0]) && high.every((v) => v === high[0])) return tf.clipByValue(actions, low[0], high[0]);
      return tf.minimum(tf.maximum(actions, tf.tensor2d(Float32Array.from(low), [1, size])), tf.tensor2d(Float32Array.from(high), [1, size]));
    }
    if (head instanceof CategoricalHead) return head.start === 0 ? actions.clone() : tf.add(actions, tf.scalar(head.start, 'int32'));
    if (head instanceof PlackettLuceHead) return actions.clone();
    throw new TypeError(`envActionOnDevice: no device env action for a "${head.kind}" head`);
  });
}
