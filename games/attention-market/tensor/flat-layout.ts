import * as tf from '@tensorflow/tfjs';
import type { Dict } from '../../../envs/core/spaces/index.js';
import type { Space } from '../../../envs/core/spaces/space.js';

/**
 * A Dict observation in the VecEnv's flat layout, built from one [B, C, size] tensor per
 * entry: the entries concatenated in the Dict's declared order and reshaped to [B·C, flatSize]
 * (row b·C + i is agent i of copy b). Throws if an entry is missing or has the wrong size, so
 * the tensor layout cannot drift from the spaces.
 */
export function flatRows<E extends Record<string, Space<unknown>>>(space: Dict<E>, parts: { [K in keyof E]: tf.Tensor3D }): tf.Tensor2D {
  return tf.tidy(() => {
    const pieces = space.keys.map((k) => {
      const part = parts[k];
      const size = space.entries[k].flatSize;
      if (part.shape[2] !== size) throw new Error(`flatRows: entry "${k}" has ${part.shape[2]} numbers per agent, the space has ${size}`);
      return part;
    });
    const [B, C] = pieces[0].shape;
    return tf.reshape(tf.concat(pieces, 2), [B * C, space.flatSize]);
  });
}
