import { policyProfile } from '../baselines/policy-profile.js';
import { babblingProfile, evaluateProfile, kamenicaGentzkow, marketAlignment } from '../analysis/index.js';
import { parsePersuasionOptions, resolveInstance, type PersuasionId } from '../options.js';
import { summarise, type Stat } from '../../../training/stats.js';
import { meanCi, seedsReached } from '../../../training/results/judge.js';
import { figures, measurePersuasion, type PersuasionMeasure } from './measure.js';
import { readRecipe, trainCommand, type Recipe, type ResultRow, type RowContext, type RowOutcome } from '../../../training/results/row.js';
import { svgChart, type SvgSeries } from '../../../training/results/svg-chart.js';
import { probeCurve, trainSeeds, type Probe, type SeedRun } from '../../../training/results/train-seeds.js';

/**
 * Rows 5–8: persuasion (GAMES.md §2). The learned provider policies are judged by the exact
 * value of the signalling profile their mode action commits to (`policyProfile` through the
 * env's exact analysis: no sampled episodes, so no CIs on the mode figures), averaged over the
 * episode's rounds; sampled commitments (16 per round) are evaluated exactly beside it, mean ±
 * 95% CI over the draws.
 */

/** Sampled commitments evaluated per round. */
const SAMPLES = 16;
/** Iterations between exact probes of the mode profile (round 0) during training. */
const PROBE_EVERY = 50;

interface Trained {
  run: SeedRun;
  m: PersuasionMeasure;
}

/** The exact figures of the mode profile of round 0, as curves: user value, gap, accuracy, each provider's value and each type's gap. */
function probe(envId: PersuasionId, options: Record<string, unknown>): Probe {
  return {
    every: PROBE_EVERY,
    measure(trainer) {
      const f = figures(envId, options, policyProfile(trainer.policies.provider, envId, options, 0));
      const out: Record<string, number> = { userValue: f.userValue, gap: f.gap, accuracy: f.accuracy };
      f.providers.forEach((v, i) => (out[`provider${i}`] = v));
      f.types.forEach((t, i) => (out[`typeGap${i}`] = t.gap));
      return out;
    },
  };
}

/** Trains the recipe for every seed at these options and measures each mode and sampled profile exactly. */
async function trainMeasured(recipe: Recipe, ctx: RowContext, options: Record<string, unknown>): Promise<Trained[]> {
  const envId = recipe.env as PersuasionId;
  const runs = trainSeeds(recipe, ctx.seeds, ctx.fast, ctx.log, ctx.untrained, options, probe(envId, options));
  const out: Trained[] = [];
  for (const run of runs) {
    out.push({ run, m: await measurePersuasion(run.trainer.policies.provider, envId, options, SAMPLES, run.seed) });
    run.trainer.dispose();
  }
  return out;
}

const thresholds = <T>(recipe: Recipe, ctx: RowContext): T => (ctx.fast ? (recipe.fast as unknown as { thresholds: T }).thresholds : (recipe.thresholds as T));
const trainedFor = (t: Trained) => `${t.run.seconds.toFixed(0)} s of training, ${t.run.trainer.iteration} iterations`;
const f4 = (x: number) => x.toFixed(4);

function curveFigure(file: string, caption: string, title: string, yLabel: string, series: SvgSeries[], references: { y: number; label: string }[]) {
  return { file, caption, svg: svgChart({ title, xLabel: 'iteration', yLabel, series, references }) };
}

