import { parseTrainConfig } from '../self-play/config.js';
import { SelfPlayTrainer } from '../self-play/trainer.js';
import { summarise } from '../stats.js';
import { recipeSettings, type Recipe } from './row.js';
import type { SvgSeries } from './svg-chart.js';

/** One seed's training: the trainer at the end (the caller disposes it) and its curves. */
export interface SeedRun {
  seed: number;
  trainer: SelfPlayTrainer;
  /** Per iteration: every episode metric of training (sampled policies against their training opponents). */
  training: { iteration: number[]; metrics: Record<string, number[]> };
  /** Per periodic evaluation: the mode policies on the trainer's fixed worlds. */
  evaluation: { iteration: number[]; metrics: Record<string, number[]> };
  /** Per probe (every `probe.every` iterations and at the start): the row's own measures of the policies. */
  probes: { iteration: number[]; metrics: Record<string, number[]> };
  seconds: number;
}

/** A row's own measure of the trainer's policies, taken during training (e.g. exact values of a persuasion profile). */
export interface Probe {
  every: number;
  measure(trainer: SelfPlayTrainer): Record<string, number>;
}

/** Trains the recipe for one seed, recording its curves (`untrained`: builds the trainer and stops). */
export function trainSeed(recipe: Recipe, seed: number, fast: boolean, log: (line: string) => void, envOptions: Record<string, unknown> = recipe.envOptions, untrained = false, probe?: Probe): SeedRun {
  const trainer = new SelfPlayTrainer(recipe.env, envOptions, parseTrainConfig(recipeSettings(recipe, seed, fast), `recipe ${recipe.name}`));
  const run: SeedRun = { seed, trainer, training: { iteration: [], metrics: {} }, evaluation: { iteration: [], metrics: {} }, probes: { iteration: [], metrics: {} }, seconds: 0 };
  const record = (iteration: number) => {
    if (!probe) return;
    run.probes.iteration.push(iteration);
    for (const [k, v] of Object.entries(probe.measure(trainer))) (run.probes.metrics[k] ??= []).push(v);
  };
  record(0);
  const t0 = performance.now();
  let seen = 0;
  const total = Math.ceil(trainer.config.steps / trainer.stepsPerIteration);
  while (!trainer.done && !untrained) {
    const r = trainer.iterate();
    run.training.iteration.push(r.iteration);
    for (const [k, v] of Object.entries(trainer.summary)) (run.training.metrics[k] ??= []).push(v);
    const ev = trainer.lastEvaluation;
    if (ev && ev.iteration === r.iteration && ev.iteration !== seen) {
      seen = ev.iteration;
      run.evaluation.iteration.push(ev.iteration);
      for (const [k, v] of Object.entries(ev.metrics)) (run.evaluation.metrics[k] ??= []).push(v);
    }
    if (probe && (r.iteration % probe.every === 0 || trainer.done)) record(r.iteration);
    if (r.iteration % Math.max(50, Math.ceil(total / 10)) === 0 || r.iteration === total) log(`  seed ${seed}: iteration ${r.iteration}/${total} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  run.seconds = (performance.now() - t0) / 1000;
  return run;
}

/** A probed metric's curve: the mean with its 95% CI across seeds, per probe. */
export function probeCurve(runs: readonly SeedRun[], metric: string, label: string): SvgSeries {
  const its = runs[0].probes.iteration;
  const stats = its.map((_, i) => summarise(runs.map((r) => r.probes.metrics[metric]?.[i] ?? Number.NaN)));
  return { label, x: its, y: stats.map((s) => s.mean), band: stats.map((s) => (Number.isFinite(s.ci95) ? s.ci95 : 0)) };
}

/** Trains every seed of a row (the caller disposes the trainers). */
export function trainSeeds(recipe: Recipe, seeds: readonly number[], fast: boolean, log: (line: string) => void, untrained = false, envOptions: Record<string, unknown> = recipe.envOptions, probe?: Probe): SeedRun[] {
  return seeds.map((seed) => {
    log(` training seed ${seed}${Object.keys(envOptions).length ? ` (${JSON.stringify(envOptions)})` : ''}`);
    return trainSeed(recipe, seed, fast, log, envOptions, untrained, probe);
  });
}

/** A metric's curve over the seeds' periodic evaluations: the mean with its 95% CI across seeds, per evaluation. */
export function evaluationCurve(runs: readonly SeedRun[], metric: string, label: string): SvgSeries {
  const its = runs[0].evaluation.iteration;
  const stats = its.map((_, i) => summarise(runs.map((r) => r.evaluation.metrics[metric]?.[i] ?? Number.NaN)));
  return { label, x: its, y: stats.map((s) => s.mean), band: stats.map((s) => (Number.isFinite(s.ci95) ? s.ci95 : 0)) };
}
