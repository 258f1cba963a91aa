import * as tf from '@tensorflow/tfjs';
import type { ActionHead } from '../../agents/policy/heads/head.js';
import type { Rng } from '../../envs/core/rng.js';

/**
 * Where the sampling noise of a device rollout comes from: a [rows, head.noise.size] tensor
 * of standard normals or uniforms in [0, 1), as `ActionHead.sample` takes it. Either way it
 * is derived from our seeded Rng, so a device rollout is reproducible.
 *
 * - `tfjs`: tf.randomNormal / tf.randomUniform, seeded with one `rng.nextUint32()` per draw.
 *   (In tfjs 4.22 these ops generate the numbers in JavaScript and upload them: a transfer
 *   to the device, never from it.)
 * - `rng`: the numbers `Policy.act` would draw from `rng` (drawNoise), uploaded. Same
 *   transfer; bit-identical to the host rollout, which the tests use to compare the two.
 */
export type NoiseKind = 'tfjs' | 'rng';

export interface NoiseSource {
  readonly kind: NoiseKind;
  /** The noise `head` needs for `rows` samples; the caller owns (and disposes) the tensor. */
  draw(head: Pick<ActionHead, 'noise'>, rows: number): tf.Tensor2D;
}

export function makeNoise(kind: NoiseKind, rng: Rng): NoiseSource {
  if (kind === 'tfjs') return new TfjsNoise(rng);
  if (kind === 'rng') return new RngNoise(rng);
  throw new RangeError(`noise must be "tfjs" or "rng", got ${JSON.stringify(kind)}`);
}

function checkRows(rows: number): void {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`noise: rows must be a positive integer, got ${rows}`);
}

class TfjsNoise implements NoiseSource {
  readonly kind = 'tfjs' as const;
  constructor(private readonly rng: Rng) {}

  draw(head: Pick<ActionHead, 'noise'>, rows: number): tf.Tensor2D {
    checkRows(rows);
    const { kind, size } = head.noise;
    const seed = this.rng.nextUint32();
    return kind === 'normal' ? tf.randomNormal([rows, size], 0, 1, 'float32', seed) : tf.randomUniform([rows, size], 0, 1, 'float32', seed);
  }
}

class RngNoise implements NoiseSource {
  readonly kind = 'rng' as const;
  constructor(private readonly rng: Rng) {}

  draw(head: Pick<ActionHead, 'noise'>, rows: number): tf.Tensor2D {
    checkRows(rows);
    const { kind, size } = head.noise;
    const n = rows * size;
    const buf = new Float32Array(n); // fresh: the cpu backend keeps the array it is given
    // The same draws, in the same order, as Policy.act.
    if (kind === 'normal') this.rng.fillNormal(buf, 0, n);
    else for (let i = 0; i < n; i++) buf[i] = this.rng.uniform();
    return tf.tensor2d(buf, [rows, size]);
  }
}
