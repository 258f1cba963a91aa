import * as tf from '@tensorflow/tfjs';

/**
 * Ops whose fastest exact form differs by backend. Measured at B = 1024 on this project's
 * 2-core machines (tfjs 4.22); GPU backends take the elementwise forms, which stay exact in
 * float32 where matmuls run in TF32 (tfjs-node-gpu on Ampere or newer).
 */

/**
 * x repeated along its axes of size 1 up to `shape` (tf.tile), exactly. wasm's Tile kernel
 * runs element by element (the pool [B, 1, 256] → [B, 4, 256]: 146 ms), so wasm takes a
 * broadcasting add of a small zeros tensor instead (x + 0 = x: 4.7 ms); on cpu it is the other
 * way round (154 ms tiled, 483 ms broadcast).
 */
export function repeatTo<R extends tf.Rank>(x: tf.Tensor<R>, shape: number[]): tf.Tensor<R> {
  if (x.rank !== shape.length || x.shape.some((n, i) => n !== 1 && n !== shape[i])) {
    throw new RangeError(`repeatTo: cannot repeat shape [${x.shape.join(', ')}] to [${shape.join(', ')}]`);
  }
  const reps = shape.map((n, i) => (x.shape[i] === 1 ? n : 1));
  if (tf.getBackend() !== 'wasm') return tf.tile(x, reps);
  return tf.tidy(() => tf.add(x, tf.zeros(reps)));
}

/**
 * Σ_n v_n v_nᵀ for N tensors v_n of shape [R, D]: [R, D, D], symmetric bit for bit (entry
 * (r, c) is the products v_r·v_c summed over n in order, like (c, r)). Elementwise outer
 * products, except on cpu, whose broadcasting multiply is slow (1,056 ms against 76 ms for
 * one batched product with K = N, at R = 4096, D = 16, N = 3; on wasm 35 ms against 75 ms).
 */
export function outerProductSum(vs: tf.Tensor2D[]): tf.Tensor3D {
  return tf.tidy(() => {
    if (tf.getBackend() === 'cpu') {
      const rows = tf.stack(vs, 1) as tf.Tensor3D; // [R, N, D]
      return tf.matMul(tf.transpose(rows, [0, 2, 1]), rows);
    }
    const outer = vs.map((v) => tf.mul(tf.expandDims(v, 2), tf.expandDims(v, 1)));
    return (outer.length === 1 ? outer[0] : tf.addN(outer)) as tf.Tensor3D;
  });
}
