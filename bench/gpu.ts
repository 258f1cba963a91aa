// The GPU figures of `npm run bench`: only where a GPU backend starts (tfjs-node-gpu on a CUDA
// GPU, or WebGPU on a hardware adapter); a software WebGPU adapter counts only when asked for.
import * as tf from '@tensorflow/tfjs';
import { formatBackendReport, selectBackend, type BackendReport } from '../agents/backend/index.js';
import { parseAttentionMarketOptions } from '../games/attention-market/options.js';
import { benchDeviceSelfPlay } from './device-self-play.js';
import { benchTensorEnv } from './tensor-env.js';

export interface GpuFigures {
  /** The backend line of the GPU backend measured. */
  backend: string;
  software: boolean;
  attentionMarket: { tensorRoundsPerSec: Record<string, number> };
  /** The default training (both sides learn, PPO) on the tensor env at B = 16384. */
  selfPlay: { samplesPerSec: number; roundsPerSec: number; numEnvs: number; iterations: number };
}

/** Agents per copy of the default attention market (8 goals + 4 users): agent-steps = rounds × this. */
const AGENTS_PER_COPY = (() => {
  const o = parseAttentionMarketOptions({});
  return o.goals + o.users;
})();

async function gpuBackend(allowSoftware: boolean, log: (line: string) => void): Promise<BackendReport | null> {
  for (const name of ['tensorflow-gpu', 'webgpu'] as const) {
    try {
      const report = await selectBackend(name);
      if (report.software && !allowSoftware) {
        log(`gpu: ${formatBackendReport(report)} is a software adapter, not a GPU: no gpu figures (--allow-software-gpu measures it anyway)`);
        continue;
      }
      return report;
    } catch (e) {
      log(`gpu: ${name} unavailable (${(e as Error).message.split(';')[0]})`);
    }
  }
  return null;
}

/**
 * tensorRoundsPerSec of the tensor attention market at B = 1024, 16384 and 65536, and the
 * default self-play on the device at B = 16384, on the first GPU backend that starts; null
 * when there is none. Leaves that backend current.
 */
export async function benchGpu(seconds: number, log: (line: string) => void, allowSoftware = false): Promise<GpuFigures | null> {
  const report = await gpuBackend(allowSoftware, log);
  if (!report) return null;
  const line = formatBackendReport(report);
  log(`gpu: measuring on ${line}`);
  const tensorRoundsPerSec: Record<string, number> = {};
  for (const B of [1024, 16384, 65536]) {
    tensorRoundsPerSec[B] = (await benchTensorEnv(B, seconds)).roundsPerSec;
    log(`gpu: tensor attention market B=${B}: ${tensorRoundsPerSec[B].toLocaleString()} rounds/s`);
  }
  const numEnvs = 16384;
  const iterations = 1;
  const device = await benchDeviceSelfPlay(numEnvs, iterations);
  const selfPlay = { samplesPerSec: device.samplesPerSec * AGENTS_PER_COPY, roundsPerSec: device.samplesPerSec, numEnvs, iterations };
  log(`gpu: device self-play B=${numEnvs}: ${selfPlay.samplesPerSec.toLocaleString()} agent-steps/s (${selfPlay.roundsPerSec.toLocaleString()} rounds/s)`);
  await tf.ready();
  return { backend: line, software: report.software === true, attentionMarket: { tensorRoundsPerSec }, selfPlay };
}
