import * as tf from '@tensorflow/tfjs';

/**
 * Scales `grads` so their global L2 norm is at most `maxNorm` (no-op when it is already),
 * applies them with `optimizer`, and returns the norm before clipping (a scalar tensor).
 * Call inside tf.tidy; the gradients are consumed.
 */
export function applyClippedGradients(optimizer: tf.Optimizer, grads: tf.NamedTensorMap, maxNorm: number): tf.Scalar {
  const names = Object.keys(grads);
  const norm = tf.sqrt(tf.addN(names.map((k) => tf.sum(tf.square(grads[k]))))) as tf.Scalar;
  const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
  const clipped: tf.NamedTensorMap = {};
  for (const k of names) clipped[k] = tf.mul(grads[k], scale);
  optimizer.applyGradients(clipped);
  return norm;
}
