// Does appealing to the market's mean preference pay? attention-market-v0 with tastes drawn
// around K shared centres (tasteClusters K, tasteSpread s), on thousands of seeded worlds
// (games/attention-market/exaggeration.ts): slots won per goal per round by exaggerating goals minus honest
// ones (paired: halves swapped on the same world), and greedy users' regret per user per round
// against all-honest and all-exaggerating goals on the same worlds. Means ± 95% CI over worlds.
// Usage: node --import tsx scripts/measure-taste-clusters.ts [--worlds N] [--clusters 0,1,2,4]
//          [--spreads 0.25,0.5,1] [--step X] [--option key=number ...] [--json]
import { parseArgs } from 'node:util';
import { exaggerationSamples } from '../games/attention-market/exaggeration.js';
import { summarise, type Stat } from '../training/stats.js';

const { values } = parseArgs({
  options: {
    worlds: { type: 'string', default: '2048' },
    clusters: { type: 'string', default: '0,1,2,4' },
    spreads: { type: 'string', default: '0.25,0.5,1' },
    step: { type: 'string', default: '0.5' },
    option: { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
  },
});
const extra = Object.fromEntries(values.option.map((kv) => [kv.slice(0, kv.indexOf('=')), Number(kv.slice(kv.indexOf('=') + 1))]));
const show = (x: Stat) => `${x.mean >= 0 ? '+' : ''}${x.mean.toFixed(3)} ± ${x.ci95.toFixed(3)}`;
const rows = [];
for (const K of values.clusters.split(',').map(Number)) {
  for (const s of K === 0 ? [0.5] : values.spreads.split(',').map(Number)) {
    const t0 = performance.now();
    const x = exaggerationSamples({ envOptions: { dim: 16, ...extra, tasteClusters: K, tasteSpread: s }, worlds: Number(values.worlds), seed: 100_000, step: Number(values.step) });
    const row = {
      tasteClusters: K,
      tasteSpread: K === 0 ? null : s,
      worlds: x.slots.length,
      slotsExaggerateMinusHonest: summarise(x.slots),
      greedyRegretVsHonest: summarise(x.regretHonest),
      greedyRegretVsExaggerate: summarise(x.regretExaggerate),
      regretCostOfExaggeration: summarise(x.regretExaggerate.map((r, i) => r - x.regretHonest[i])),
    };
    rows.push(row);
    if (!values.json) {
      console.log(
        `K=${K}${K ? ` s=${s}` : ''}  worlds ${row.worlds}  slots exaggerate−honest ${show(row.slotsExaggerateMinusHonest)}  greedy regret vs honest ${show(row.greedyRegretVsHonest)}, vs exaggerate ${show(row.greedyRegretVsExaggerate)}, difference ${show(row.regretCostOfExaggeration)}  (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
    }
  }
}
if (values.json) console.log(JSON.stringify({ step: Number(values.step), options: extra, rows }, null, 2));
