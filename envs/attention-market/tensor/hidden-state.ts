import * as tf from '@tensorflow/tfjs';

/** Shrink step of fitUnitBall: 2^−20 moves ‖v‖² by about 32 float32 ulps of 1. */
const SHRINK = 1 - 2 ** -20;
const SHRINK_STEPS = 4;

/**
 * Rows uniform on the unit sphere S^{D−1}: normalised standard normal draws, shape
 * [B, K, D]. An all-zero draw (possible only in float32 rounding) becomes the first axis.
 * The normals are drawn by tf.randomNormal with `seed` (tfjs draws them on the host and
 * uploads them; nothing is read back).
 */
export function drawUnitRows(shape: [number, number, number], seed: number): tf.Tensor3D {
  return tf.tidy(() => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', seed);
    const zero = tf.cast(tf.equal(tf.sum(tf.square(x), -1, true), 0), 'float32');
    const firstAxis = tf.concat([tf.ones([1]), tf.zeros([shape[2] - 1])]); // e_0 (tf.oneHot is broken on wasm and webgpu)
    const y = tf.add(x, tf.mul(zero, firstAxis));
    return tf.mul(y, tf.rsqrt(tf.sum(tf.square(y), -1, true)));
  });
}

/**
 * Shrinks, by a few float32 ulps, the rows whose float32 ‖v‖² exceeds 1 after rounding, so
 * that an honest creation e = g passes the unit-ball projection unchanged and costs exactly
 * 0 (the typed-array kernel's float32UnitBall, on device). Uses the same reduction as the
 * projection in goalPhase (sum of squares over the last axis).
 */
export function fitUnitBall(v: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    let out = v;
    for (let i = 0; i < SHRINK_STEPS; i++) {
      const over = tf.cast(tf.greater(squaredNorms(out), 1), 'float32');
      out = tf.mul(out, tf.sub(1, tf.mul(over, 1 - SHRINK)));
    }
    return out;
  });
}

/** ‖row‖² over the last axis, kept as a trailing axis of 1. */
export function squaredNorms<T extends tf.Tensor>(v: T): T {
  return tf.sum(tf.square(v), -1, true) as T;
}
