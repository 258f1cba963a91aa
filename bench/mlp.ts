/**
 * mlp.trainStepMs.<backend>: one training step of a 64→256→256→32 ReLU MLP built with
 * tf.layers (Adam 1e-3, softmax cross-entropy on one-hot labels, batch 1024), in ms, the median
 * of 20 steps after warm-up. Each step reads the loss back, so the time includes the work the
 * backend queued. Backends that do not load are left out.
 *
 * Warm-up is at least 3 steps and at least 1 s (at most 40 steps): on wasm the first ~15 steps
 * run 1.5–2× slower while V8 optimises tfjs's JavaScript, and 3 steps alone left that tail in
 * the median (measured: 45–50 ms with 3 warm-up steps against 32–36 ms steady).
 */
import * as tf from '@tensorflow/tfjs';
import { isBackendName, selectBackend, type BackendName } from '../agents/backend/index.js';

export const MLP_BENCH = {
  inputs: 64,
  hidden: 256,
  outputs: 32,
  batch: 1024,
  /** Warm-up: at least this many steps, and at least warmupMs, but no more than maxWarmup steps. */
  warmup: 3,
  warmupMs: 1000,
  maxWarmup: 40,
  steps: 20,
  learningRate: 1e-3,
} as const;

/** Every backend the bench tries by default, fastest-to-load first (cpu, the slow one, last). */
export const MLP_BENCH_BACKENDS: readonly BackendName[] = ['wasm', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'cpu'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median ms of one train step on the current backend. */
export async function mlpTrainStepMs(): Promise<number> {
  const { inputs, hidden, outputs, batch, warmup, warmupMs, maxWarmup, steps, learningRate } = MLP_BENCH;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [inputs], units: hidden, activation: 'relu' }),
      tf.layers.dense({ units: hidden, activation: 'relu' }),
      tf.layers.dense({ units: outputs }),
    ],
  });
  const optimizer = tf.train.adam(learningRate);
  const x = tf.randomNormal([batch, inputs], 0, 1, 'float32', 1);
  const labels = tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, outputs, 'int32', 2), outputs));
  const step = async (): Promise<number> => {
    const t0 = performance.now();
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x) as tf.Tensor) as tf.Scalar, true);
    await loss!.data();
    const ms = performance.now() - t0;
    loss!.dispose();
    return ms;
  };
  const times: number[] = [];
  try {
    const start = performance.now();
    for (let i = 0; i < maxWarmup && (i < warmup || performance.now() - start < warmupMs); i++) await step();
    for (let i = 0; i < steps; i++) times.push(await step());
  } finally {
    optimizer.dispose();
    model.dispose();
    x.dispose();
    labels.dispose();
  }
  return median(times);
}

/**
 * { backend: median ms } for each of `backends` that loads (others are skipped, with the
 * reason passed to `log`). Leaves the last backend benched current.
 */
export async function benchMlp(
  backends: readonly string[] = MLP_BENCH_BACKENDS,
  log: (line: string) => void = () => {},
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of backends) {
    if (!isBackendName(name) || name === 'auto') throw new Error(`benchMlp: not a backend name: ${name}`);
    try {
      await selectBackend(name);
    } catch (e) {
      log(`mlp ${name}: skipped (${(e as Error).message})`);
      continue;
    }
    out[name] = Math.round((await mlpTrainStepMs()) * 100) / 100;
    log(`mlp ${name}: train step ${out[name]} ms (median of ${MLP_BENCH.steps}, batch ${MLP_BENCH.batch})`);
  }
  return out;
}
