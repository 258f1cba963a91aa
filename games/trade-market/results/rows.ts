import type { Comparison } from '../../../training/evaluation/paired.js';
import { delta, meanCi, seedsReached } from '../../../training/results/judge.js';
import { measureConsumers, measurePriceSetter, type TradeMeasure } from './measure.js';
import { readRecipe, trainCommand, type Recipe, type ResultRow, type RowContext, type RowOutcome } from '../../../training/results/row.js';
import { svgChart } from '../../../training/results/svg-chart.js';
import { evaluationCurve, trainSeeds, type SeedRun } from '../../../training/results/train-seeds.js';

/**
 * Rows 9–10: the trade market (GAMES.md §3), economies redrawn every episode. The learned side
 * plays its mode (and, beside it, sampled) action on seeded evaluation worlds, paired world by
 * world with the baseline on the same worlds; errors are relative to the equilibrium (p*, x*),
 * averaged over the episode's rounds and at its last round. Lower is better.
 */

/** Evaluation worlds of the trade rows start here (the same worlds for every seed and profile). */
const WORLDS_SEED = 2_000_000;

type Judge = { metric: 'mean' | 'last'; error: number };

function tradeRow(row: ResultRow, ctx: RowContext, o: { what: string; metric: string; measure: (run: SeedRun, worlds: number) => TradeMeasure; figure: string }): RowOutcome {
  const t0 = performance.now();
  const recipe: Recipe = readRecipe(row.recipe);
  const bar = (ctx.fast ? (recipe.fast as unknown as { thresholds: Judge }).thresholds : (recipe.thresholds as Judge));
  const worlds = ctx.fast ? recipe.fast.worlds : recipe.evaluation.worlds;
  const runs = trainSeeds(recipe, ctx.seeds, ctx.fast, ctx.log, ctx.untrained);
  const reached: boolean[] = [];
  const judged: Comparison[] = [];
  const details = runs.map((run) => {
    const m = o.measure(run, worlds);
    const c = m.mode[bar.metric];
    judged.push(c);
    const ok = c.candidate.mean <= bar.error;
    reached.push(ok);
    const both = (label: string, x: TradeMeasure['mode']) =>
      `${label} ${meanCi(x.mean.candidate)} over the episode (paired Δ vs the baseline ${delta(x.mean)}, ${x.mean.verdict}), ${meanCi(x.last.candidate)} at the last round (Δ ${delta(x.last)}, ${x.last.verdict})`;
    return (
      `- seed ${run.seed} (${run.seconds.toFixed(0)} s of training, ${run.trainer.iteration} iterations): ${o.what} (lower is better): ${both('mode', m.mode)}; ${both('sampled', m.sampled)}; ` +
      `baseline (${m.baseline}) ${meanCi(m.mode.mean.reference)} over the episode, ${meanCi(m.mode.last.reference)} at the last round; ${worlds} worlds; ` +
      `bar: mode ${bar.metric === 'last' ? 'last-round' : 'episode-mean'} error ≤ ${bar.error}; ${ok ? 'reached' : 'not reached'}`
    );
  });
  const base = judged.reduce((s, c) => s + c.reference.mean, 0) / Math.max(1, judged.length);
  const figure = runs[0].evaluation.iteration.length
    ? svgChart({
        title: `${row.title}: periodic evaluation (mode, fixed worlds, episode mean)`,
        xLabel: 'iteration',
        yLabel: `${o.metric} (lower is better)`,
        series: [evaluationCurve(runs, o.metric, `mean of ${runs.length} seed(s) ± 95% CI`)],
        references: [
          { y: bar.error, label: `bar ${bar.error}` },
          ...(bar.metric === 'mean' ? [{ y: base, label: 'baseline' }] : []),
        ],
      })
    : svgChart({ title: `${row.title}: no periodic evaluation (untrained)`, xLabel: 'iteration', yLabel: o.metric, series: [] });
  for (const r of runs) r.trainer.dispose();
  return {
    reached: reached.every(Boolean),
    measured: `${o.metric} ${bar.metric === 'last' ? 'at the last round' : 'over the episode'} ${judged.map((c) => c.candidate.mean.toFixed(4)).join(', ')} (${seedsReached(reached)}; baseline ${base.toFixed(4)}, ${worlds} worlds)`,
    details,
    figures: [{ file: o.figure, caption: `${row.title} during training`, svg: figure }],
    commands: runs.map((r) => trainCommand(recipe, row.recipe, r.seed)),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Row 9: the learned price-setter against demand-curve consumers, paired with tâtonnement. */
export const priceSetter: ResultRow = {
  id: 9,
  game: 'trade market',
  title: 'learned price-setter, economies redrawn every episode',
  bar: 'the mode price error |p − p*|/p*, averaged over the episode, ≤ 0.02 (lower is better), from plain `train trade-market-v0`; paired with the tâtonnement price-setter on the same worlds',
  recipe: '9-trade-price-setter.json',
  run(ctx) {
    return tradeRow(this, ctx, {
      what: 'price error |p − p*|/p*',
      metric: 'priceError',
      measure: (run, worlds) => measurePriceSetter(run.trainer.policies['price-setter'], run.trainer.envOptions, { worlds, seed: WORLDS_SEED, rounds: run.trainer.T }),
      figure: 'row9-price-setter.svg',
    });
  },
};

/** Row 10: learned consumers facing the tâtonnement price-setter, paired with demand-curve consumers. */
export const consumers: ResultRow = {
  id: 10,
  game: 'trade market',
  title: 'learned consumers vs tâtonnement',
  bar: 'the mode allocation error Σ|x − x*|/ΣQ at the last round (the tâtonnement price has converged there) ≤ 0.02 (lower is better); the episode mean and the demand-curve consumers on the same worlds beside it',
  recipe: '10-trade-consumers.json',
  run(ctx) {
    return tradeRow(this, ctx, {
      what: 'allocation error Σ|x − x*|/ΣQ',
      metric: 'allocationError',
      measure: (run, worlds) => measureConsumers(run.trainer.policies.consumer, run.trainer.envOptions, { worlds, seed: WORLDS_SEED, rounds: run.trainer.T }),
      figure: 'row10-consumers.svg',
    });
  },
};
