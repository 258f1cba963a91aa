import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adamMlpSteps, elementwiseCases, relErr, runOn, T } from './fixtures/backend-compare.js';
import {
  BACKEND_NAMES,
  formatBackendReport,
  isBackendName,
  parseBackendName,
  patchWasmKernels,
  selectBackend,
  wasmKernelsPatched,
  type BackendReport,
} from '../agents/backend/index.js';

const require = createRequire(import.meta.url);
function installed(pkg: string): boolean {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}
const nativeInstalled = installed('@tensorflow/tfjs-node-gpu') || installed('@tensorflow/tfjs-node');

describe('backend names', () => {
  it('accepts exactly the six names', () => {
    expect([...BACKEND_NAMES]).toEqual(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu', 'webgpu']);
    for (const n of BACKEND_NAMES) expect(parseBackendName(n)).toBe(n);
    expect(isBackendName('wasm')).toBe(true);
    expect(isBackendName('WASM')).toBe(false);
    expect(isBackendName(3)).toBe(false);
  });

  it('rejects anything else with the allowed names listed', () => {
    expect(() => parseBackendName('gpu')).toThrow('unknown backend "gpu": expected one of auto, tensorflow-gpu, tensorflow, wasm, cpu, webgpu');
    expect(() => parseBackendName('')).toThrow(/expected one of auto, tensorflow-gpu/);
    expect(() => parseBackendName(undefined)).toThrow(/unknown backend undefined/);
  });

  it('selectBackend validates its argument', async () => {
    await expect(selectBackend('tpu' as never)).rejects.toThrow(/unknown backend "tpu"/);
  });
});

describe("tfjs's greeting", () => {
  it('is not printed once the project chose the cpu backend (it was, 11 times per test run)', () => {
    const script = [
      "import * as tf from '@tensorflow/tfjs';",
      "import { selectBackend } from './agents/backend/index.ts';",
      "await selectBackend('cpu');",
      'tf.tensor1d([1, 2]).dataSync();',
      "console.error('computed on ' + tf.getBackend());",
    ].join('\n');
    const root = fileURLToPath(new URL('..', import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('computed on cpu\n');
  });
});

describe('backend selection', () => {
  let report: BackendReport;
  const lines: string[] = [];

  beforeAll(async () => {
    report = await selectBackend('auto', { log: (l) => lines.push(l) });
  });

  it.skipIf(nativeInstalled)('auto passes over the native packages (absent here) and ends on wasm', () => {
    expect(report.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(report.requested).toBe('auto');
    expect(report.attempts.map((a) => [a.backend, a.ok])).toEqual([
      ['tensorflow-gpu', false],
      ['tensorflow', false],
      ['wasm', true],
    ]);
    expect(report.attempts[0].reason).toBe('@tensorflow/tfjs-node-gpu not installed');
    expect(report.attempts[1].reason).toBe('@tensorflow/tfjs-node not installed');
    expect(report.attempts[2].reason).toMatch(/WebAssembly/);
    const line = 'backend: wasm (tensorflow-gpu: @tensorflow/tfjs-node-gpu not installed; tensorflow: @tensorflow/tfjs-node not installed)';
    expect(formatBackendReport(report)).toBe(line);
    expect(lines).toEqual([line]);
  });

  it('registers the wasm repairs, idempotently', () => {
    expect(wasmKernelsPatched()).toBe(true);
    const before = tf.getKernel('BatchMatMul', 'wasm');
    patchWasmKernels();
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(before);
  });

  it.skipIf(nativeInstalled)('an explicit native backend that is absent throws why and what to install', async () => {
    await expect(selectBackend('tensorflow')).rejects.toThrow(
      "backend 'tensorflow' is not available: @tensorflow/tfjs-node not installed; to use it: npm install @tensorflow/tfjs-node@4.22.0",
    );
    await expect(selectBackend('tensorflow-gpu')).rejects.toThrow(/npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/);
    expect(tf.getBackend()).toBe('wasm');
  });

  // webgpu is a dev dependency, so its opt-in behaviour (auto never tries it, the install hint) is tested in webgpu.test.ts.

  it('cpu can be named explicitly', async () => {
    const r = await selectBackend('cpu');
    expect(r).toEqual({ name: 'cpu', requested: 'cpu', attempts: [{ backend: 'cpu', ok: true, reason: 'pure JavaScript' }] });
    expect(formatBackendReport(r)).toBe('backend: cpu');
    await selectBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
});

// ---------------------------------------------------------------------------------------------
// wasm against cpu: values and gradients of every op the policies use.


/** f on cpu and on wasm: same shapes, relative error < 1e-5 on every output. */
async function agree(name: string, f: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const cpu = await runOn('cpu', f);
  const wasm = await runOn('wasm', f);
  expect(wasm.shapes, name).toEqual(cpu.shapes);
  cpu.values.forEach((ref, i) => {
    const err = relErr(ref, wasm.values[i]);
    expect(err, `${name} output ${i}: relative error ${err}`).toBeLessThan(1e-5);
  });
}

/**
 * Value of f and its gradient with respect to every input, the output weighted by a fixed
 * random tensor (so that dy is not all ones), on both backends.
 */
async function agreeWithGrads(name: string, inputs: () => tf.Tensor[], f: (...xs: tf.Tensor[]) => tf.Tensor): Promise<void> {
  await agree(name, () => {
    const xs = inputs();
    const y = f(...xs);
    const w = T(y.shape, 99);
    const grads = tf.grads((...zs: tf.Tensor[]) => tf.sum(tf.mul(f(...zs), w)))(xs);
    return [y, ...grads];
  });
}

describe('wasm agrees with cpu (relative error < 1e-5)', () => {
  let tensorsBefore = 0;
  let wasmBuffersBefore = 0;
  // Temporaries the repaired kernels make live on the wasm heap, out of the engine's count.
  const wasmBuffers = () => tf.findBackend('wasm')!.numDataIds();

  beforeAll(async () => {
    await selectBackend('wasm');
    tensorsBefore = tf.memory().numTensors;
    wasmBuffersBefore = wasmBuffers();
  });

  afterAll(async () => {
    await tf.setBackend('wasm');
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(wasmBuffers()).toBe(wasmBuffersBefore);
  });

  it('matMul: all four transpose combinations, 2-D and batched 3-D, with gradients', async () => {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const m = 37;
      const k = 29;
      const n = 23;
      // 2-D
      await agreeWithGrads(`matMul 2-D ${ta} ${tb}`, () => [T(ta ? [k, m] : [m, k], 1), T(tb ? [n, k] : [k, n], 2)], (a, b) =>
        tf.matMul(a, b, ta, tb),
      );
      // batched on both sides
      await agreeWithGrads(`matMul 3-D ${ta} ${tb}`, () => [T(ta ? [3, k, m] : [3, m, k], 3), T(tb ? [3, n, k] : [3, k, n], 4)], (a, b) =>
        tf.matMul(a, b, ta, tb),
      );
      // batched left, shared right (broadcast; tfjs-core has no gradient for a broadcast matMul)
      await agree(`matMul 3-D @ 2-D ${ta} ${tb}`, () => tf.matMul(T(ta ? [4, k, m] : [4, m, k], 5), T(tb ? [n, k] : [k, n], 6), ta, tb));
      await agree(`matMul 2-D @ 3-D ${ta} ${tb}`, () => tf.matMul(T(ta ? [k, m] : [m, k], 5), T(tb ? [2, n, k] : [2, k, n], 6), ta, tb));
    }
  });

  it('fused matMul (a dense layer): bias and every activation, transposed and batched, forward', async () => {
    const acts = ['linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu', 'prelu'] as const;
    for (const activation of acts) {
      for (const batch of [1, 3]) {
        for (const [ta, tb] of [
          [false, false],
          [true, false],
          [false, true],
          [true, true],
        ] as const) {
          await agree(`fused ${activation} batch ${batch} ${ta} ${tb}`, () =>
            tf.fused.matMul({
              a: T(ta ? [batch, 19, 33] : [batch, 33, 19], 7),
              b: T(tb ? [batch, 17, 19] : [batch, 19, 17], 8),
              transposeA: ta,
              transposeB: tb,
              bias: T([17], 9),
              activation,
              preluActivationWeights: activation === 'prelu' ? T([17], 10, 0, 0.5) : undefined,
              leakyreluAlpha: 0.3,
            }),
          );
        }
      }
    }
    // a bias broadcast from [1, n] and from [m, n] (not rank 1: the kernel cannot fuse those)
    await agree('fused bias [1, n]', () => tf.fused.matMul({ a: T([33, 19], 11), b: T([19, 17], 12), bias: T([1, 17], 13), activation: 'relu' }));
    await agree('fused bias [m, n]', () => tf.fused.matMul({ a: T([33, 19], 11), b: T([19, 17], 12), bias: T([33, 17], 14) }));
  });

  it('fused matMul gradients (linear, relu, elu, sigmoid) and a tf.layers dense layer (relu, tanh, linear)', async () => {
    for (const activation of ['linear', 'relu', 'elu', 'sigmoid'] as const) {
      await agreeWithGrads(`fused grads ${activation}`, () => [T([64, 24], 15), T([24, 40], 16), T([40], 17)], (a, b, bias) =>
        tf.fused.matMul({ a, b, bias, activation }),
      );
    }
    for (const activation of ['relu', 'tanh', 'linear'] as const) {
      await agree(`layers.dense ${activation}`, () => {
        const model = tf.sequential({ layers: [tf.layers.dense({ units: 40, activation, inputShape: [24] })] });
        try {
          model.setWeights([T([24, 40], 19), T([40], 20)]);
          const x = T([64, 24], 18);
          const w = T([64, 40], 21);
          const loss = () => tf.sum(tf.mul(model.apply(x) as tf.Tensor, w)) as tf.Scalar;
          const { value, grads } = tf.variableGrads(loss);
          const dx = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(model.apply(z) as tf.Tensor, w)))(x);
          return [model.apply(x) as tf.Tensor, value, dx, ...model.trainableWeights.map((v) => grads[v.name])];
        } finally {
          model.dispose();
        }
      });
    }
  });

  it('elementwise ops and activations, with gradients', async () => {
    for (const [name, inputs, f] of elementwiseCases()) await agreeWithGrads(name, inputs, f);
    // tfjs-core's Maximum gradient does not reduce a broadcast input: values only
    await agree('maximum broadcast', () => tf.maximum(T([33, 17], 34), T([17], 35)));
  });

  it('sum and mean along every kind of axis, with gradients', async () => {
    const x2 = () => [T([64, 48], 50)];
    const x3 = () => [T([6, 10, 14], 51)];
    for (const keepDims of [false, true]) {
      for (const axis of [0, 1, -1, [0, 1]] as (number | number[])[]) {
        await agreeWithGrads(`sum 2-D ${JSON.stringify(axis)} ${keepDims}`, x2, (a) => tf.sum(a, axis, keepDims));
        await agreeWithGrads(`mean 2-D ${JSON.stringify(axis)} ${keepDims}`, x2, (a) => tf.mean(a, axis, keepDims));
      }
      for (const axis of [0, 1, 2, [0, 1], [1, 2], [0, 2], [0, 1, 2]] as (number | number[])[]) {
        await agreeWithGrads(`sum 3-D ${JSON.stringify(axis)} ${keepDims}`, x3, (a) => tf.sum(a, axis, keepDims));
        await agreeWithGrads(`mean 3-D ${JSON.stringify(axis)} ${keepDims}`, x3, (a) => tf.mean(a, axis, keepDims));
      }
    }
    await agree('max/min axis 0', () => {
      const a = T([64, 48], 52);
      return [tf.max(a, 0), tf.min(a, 0), tf.max(a, [0, 1]), tf.prod(T([5, 6], 53, 0.5, 1.5), 0)];
    });
    await agree('sum int32 axis 0', () => tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0));
  });

  it('gather with its gradient (UnsortedSegmentSum), oneHot, topk', async () => {
    const indices = [3, 0, 7, 3, 3, 1, 7, 0, 2];
    await agreeWithGrads('gather axis 0', () => [T([8, 5], 60)], (p) => tf.gather(p, tf.tensor1d(indices, 'int32')));
    await agreeWithGrads('gather axis 1', () => [T([4, 8], 61)], (p) => tf.gather(p, tf.tensor1d(indices, 'int32'), 1));
    await agreeWithGrads('gather 2-D indices', () => [T([8, 3], 62)], (p) => tf.gather(p, tf.tensor2d(indices.slice(0, 8), [2, 4], 'int32')));
    await agree('unsortedSegmentSum drops ids out of range', () =>
      tf.unsortedSegmentSum(T([6, 3], 63), tf.tensor1d([2, -1, 0, 2, 4, 1], 'int32'), 4),
    );
    await agree('oneHot', () => tf.oneHot(tf.tensor1d([0, 3, 2, 3, 1], 'int32'), 5, 2, -1));
    await agree('topk', () => {
      const { values, indices: idx } = tf.topk(T([7, 20], 64), 5);
      return [values, tf.cast(idx, 'float32')];
    });
  });

  it('an MLP trained by Adam for a few steps: losses and weights', async () => {
    await agree('adam mlp', adamMlpSteps);
  });
});
