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
 * Users' tastes around K shared centres (GAMES.md §1, tasteClusters K ≥ 1): user j of copy b
 * gets centre assignment[b, j] and θ = (c + s·z)/‖c + s·z‖. Shapes: centres [B, K, D] (unit
 * rows), assignment [B, U] int32 in [0, K), z [B, U, D] (N(0, I/D) draws). The centre is picked
 * by a one-hot matmul, which is exact (one product by 1, the rest by 0). A zero sum (probability
 * 0) falls back to the centre, as in the kernel's clusteredTaste.
 */
export function clusteredTastes(centres: tf.Tensor3D, assignment: tf.Tensor2D, z: tf.Tensor3D, spread: number): tf.Tensor3D {
  return tf.tidy(() => {
    const K = centres.shape[1];
    const oneHot = tf.cast(tf.equal(tf.expandDims(assignment, 2), tf.reshape(tf.range(0, K, 1, 'int32'), [1, 1, K])), 'float32'); // [B, U, K]
    const c = tf.matMul(oneHot, centres) as tf.Tensor3D; // [B, U, D]
    const v = tf.add(c, tf.mul(z, spread));
    const n2 = squaredNorms(v);
    const zero = tf.equal(n2, 0);
    return tf.where(tf.broadcastTo(zero, v.shape), c, tf.mul(v, tf.rsqrt(tf.where(zero, tf.onesLike(n2), n2)))) as tf.Tensor3D;
  });
}

/**
 * Draws clustered tastes [B, U, D] from three seeds: the centres (uniform on the sphere), each
 * user's centre (uniform over K) and z ~ N(0, I/D).
 */
export function drawClusteredTastes(shape: [number, number, number], clusters: number, spread: number, seeds: [number, number, number]): tf.Tensor3D {
  const [B, U, D] = shape;
  return tf.tidy(() => {
    const centres = drawUnitRows([B, clusters, D], seeds[0]);
    // randomUniform int32 floors a uniform draw in [0, K): each centre with probability 1/K.
    const assignment = tf.minimum(tf.randomUniform([B, U], 0, clusters, 'int32', seeds[1]), clusters - 1) as tf.Tensor2D;
    const z = tf.randomNormal([B, U, D], 0, 1 / Math.sqrt(D), 'float32', seeds[2]) as tf.Tensor3D;
    return clusteredTastes(centres, assignment, z, spread);
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
