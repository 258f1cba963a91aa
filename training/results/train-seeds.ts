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
  seconds: number;
}

/** Trains the recipe for one seed, recording its curves (`untrained`: builds the trainer and stops). */
export function trainSeed(recipe: Recipe, seed: number, fast: boolean, log: (line: string) => void, envOptions: Record<string, unknown> = recipe.envOptions, untrained = false): SeedRun {
  const trainer = new SelfPlayTrainer(recipe.env, envOptions, parseTrainConfig(recipeSettings(recipe, seed, fast), `recipe ${recipe.name}`));
  const run: SeedRun = { seed, trainer, training: { iteration: [], metrics: {} }, evaluation: { iteration: [], metrics: {} }, seconds: 0 };
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
    if (r.iteration % 50 === 0 || r.iteration === total) log(`  seed ${seed}: iteration ${r.iteration}/${total} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  run.seconds = (performance.now() - t0) / 1000;
  return run;
}

/** A metric's curve over the seeds' periodic evaluations: the mean with its 95% CI across seeds, per evaluation. */
export function evaluationCurve(runs: readonly SeedRun[], metric: string, label: string): SvgSeries {
  const its = runs[0].evaluation.iteration;
  const stats = its.map((_, i) => summarise(runs.map((r) => r.evaluation.metrics[metric]?.[i] ?? Number.NaN)));
  return { label, x: its, y: stats.map((s) => s.mean), band: stats.map((s) => (Number.isFinite(s.ci95) ? s.ci95 : 0)) };
}
