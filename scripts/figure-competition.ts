// Row 8's figure: the buyer's utility against the number of sellers (three-sellers, providers
// 1, 2, 3), one line per training seed (exact value of the learned mode profile, averaged over the
// episode's rounds), with the aligned benchmark V* and the no-information value. Reads the
// measurements that scripts/measure-recipe.ts --write stored in recipes/8-three-sellers.json.
// Usage: node --import tsx scripts/figure-competition.ts [--out docs/competition-aligns] (writes .png and .svg)
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { babblingProfile, evaluateProfile } from '../envs/persuasion/analysis/index.js';
import { parsePersuasionOptions, resolveInstance } from '../envs/persuasion/options.js';
import { renderFigurePng, renderFigureSvg, type Figure } from '../training/dashboard/figure.js';
import type { ChartSeries } from '../training/dashboard/png.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/competition-aligns' } } });
const recipe = JSON.parse(readFileSync('recipes/8-three-sellers.json', 'utf8'));
type Run = { providers: number; seed: number; result: { mode: { userValue: number } } };
const runs = recipe.measured.runs as Run[];
const ks = [...new Set(runs.map((r) => r.providers))].sort();
const seeds = [...new Set(runs.map((r) => r.seed))].sort();
const series: ChartSeries[] = seeds.map((seed) => ({
  label: `learned, seed ${seed}`,
  x: ks,
  y: ks.map((k) => runs.find((r) => r.providers === k && r.seed === seed)!.result.mode.userValue),
}));
const o = parsePersuasionOptions('emergent-alignment-v0', { ...recipe.envOptions, providers: 3 });
const instance = resolveInstance(o);
const babbling = evaluateProfile(instance, babblingProfile(instance), o).users[0];
series.push({ label: 'aligned V', x: ks, y: ks.map(() => babbling.aligned) });
series.push({ label: 'no information', x: ks, y: ks.map(() => babbling.value) });
const figure: Figure = { title: 'three-sellers: competition aligns the market', xLabel: 'sellers (providers option)', panels: [{ title: "buyer's utility (exact, mode policy)", series }] };
writeFileSync(`${values.out}.png`, renderFigurePng(figure, { width: 720, panelHeight: 260 }));
writeFileSync(`${values.out}.svg`, renderFigureSvg(figure, { width: 720, panelHeight: 260 }));
console.log(`wrote ${values.out}.png and .svg`);
