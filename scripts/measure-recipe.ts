// Trains a recipe of the results table (recipes/<row>-<name>.json) once per seed and measures
// what its row asks, with the trained policy's mode action and sampled, on seeded evaluation
// worlds paired with the baselines (persuasion: exact values of the committed profiles, no
// sampled episodes). Prints one JSON object; --write stores it as the recipe's "measured".
// Usage: node --import tsx scripts/measure-recipe.ts recipes/<file>.json [--seeds 0,1,2] [--worlds N] [--backend B] [--write]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { selectBackend, type BackendName } from '../agents/backend/index.js';
import type { PersuasionId } from '../envs/persuasion/options.js';
import { presetOptions, spec } from '../envs/registry.js';
import { parseTrainConfig } from '../training/self-play/config.js';
import { SelfPlayTrainer } from '../training/self-play/trainer.js';
import { summarise } from '../training/stats.js';
import { measureConsensus } from './recipes/consensus.js';
import { measurePersuasion } from './recipes/persuasion.js';
import { measureConsumers, measurePriceSetter } from './recipes/trade.js';
import { statJson } from './recipes/worlds.js';

export interface Recipe {
  row: number;
  name: string;
  env: string;
  envOptions: Record<string, unknown>;
  /** An env option swept (row 8: providers 1, 2, 3), each value a run of every seed; `preset` of an env without that option is a registered preset. */
  sweep?: { option: string; values: unknown[] };
  train: Record<string, unknown>;
  seeds: number[];
  bar: string;
  measured?: unknown;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seeds: { type: 'string' }, worlds: { type: 'string', default: '2048' }, backend: { type: 'string', default: 'wasm' }, write: { type: 'boolean', default: false } },
});
const file = positionals[0];
if (!file) {
  console.error('usage: node --import tsx scripts/measure-recipe.ts recipes/<file>.json [--seeds 0,1,2] [--worlds N] [--write]');
  process.exit(2);
}
const recipe = JSON.parse(readFileSync(file, 'utf8')) as Recipe;
const seeds = values.seeds ? values.seeds.split(',').map(Number) : recipe.seeds;
await selectBackend(values.backend as BackendName);
const log = (s: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);

async function measure(trainer: SelfPlayTrainer, envOptions: Record<string, unknown>, seed: number): Promise<unknown> {
  const w = { worlds: Number(values.worlds), seed: 5_000_000 + 10_000 * seed, rounds: trainer.T };
  switch (recipe.env) {
    case 'emergent-alignment-v0':
    case 'pluralistic-market-v0':
      return measurePersuasion(trainer.policies.provider, recipe.env as PersuasionId, envOptions, 16, seed);
    case 'trade-market-v0':
      return trainer.config.train === 'consumer' ? measureConsumers(trainer.policies.consumer, envOptions, w) : measurePriceSetter(trainer.policies['price-setter'], envOptions, w);
    case 'consensus-game-v0':
      return measureConsensus(trainer.policies.generator, trainer.policies.discriminator, envOptions, w);
    default:
      throw new Error(`no measurement for ${recipe.env}`);
  }
}

// A swept `preset` of an env without a preset option is one of its registered presets (consensus-game-v0's candidates files).
const registryPreset = recipe.sweep?.option === 'preset' && !Object.hasOwn(spec(recipe.env).optionSchema, 'preset');
const variants = recipe.sweep ? recipe.sweep.values.map((v) => ({ [recipe.sweep!.option]: v })) : [{}];
const optionsOf = (variant: Record<string, unknown>) => (registryPreset ? { ...recipe.envOptions, ...presetOptions(recipe.env, String(variant.preset)) } : { ...recipe.envOptions, ...variant });
const runs: Record<string, unknown>[] = [];
for (const variant of variants) {
  const envOptions = optionsOf(variant);
  for (const seed of seeds) {
    const config = parseTrainConfig({ ...recipe.train, seed }, `${file} train`);
    const trainer = new SelfPlayTrainer(recipe.env, envOptions, config);
    const t0 = performance.now();
    trainer.run((r) => r.iteration % 100 === 0 && log(`  ${JSON.stringify(variant)} seed ${seed}: iteration ${r.iteration}`));
    const seconds = (performance.now() - t0) / 1000;
    log(`${JSON.stringify(variant)} seed ${seed}: trained ${trainer.iteration} iterations in ${seconds.toFixed(0)} s`);
    const result = await measure(trainer, envOptions, seed);
    runs.push({ ...variant, seed, iterations: trainer.iteration, trainSeconds: Number(seconds.toFixed(1)), result });
    console.error(JSON.stringify(runs[runs.length - 1]));
    trainer.dispose();
  }
}
const seconds = runs.map((r) => r.trainSeconds as number);
const measured = { date: new Date().toISOString().slice(0, 10), machine: '2 shared CPU cores, wasm backend', trainSecondsPerRun: statJson(summarise(seconds), 1), runs };
console.log(JSON.stringify(measured, null, 2));
if (values.write) writeFileSync(file, JSON.stringify({ ...recipe, measured }, null, 2) + '\n');
