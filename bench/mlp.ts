/**
 * mlp.trainStepMs.<backend>: one training step of a 64→256→256→32 ReLU MLP built with
 * tf.layers (Adam 1e-3, softmax cross-entropy on one-hot labels, batch 1024), in ms, the median
 * of 20 steps after warm-up. Each step reads the loss back, so the time includes the work the
 * backend queued. Backends that do not load are left out.
 *
 * webgpu is benched when it starts (Dawn's `webgpu` package installed); on a machine without a
 * GPU it runs on a software adapter (Mesa's llvmpipe), whose figure measures the CPU, not a GPU:
 * its log line says so, and `details.webgpu.software` is true.
 *
 * Warm-up is at least 3 steps and at least 1 s (at most 40 steps): on wasm the first ~15 steps
 * run 1.5–2× slower while V8 optimises tfjs's JavaScript, and 3 steps alone left that tail in
 * the median (measured: 45–50 ms with 3 warm-up steps against 32–36 ms steady).
 */
import * as tf from '@tensorflow/tfjs';
import { formatBackendReport, isBackendName, selectBackend, type BackendName } from '../agents/backend/index.js';

/** What was benched under each backend name: the backend line, and for webgpu whether the adapter is software. */
export interface MlpBackendDetail {
  line: string;
  software?: boolean;
}

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

/** A software adapter takes ~1.7 s a step here: fewer steps keep the bench short; the figure is only indicative. */
export const MLP_BENCH_SOFTWARE = { warmup: 1, warmupMs: 0, steps: 5 } as const;

/** Median ms of one train step on the current backend. */
export async function mlpTrainStepMs(counts: { warmup: number; warmupMs: number; steps: number } = MLP_BENCH): Promise<number> {
  const { inputs, hidden, outputs, batch, maxWarmup, learningRate } = MLP_BENCH;
  const { warmup, warmupMs, steps } = counts;
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
 * reason passed to `log`). Leaves the last backend benched current. `details`, when given,
 * receives each benched backend's line and, for webgpu, whether its adapter is software.
 */
export async function benchMlp(
  backends: readonly string[] = MLP_BENCH_BACKENDS,
  log: (line: string) => void = () => {},
  details?: Record<string, MlpBackendDetail>,
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of backends) {
    if (!isBackendName(name) || name === 'auto') throw new Error(`benchMlp: not a backend name: ${name}`);
    let detail: MlpBackendDetail;
    try {
      const report = await selectBackend(name);
      detail = { line: formatBackendReport(report) };
      if (report.software !== undefined) detail.software = report.software;
    } catch (e) {
      log(`mlp ${name}: skipped (${(e as Error).message})`);
      continue;
    }
    const counts = detail.software ? MLP_BENCH_SOFTWARE : MLP_BENCH;
    out[name] = Math.round((await mlpTrainStepMs(counts)) * 100) / 100;
    if (details) details[name] = detail;
    const note = detail.software ? '; software adapter, not a GPU figure' : '';
    log(`mlp ${name}: train step ${out[name]} ms (median of ${counts.steps}, batch ${MLP_BENCH.batch}${note})`);
  }
  return out;
}