function outcome(row: ResultRow, recipe: Recipe, ctx: RowContext, t0: number, reached: boolean[], measured: string, details: string[], figs: RowOutcome['figures'], variants: readonly string[] = ['']): RowOutcome {
  return {
    reached: reached.length > 0 && reached.every(Boolean),
    measured,
    details,
    figures: figs,
    commands: ctx.seeds.flatMap((seed) => variants.map((v) => `${trainCommand(recipe, row.recipe, seed)}${v}`)),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Row 5: a single biased provider learns the Kamenica–Gentzkow signal. */
export const kgSingle: ResultRow = {
  id: 5,
  game: 'persuasion',
  title: 'kg-single: the learned provider against a Bayesian user',
  bar: "the learned provider's value ≥ 0.615 (higher is better; Kamenica–Gentzkow optimum 0.625), the user's accuracy 0.70 ± 0.02 (the KG signal's): exact values of the mode profile, averaged over the episode's rounds",
  recipe: '5-kg-single.json',
  async run(ctx) {
    const t0 = performance.now();
    const recipe = readRecipe(this.recipe);
    const bar = thresholds<{ providerValue: number; accuracy: number; accuracyTolerance: number }>(recipe, ctx);
    const o = parsePersuasionOptions(recipe.env as PersuasionId, recipe.envOptions);
    const kg = kamenicaGentzkow(resolveInstance(o), 0);
    const trained = await trainMeasured(recipe, ctx, recipe.envOptions);
    const reached: boolean[] = [];
    const details = trained.map((t) => {
      const v = t.m.mode.providers[0];
      const ok = v >= bar.providerValue && Math.abs(t.m.mode.accuracy - bar.accuracy) <= bar.accuracyTolerance;
      reached.push(ok);
      return (
        `- seed ${t.run.seed} (${trainedFor(t)}): provider value (higher is better) mode ${f4(v)}, sampled ${meanCi(t.m.sampled.providers[0])}; ` +
        `user accuracy mode ${f4(t.m.mode.accuracy)}, sampled ${meanCi(t.m.sampled.accuracy)}; NashConv of the mode profile ${f4(t.m.mode.nashConvMean)} (mean over rounds); ` +
        `bar: value ≥ ${bar.providerValue}, accuracy ${bar.accuracy} ± ${bar.accuracyTolerance}; ${ok ? 'reached' : 'not reached'}`
      );
    });
    details.push(`- Kamenica–Gentzkow optimum (exact): provider ${f4(kg.value)}, user accuracy ${f4(kg.users[0].accuracy)}`);
    const runs = trained.map((t) => t.run);
    const figs = [
      curveFigure('row5-kg-single.svg', 'kg-single: the learned provider (exact value of the mode profile, round 0)', "kg-single: the provider's value during training (exact, mode, round 0)", 'provider value (higher is better)', [probeCurve(runs, 'provider0', `mean of ${runs.length} seed(s) ± 95% CI`)], [
        { y: kg.value, label: `KG optimum ${kg.value.toFixed(3)}` },
        { y: bar.providerValue, label: `bar ${bar.providerValue}` },
      ]),
      curveFigure('row5-kg-accuracy.svg', "kg-single: the user's accuracy", "kg-single: the user's accuracy during training (exact, mode, round 0)", 'user accuracy', [probeCurve(runs, 'accuracy', `mean of ${runs.length} seed(s) ± 95% CI`)], [{ y: kg.users[0].accuracy, label: `KG ${kg.users[0].accuracy.toFixed(2)}` }]),
    ];
    const measured = `provider value ${trained.map((t) => f4(t.m.mode.providers[0])).join(', ')}; accuracy ${trained.map((t) => f4(t.m.mode.accuracy)).join(', ')} (${seedsReached(reached)}; KG ${kg.value.toFixed(3)} / ${kg.users[0].accuracy.toFixed(2)})`;
    return outcome(this, recipe, ctx, t0, reached, measured, details, figs);
  },
};

/** Row 6: two opposed providers compete; the user learns the state. */
export const twoOpposed: ResultRow = {
  id: 6,
  game: 'persuasion',
  title: 'two-opposed: learned providers with opposed biases',
  bar: "the user's accuracy ≥ 0.98 (higher is better) and exact NashConv of the learned profile ≤ 0.01 (lower is better: the mean of the rounds' NashConv, a deviator's gain per round over the episode), mode profile",
  recipe: '6-two-opposed.json',
  async run(ctx) {
    const t0 = performance.now();
    const recipe = readRecipe(this.recipe);
    const bar = thresholds<{ accuracy: number; nashConv: number }>(recipe, ctx);
    const trained = await trainMeasured(recipe, ctx, recipe.envOptions);
    const reached: boolean[] = [];
    const details = trained.map((t) => {
      // rounds are independent games, so a provider's best deviation over the episode gains the mean of its per-round gains
      const ok = t.m.mode.accuracy >= bar.accuracy && t.m.mode.nashConvMean <= bar.nashConv;
      reached.push(ok);
      return (
        `- seed ${t.run.seed} (${trainedFor(t)}): user accuracy (higher is better) mode ${f4(t.m.mode.accuracy)}, sampled ${meanCi(t.m.sampled.accuracy)}; ` +
        `NashConv (lower is better) mode ${f4(t.m.mode.nashConvMean)} over the episode, ${f4(t.m.mode.nashConvMax)} in the worst round; user's gap to V* mode ${f4(t.m.mode.gap)}, sampled ${meanCi(t.m.sampled.gap)}; ` +
        `providers' values mode ${t.m.mode.providers.map(f4).join(' / ')}; bar: accuracy ≥ ${bar.accuracy}, NashConv ≤ ${bar.nashConv}; ${ok ? 'reached' : 'not reached'}`
      );
    });
    if (!reached.every(Boolean)) details.push('- what was tried, and why leaks that an exact best response exploits remain at accuracy ≥ 0.98: recipes/LOG.md, row 6');
    const runs = trained.map((t) => t.run);
    const figs = [
      curveFigure('row6-two-opposed.svg', "two-opposed: the user's accuracy during training", "two-opposed: the user's accuracy (exact, mode, round 0)", 'user accuracy (higher is better)', [probeCurve(runs, 'accuracy', `mean of ${runs.length} seed(s) ± 95% CI`)], [{ y: bar.accuracy, label: `bar ${bar.accuracy}` }]),
    ];
    const measured = `accuracy ${trained.map((t) => f4(t.m.mode.accuracy)).join(', ')}; NashConv ${trained.map((t) => f4(t.m.mode.nashConvMean)).join(', ')} (${seedsReached(reached)})`;
    return outcome(this, recipe, ctx, t0, reached, measured, details, figs);
  },
};

/** Row 7: personalised providers serve each user type; anonymous ones serve a compromise. */
export const twoTypes: ResultRow = {
  id: 7,
  game: 'pluralistic market',
  title: 'two-types: personalised vs anonymous providers',
  bar: "personalised: each user type's gap V*_θ − value ≤ 0.01 (lower is better), mode profile; anonymous: what is learned and its NashConv, reported",
  recipe: '7-two-types.json',
  async run(ctx) {
    const t0 = performance.now();
    const recipe = readRecipe(this.recipe);
    const bar = thresholds<{ typeGap: number }>(recipe, ctx);
    const describe = (t: Trained) =>
      `types ${t.m.mode.types.map((ty, i) => `${ty.type}: value ${f4(ty.value)}, gap ${f4(ty.gap)} (sampled ${meanCi(t.m.sampled.typeGaps[i])}), accuracy ${f4(ty.accuracy)}`).join('; ')}; ` +
      `NashConv mode ${f4(t.m.mode.nashConvMean)} over the episode, ${f4(t.m.mode.nashConvMax)} in the worst round; providers' values ${t.m.mode.providers.map(f4).join(' / ')}`;
    const personal = await trainMeasured(recipe, ctx, { ...recipe.envOptions, personalized: true });
    const reached: boolean[] = [];
    const details = personal.map((t) => {
      const ok = t.m.mode.types.every((ty) => ty.gap <= bar.typeGap);
      reached.push(ok);
      return `- personalised, seed ${t.run.seed} (${trainedFor(t)}): ${describe(t)}; bar: each type's gap ≤ ${bar.typeGap}; ${ok ? 'reached' : 'not reached'}`;
    });
    const anonymous = await trainMeasured(recipe, ctx, { ...recipe.envOptions, personalized: false });
    for (const t of anonymous) details.push(`- anonymous, seed ${t.run.seed} (${trainedFor(t)}): ${describe(t)} (reported, no bar)`);
    const types = personal[0].m.mode.types.map((ty) => ty.type);
    const runs = personal.map((t) => t.run);
    const anonRuns = anonymous.map((t) => t.run);
    const series = [
      ...types.map((ty, i) => probeCurve(runs, `typeGap${i}`, `personalised, ${ty}`)),
      ...types.map((ty, i) => probeCurve(anonRuns, `typeGap${i}`, `anonymous, ${ty}`)),
    ];
    const figs = [curveFigure('row7-two-types.svg', "two-types: each user type's gap during training", "two-types: each type's gap V*_θ − value (exact, mode, round 0)", 'gap (lower is better)', series, [{ y: bar.typeGap, label: `bar ${bar.typeGap}` }])];
    const gaps = (ts: Trained[]) => ts.map((t) => t.m.mode.types.map((ty) => f4(ty.gap)).join('/')).join(', ');
    const measured = `personalised gaps ${gaps(personal)} (${seedsReached(reached)}); anonymous gaps ${gaps(anonymous)}, NashConv ${anonymous.map((t) => f4(t.m.mode.nashConvMean)).join(', ')}`;
    return outcome(this, recipe, ctx, t0, reached, measured, details, figs, [' --option personalized=true', ' --option personalized=false']);
  },
};

/** Row 8: more competing sellers align the market with the buyer. */
export const competitionAligns: ResultRow = {
  id: 8,
  game: 'persuasion',
  title: 'three-sellers: competition aligns (1, 2, 3 sellers)',
  bar: "the buyer's utility (higher is better) rises with the number of sellers 1, 2, 3 and is within 0.01 of V* where ε* = 0; exact, mode profile",
  recipe: '8-three-sellers.json',
  async run(ctx) {
    const t0 = performance.now();
    const recipe = readRecipe(this.recipe);
    const bar = thresholds<{ gap: number }>(recipe, ctx);
    const ks = (recipe.providers as number[]) ?? [1, 2, 3];
    const details: string[] = [];
    const byK: { k: number; epsilon: number; aligned: number; noInformation: number; trained: Trained[] }[] = [];
    for (const k of ks) {
      const options = { ...recipe.envOptions, providers: k };
      const o = parsePersuasionOptions(recipe.env as PersuasionId, options);
      const instance = resolveInstance(o);
      const alignment = await marketAlignment(instance, { personalized: o.personalized });
      const babbling = evaluateProfile(instance, babblingProfile(instance), o).users[0];
      byK.push({ k, epsilon: alignment.epsilon, aligned: babbling.aligned, noInformation: babbling.value, trained: await trainMeasured(recipe, ctx, options) });
    }
    const reached = ctx.seeds.map((seed, s) => {
      const values = byK.map((b) => b.trained[s].m.mode.userValue);
      const rising = values.every((v, i) => i === 0 || v > values[i - 1]);
      const close = byK.every((b) => b.epsilon > 1e-9 || b.trained[s].m.mode.gap <= bar.gap);
      const ok = rising && close;
      details.push(
        `- seed ${seed}: buyer's utility (higher is better) mode ${byK.map((b) => `${b.k} seller(s) ${f4(b.trained[s].m.mode.userValue)} (gap ${f4(b.trained[s].m.mode.gap)}; sampled ${meanCi(b.trained[s].m.sampled.userValue)}; ${trainedFor(b.trained[s])})`).join(', ')}; ` +
          `${rising ? 'rising' : 'NOT rising'}, ${close ? `within ${bar.gap} of V* where ε* = 0` : `NOT within ${bar.gap} of V* where ε* = 0`}; ${ok ? 'reached' : 'not reached'}`,
      );
      return ok;
    });
    details.push(`- the market: ${byK.map((b) => `${b.k} seller(s): ε* = ${f4(b.epsilon)}`).join(', ')}; V* = ${f4(byK[0].aligned)}, no information ${f4(byK[0].noInformation)}`);
    details.push(`- NashConv of the mode profiles (over the episode): ${byK.map((b) => `${b.k}: ${b.trained.map((t) => f4(t.m.mode.nashConvMean)).join(' / ')}`).join('; ')}`);
    const series: SvgSeries[] = ctx.seeds.map((seed, s) => ({ label: `learned, seed ${seed}`, x: ks, y: byK.map((b) => b.trained[s].m.mode.userValue), markers: true }));
    const mean = byK.map((b) => summarise(b.trained.map((t) => t.m.mode.userValue)));
    const figure = svgChart({
      title: "three-sellers: the buyer's utility against the number of sellers (exact, mode)",
      xLabel: 'sellers (providers option)',
      yLabel: "buyer's utility (higher is better)",
      series,
      references: [
        { y: byK[0].aligned, label: `V* ${byK[0].aligned.toFixed(3)}` },
        { y: byK[0].noInformation, label: `no information ${byK[0].noInformation.toFixed(3)}` },
      ],
    });
    const curves = svgChart({
      title: "three-sellers: the buyer's utility during training (exact, mode, round 0)",
      xLabel: 'iteration',
      yLabel: "buyer's utility (higher is better)",
      series: byK.map((b) => probeCurve(b.trained.map((t) => t.run), 'userValue', `${b.k} seller(s)`)),
      references: [{ y: byK[0].aligned, label: 'V*' }],
    });
    const measured = `buyer's utility ${mean.map((m: Stat, i) => `${ks[i]}: ${f4(m.mean)}`).join(', ')} (mean of ${ctx.seeds.length} seed(s); V* ${f4(byK[0].aligned)}; ${seedsReached(reached)})`;
    return outcome(this, recipe, ctx, t0, reached, measured, details, [
      { file: 'row8-competition-aligns.svg', caption: "the buyer's utility against the number of sellers, per seed, with V* and no information", svg: figure },
      { file: 'row8-training.svg', caption: "the buyer's utility during training, per number of sellers", svg: curves },
    ], ks.map((k) => ` --option providers=${k}`));
  },
};
