/**
 * `node buddy-gym-gpu.mjs adapter [--allow-software]`: starts the webgpu backend, prints the
 * adapter it got as one JSON line, and checks that a 1024² matrix product on it matches the
 * cpu backend. Exits 3 when the adapter is a software rasteriser (llvmpipe and the like),
 * unless --allow-software: on the GPU machine that means the NVIDIA driver was not reached.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { formatBackendReport, selectBackend } from '../../agents/backend/index.js';

const { values } = parseArgs({ options: { 'allow-software': { type: 'boolean', default: false } } });

const report = await selectBackend('webgpu');
const gpu = (globalThis as unknown as { navigator: { gpu: { requestAdapter(): Promise<{ info?: Record<string, unknown>; limits: Record<string, number> } | null> } } }).navigator.gpu;
const adapter = await gpu.requestAdapter();
const info = adapter?.info ?? {};

/** A 1024×1024 product on webgpu against cpu (relative error) and its time on the GPU (ms, after one warm-up). */
async function checkMatMul(): Promise<{ relErr: number; ms: number }> {
  const n = 1024;
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  const warm = tf.matMul(a, b);
  await warm.data();
  warm.dispose();
  const t0 = performance.now();
  const c = tf.matMul(a, b);
  const got = await c.data();
  const ms = performance.now() - t0;
  const [av, bv] = [await a.data(), await b.data()];
  tf.dispose([a, b, c]);
  await tf.setBackend('cpu');
  const ref = tf.tidy(() => tf.matMul(tf.tensor(av, [n, n]), tf.tensor(bv, [n, n])).dataSync());
  await tf.setBackend('webgpu');
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(ref[i] - got[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return { relErr: diff / scale, ms: Math.round(ms * 100) / 100 };
}

const matMul = await checkMatMul();
const out = {
  line: formatBackendReport(report),
  software: report.software === true,
  adapter: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description },
  limits: adapter ? { maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage, maxBufferSize: adapter.limits.maxBufferSize } : null,
  matMul1024: matMul,
};
console.log(JSON.stringify(out));
if (!(matMul.relErr < 1e-4)) {
  console.error(`adapter: a 1024x1024 matMul on webgpu differs from cpu by ${matMul.relErr} (relative): the GPU path computes wrong results`);
  process.exit(4);
}
if (out.software && !values['allow-software']) {
  console.error(`adapter: WebGPU runs on a SOFTWARE adapter (${out.line}); the GPU driver was not reached. Pass --allow-software to go on anyway.`);
  process.exit(3);
}
