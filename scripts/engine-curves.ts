/**
 * Same learning, two engines: the default self-play run (attention-market-v0, B = 16, PPO)
 * trained with the tfjs engine (wasm backend) and with the fused engine for the same seeds,
 * and each iteration's training regret (the sampled policies against each other) compared:
 * the mean over seeds with its 95% CI, per engine, and the paired difference per iteration.
 * The fused engine computes the same function to float32 rounding (tests/fused-engine.test.ts),
 * but its sums run in another order, so runs diverge bit-wise within a few updates; what must
 * agree is what is learned, within the seeds' CIs.
 *   node --import tsx scripts/engine-curves.ts [--seeds 0,1,2,3,4] [--iterations 32] [--svg FILE] [--json]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { selectBackend } from '../agents/backend/index.js';
import { parseTrainConfig } from '../training/self-play/config.js';
import { SelfPlayTrainer } from '../training/self-play/trainer.js';
import { svgChart } from '../training/results/svg-chart.js';
import { summarise } from '../training/stats.js';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '0,1,2,3,4' }, iterations: { type: 'string', default: '32' }, svg: { type: 'string' }, json: { type: 'boolean', default: false } } });
const seeds = values.seeds.split(',').map(Number);
const iterations = Number(values.iterations);
await selectBackend('wasm');

const curves: Record<string, number[][]> = { tfjs: [], fused: [] };
const seconds: Record<string, number> = { tfjs: 0, fused: 0 };
for (const engine of ['fused', 'tfjs'] as const) {
  for (const seed of seeds) {
    const t = new SelfPlayTrainer('attention-market-v0', { tasteClusters: 0 }, parseTrainConfig({ seed, engine, evalEvery: 0, steps: 16 * 32 * iterations }));
    const t0 = performance.now();
    const regret: number[] = [];
    while (!t.done) regret.push(t.iterate().episode.metrics.meanRegret);
    seconds[engine] += (performance.now() - t0) / 1000;
    curves[engine].push(regret);
    t.dispose();
    console.error(`${engine} seed ${seed}: last regret ${regret.at(-1)!.toFixed(4)}`);
  }
}
const its = Array.from({ length: iterations }, (_, i) => i + 1);
const stat = (engine: string) => its.map((_, i) => summarise(curves[engine].map((c) => c[i])));
const [tf, fu] = [stat('tfjs'), stat('fused')];
const diff = its.map((_, i) => summarise(seeds.map((_, s) => curves.fused[s][i] - curves.tfjs[s][i])));
const outside = diff.filter((d) => Math.abs(d.mean) > d.ci95).length;
// the last quarter of the run, pooled per seed: what was learned
const tail = (c: number[]) => c.slice(-Math.max(1, Math.floor(iterations / 4))).reduce((a, b) => a + b, 0) / Math.max(1, Math.floor(iterations / 4));
const lastQuarter = { tfjs: summarise(curves.tfjs.map(tail)), fused: summarise(curves.fused.map(tail)), difference: summarise(seeds.map((_, s) => tail(curves.fused[s]) - tail(curves.tfjs[s]))) };
if (values.svg) {
  writeFileSync(
    values.svg,
    svgChart({
      title: 'Default self-play run: tfjs and fused engines, same seeds',
      xLabel: 'iteration',
      yLabel: 'training regret per user per round',
      series: [
        { label: `tfjs (wasm), mean of ${seeds.length} seeds ± 95% CI`, x: its, y: tf.map((s) => s.mean), band: tf.map((s) => s.ci95) },
        { label: `fused, mean of ${seeds.length} seeds ± 95% CI`, x: its, y: fu.map((s) => s.mean), band: fu.map((s) => s.ci95) },
      ],
    }),
  );
}
const report = { seeds, iterations, seconds, lastQuarter, iterationsWhereTheEnginesDifferBeyondTheCi: outside, perIteration: its.map((i, k) => ({ iteration: i, tfjs: tf[k].mean, fused: fu[k].mean, difference: diff[k].mean, ci95: diff[k].ci95 })) };
console.log(values.json ? JSON.stringify(report) : JSON.stringify({ ...report, perIteration: undefined }, null, 2));
process.exit(0);
