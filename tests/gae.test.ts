import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../agents/backend/index.js';
import { Rng } from '../envs/core/rng.js';
import { gae, gaeOnDevice } from '../training/learners/gae.js';

beforeAll(async () => {
  await selectBackend('cpu'); // the project's chooser: no tfjs greeting
});

/** max |a − b| / (1 + |b|) over two arrays of the same length. */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

describe('gae (the one definition, two backends)', () => {
  it('matches the recursion computed by hand, with an episode boundary and a bootstrap', () => {
    // T = 3 steps, E = 2 trajectories; trajectory 0 ends at t = 1, trajectory 1 never ends.
    const rewards = new Float64Array([1, 0, 2, 1, 3, 1]);
    const values = new Float32Array([0.5, 0.2, 0.4, 0.1, 0.3, 0.6]);
    const done = new Uint8Array([0, 0, 1, 0, 0, 0]);
    const last = new Float32Array([9, 0.8]);
    const adv = new Float32Array(6);
    const ret = new Float32Array(6);
    const g = 0.9;
    const l = 0.8;
    gae(rewards, values, done, last, 3, 2, g, l, adv, ret);
    // trajectory 0: t2: r=3 + γ·V(last)=9·0.9... its episode did not end at t2, so bootstrap 9
    const d02 = 3 + g * 9 - 0.3;
    const d01 = 2 - 0.4; // ends at t = 1: no bootstrap
    const d00 = 1 + g * 0.4 - 0.5;
    expect(adv[4]).toBeCloseTo(d02, 5);
    expect(adv[2]).toBeCloseTo(d01, 5);
    expect(adv[0]).toBeCloseTo(d00 + g * l * d01, 5);
    // trajectory 1
    const d12 = 1 + g * 0.8 - 0.6;
    const d11 = 1 + g * 0.6 - 0.1;
    const d10 = 0 + g * 0.1 - 0.2;
    expect(adv[5]).toBeCloseTo(d12, 5);
    expect(adv[3]).toBeCloseTo(d11 + g * l * d12, 5);
    expect(adv[1]).toBeCloseTo(d10 + g * l * (d11 + g * l * d12), 5);
    for (let i = 0; i < 6; i++) expect(ret[i]).toBeCloseTo(adv[i] + values[i], 5);
  });

  it('the tensor backend equals the array backend, episode boundaries and bootstrap included, and leaks nothing', () => {
    const T = 6;
    const E = 5;
    const rng = new Rng(21);
    const rewards = Float64Array.from({ length: T * E }, () => Math.fround(rng.normal()));
    const values = Float32Array.from({ length: T * E }, () => rng.normal());
    const done = Uint8Array.from({ length: T * E }, (_, i) => (i >= (T - 1) * E || rng.uniform() < 0.2 ? 1 : 0));
    done[E + 2] = 0; // trajectory 2 runs on past t = 1 ...
    done[(T - 1) * E + 3] = 0; // ... and trajectory 3 does not end: it is bootstrapped from lastValues
    const last = Float32Array.from({ length: E }, () => rng.normal());
    const adv = new Float32Array(T * E);
    const ret = new Float32Array(T * E);
    gae(rewards, values, done, last, T, E, 0.9, 0.8, adv, ret);
    const inputs = [tf.tensor2d(Float32Array.from(rewards), [T, E]), tf.tensor2d(values, [T, E]), tf.tensor2d(Float32Array.from(done), [T, E])] as const;
    const lastT = tf.tensor1d(last);
    const before = tf.memory().numTensors;
    const out = gaeOnDevice(...inputs, lastT, 0.9, 0.8);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(maxRelDiff(out.advantages.dataSync(), adv)).toBeLessThan(1e-6);
    expect(maxRelDiff(out.returns.dataSync(), ret)).toBeLessThan(1e-6);
    tf.dispose([...inputs, lastT, out.advantages, out.returns]);
  });

  it('the tensor backend rejects inputs whose shapes do not match', () => {
    const z = (...shape: number[]) => tf.zeros(shape);
    expect(() => gaeOnDevice(z(6, 5) as tf.Tensor2D, z(6, 6) as tf.Tensor2D, z(6, 5) as tf.Tensor2D, z(5) as tf.Tensor1D, 0.9, 0.8)).toThrow('values must be [6, 5] like the rewards');
    expect(() => gaeOnDevice(z(6, 5) as tf.Tensor2D, z(6, 5) as tf.Tensor2D, z(6, 5) as tf.Tensor2D, z(4) as tf.Tensor1D, 0.9, 0.8)).toThrow('lastValues must be [5]');
  });
});
