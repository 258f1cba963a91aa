/**
 * `node buddy-gym-gpu.mjs figures [--iterations N]`: the figures that compare the GPU with the
 * CPU backends, as one JSON line: the MLP train step (bench/mlp.ts) on webgpu, wasm and cpu,
 * with each backend's line, and the default self-play training (bench/self-play.ts) on webgpu
 * and on wasm. A backend that cannot start is left out and logged on stderr.
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { benchMlp, type MlpBackendDetail } from '../../bench/mlp.js';
import { benchSelfPlay, type SelfPlayFigures } from '../../bench/self-play.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '3' } } });
const iterations = Number(values.iterations);
if (!(Number.isInteger(iterations) && iterations >= 1 && iterations <= 100)) {
  console.error(`figures: --iterations must be an integer in [1, 100], got ${values.iterations}`);
  process.exit(2);
}

const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
const details: Record<string, MlpBackendDetail> = {};
const trainStepMs = await benchMlp(['webgpu', 'wasm', 'cpu'], (line) => console.error(line), details);
const selfPlay: Record<string, SelfPlayFigures> = {};
for (const backend of ['webgpu', 'wasm'] as const) {
  try {
    // the fused engine is a CPU engine: on webgpu only tfjs computes; on wasm, fused on every core
    selfPlay[backend] = await benchSelfPlay(backend, iterations, backend === 'wasm' ? [availableParallelism()] : []);
    console.error(`self-play on ${backend}: ${selfPlay[backend].samplesPerSec} agent-steps/s (${iterations} iterations, B = ${selfPlay[backend].numEnvs})`);
  } catch (e) {
    console.error(`self-play on ${backend}: skipped (${(e as Error).message})`);
  }
}
console.log(JSON.stringify({ machine, date: new Date().toISOString(), mlp: { trainStepMs, backends: details }, selfPlay }));
