import { exploitabilitySamples } from '../../../training/exploitability.js';
import { compare, type Comparison } from '../../../training/evaluation/paired.js';
import { answer } from '../../../training/evaluation/questions.js';
import { playWorlds } from '../../../training/evaluation/worlds.js';
import { PolicyActor } from '../../../training/self-play/actors.js';
import { parseTrainConfig } from '../../../training/self-play/config.js';
import { SelfPlayTrainer } from '../../../training/self-play/trainer.js';
import { summarise } from '../../../training/stats.js';
import { GOAL_AMONG_HONEST, USERS_VS_EXAGGERATION } from '../profile.js';
import { delta, lower, meanCi, seedsReached, upper } from '../../../training/results/judge.js';
import { readRecipe, recipeSettings, trainCommand, type ResultRow, type RowContext, type RowOutcome } from '../../../training/results/row.js';
import { svgChart } from '../../../training/results/svg-chart.js';
import { evaluationCurve, trainSeed, trainSeeds } from '../../../training/results/train-seeds.js';

/** Evaluation worlds of the attention-market rows start here (the same worlds for every seed and profile). */
const WORLDS_SEED = 1_000_000;

/**
 * Row 1: π_user trained alone against exaggerating goals, judged deterministic (mode) against
 * the greedy user on the same worlds: lower regret is better.
 */
export const usersBeatGreedy: ResultRow = {
  id: 1,
  game: 'attention market',
  title: 'π_user trained vs exaggerating goals beats greedy',
  bar: 'paired Δ regret (mode π_user − greedy) ≤ −0.02 per user per round on ≥ 4,000 worlds, 95% CI excluding 0 (lower is better)',
  recipe: '1-users-beat-greedy.json',
  run(ctx) {
    const t0 = performance.now();
    const recipe = readRecipe(this.recipe);
    const runs = trainSeeds(recipe, ctx.seeds, ctx.fast, ctx.log, ctx.untrained);
    const worlds = ctx.fast ? recipe.fast.worlds : recipe.evaluation.worlds;
    const details: string[] = [];
    const reached: boolean[] = [];
    const answers = runs.map((run) => {
      const t = run.trainer;
      const a = answer(USERS_VS_EXAGGERATION, t.policies, t.profile, t.sides, { envId: recipe.env, envOptions: recipe.envOptions, worlds, rounds: t.T, seed: WORLDS_SEED });
      // full bar: Δ ≤ −0.02 with the CI below 0; fast bar: better than greedy (CI below 0)
      const ok = ctx.fast ? upper(a.mode) < 0 : a.mode.difference.mean <= -0.02 && upper(a.mode) < 0;
      reached.push(ok);
      details.push(
        `- seed ${run.seed} (${run.seconds.toFixed(0)} s of training): mode π_user ${meanCi(a.mode.candidate)}, sampled ${meanCi(a.sampled.candidate)}, greedy ${meanCi(a.mode.reference)}; ` +
          `paired Δ mode − greedy ${delta(a.mode)} (${a.mode.verdict}), sampled − greedy ${delta(a.sampled)} (${a.sampled.verdict}); ${ok ? 'reached' : 'not reached'}`,
      );
      return a;
    });
    const curve = svgChart({
      title: 'π_user vs exaggerating goals: periodic evaluation (mode, fixed worlds)',
      xLabel: 'iteration',
      yLabel: 'regret per user per round (lower is better)',
      series: [evaluationCurve(runs, 'meanRegret', `π_user (mean of ${runs.length} seeds ± 95% CI)`)],
      references: [{ y: answers.reduce((s, a) => s + a.mode.reference.mean, 0) / answers.length, label: 'greedy' }],
    });
    const outcome: RowOutcome = {
      reached: reached.every(Boolean),
      measured: `Δ ${answers.map((a) => delta(a.mode, 3)).join(', ')} (${seedsReached(reached)}, ${worlds} worlds)`,
      details,
      figures: [{ file: 'row1-users-curve.svg', caption: 'π_user against exaggerating goals during training', svg: curve }],
      commands: runs.map((r) => trainCommand(recipe, this.recipe, r.seed)),
      seconds: (performance.now() - t0) / 1000,
    };
    for (const r of runs) r.trainer.dispose();
    return outcome;
  },
};

/** Trains the deviator recipe and answers the deviator question for every seed; `judge` says whether a seed reaches the bar. */
function deviatorRow(row: ResultRow, ctx: RowContext, judge: (a: ReturnType<typeof answer>) => boolean, file: string): RowOutcome {
  const t0 = performance.now();
  const recipe = readRecipe(row.recipe);
  const runs = trainSeeds(recipe, ctx.seeds, ctx.fast, ctx.log, ctx.untrained);
  const worlds = ctx.fast ? recipe.fast.worlds : recipe.evaluation.worlds;
  const details: string[] = [];
  const reached: boolean[] = [];
  const answers = runs.map((run) => {
    const t = run.trainer;
    const a = answer(GOAL_AMONG_HONEST, t.policies, t.profile, t.sides, { envId: recipe.env, envOptions: recipe.envOptions, worlds, rounds: t.T, seed: WORLDS_SEED });
    const ok = judge(a);
    reached.push(ok);
    // honest goals have ‖e − g‖ = 0, so the round's mean honesty is the deviator's own over G goals
    const honesty = run.evaluation.metrics.honesty?.at(-1) ?? Number.NaN;
    const goals = t.vec.roles[t.sides.indexOf('goal')].count;
    details.push(
      `- seed ${run.seed} (${run.seconds.toFixed(0)} s of training): goal #0's utility per round, mode π_goal ${meanCi(a.mode.candidate)}, sampled ${meanCi(a.sampled.candidate)}, honest ${meanCi(a.mode.reference)}; ` +
        `paired Δ mode − honest ${delta(a.mode)} (${a.mode.verdict}), sampled − honest ${delta(a.sampled)} (${a.sampled.verdict}); ${Number.isFinite(honesty) ? `the deviator's honesty ‖e − g‖ in the last periodic evaluation ${(honesty * goals).toFixed(3)}; ` : ''}${ok ? 'reached' : 'not reached'}`,
    );
    return a;
  });
  const curve = svgChart({
    title: `${row.title}: periodic evaluation (mode, fixed worlds)`,
    xLabel: 'iteration',
    yLabel: 'goal #0 reward per round (higher is better)',
    series: [evaluationCurve(runs, 'goalReward', `π_goal as goal #0 (mean of ${runs.length} seeds ± 95% CI)`)],
    references: [{ y: answers.reduce((s, a) => s + a.mode.reference.mean, 0) / answers.length, label: 'honest goal #0' }],
  });
  const outcome: RowOutcome = {
    reached: reached.every(Boolean),
    measured: `Δ ${answers.map((a) => delta(a.mode, 3)).join(', ')} (${seedsReached(reached)}, ${worlds} worlds)`,
    details,
    figures: [{ file, caption: row.title, svg: curve }],
    commands: runs.map((r) => trainCommand(recipe, row.recipe, r.seed)),
    seconds: (performance.now() - t0) / 1000,
  };
  for (const r of runs) r.trainer.dispose();
  return outcome;
}

/** Row 2: where tastes cluster, a lone trained goal learns to exaggerate and beats honesty. */
export const goalLearnsToExaggerate: ResultRow = {
  id: 2,
  game: 'attention market',
  title: 'π_goal as one deviator among honest goals vs greedy users, tastes clustered (one centre, spread 0.25), λ = 0.1, 8 users',
  bar: "goal #0's utility (mode π_goal − honest, paired) above 0 beyond the 95% CI (higher is better): it learns to exaggerate",
  recipe: '2-goal-exaggerates.json',
  run(ctx) {
    return deviatorRow(this, ctx, (a) => a.mode.verdict === 'better', 'row2-goal-curve.svg');
  },
};

/** Row 3: where exaggeration does not pay, the lone trained goal's mode stays honest. */
export const goalStaysHonest: ResultRow = {
  id: 3,
  game: 'attention market',
  title: 'the same where exaggeration does not pay: independent tastes, λ = 1',
  bar: "goal #0's mode utility within the 95% CI of honest (paired; not worse): it learns honesty, not noise",
  recipe: '3-goal-stays-honest.json',
  run(ctx) {
    // fast: a looser bound, not worse than honest by more than 0.1 per round (utilities are ~4)
    return deviatorRow(this, ctx, (a) => (ctx.fast ? lower(a.mode) > -0.1 : a.mode.verdict !== 'worse'), 'row3-goal-curve.svg');
  },
};

/**
 * Row 4: self-play of both sides. Each side's exploitability lower bound (a best response
 * trained for a fixed budget against the other side frozen, its gain over the side's policy
 * on the same worlds) must fall from the untrained policies' to the trained ones' beyond the
 * 95% CI of the paired difference; and π_goal's honesty ‖e − g‖ (mode, in self-play) must fall
 * as the cost weight λ grows.
 */
export const selfPlayBothSides: ResultRow = {
  id: 4,
  game: 'attention market',
  title: 'self-play, both sides (one taste centre, spread 0.25, 8 users)',
  bar: "both sides' exploitability lower bounds (one agent deviating) fall from the initial policies' beyond the 95% CI (lower is better); π_goal's honesty ‖e − g‖ falls as λ grows (a figure over 4 values of λ)",
  recipe: '4-self-play.json',
  run(ctx) {
    const t0 = performance.now();
    const recipe = readRecipe(this.recipe);
    const lambdas = (ctx.fast ? (recipe.fast as { lambdas?: number[] }).lambdas : undefined) ?? (recipe.lambdas as number[]);
    const br = recipe.bestResponse as { iterations: number; worlds: number; deviation: 'side' | 'unilateral'; settings: Record<string, Record<string, unknown>> };
    const brIterations = br.iterations;
    const worlds = ctx.fast ? recipe.fast.worlds : recipe.evaluation.worlds;
    const brWorlds = br.worlds;
    const details: string[] = [];
    const reached: boolean[] = [];
    // honesty of the mode π_goal in self-play, per λ and seed
    const honesty = lambdas.map(() => [] as number[]);
    const exploit: { seed: number; user: Comparison; goal: Comparison }[] = [];
    for (const [li, lambda] of lambdas.entries()) {
      for (const seed of ctx.seeds) {
        ctx.log(` λ = ${lambda}, seed ${seed}`);
        const envOptions = { ...recipe.envOptions, costWeight: lambda };
        const run = trainSeed(recipe, seed, ctx.fast, ctx.log, envOptions, ctx.untrained);
        const t = run.trainer;
        const profile = playWorlds(t.sides.map((s) => new PolicyActor(t.policies[s], { deterministic: true })), { envId: recipe.env, envOptions, worlds, rounds: t.T, seed: WORLDS_SEED });
        honesty[li].push(summarise(profile.metric('honesty')).mean);
        if (lambda === 1 && !ctx.fast) {
          // exploitability of the trained profile and of the untrained one of the same seed, on the same worlds
          const settings = recipeSettings(recipe, seed, ctx.fast);
          const xo = { envId: recipe.env, envOptions, config: settings, configBySide: br.settings, deviation: br.deviation, iterations: brIterations, evalEpisodes: 0, worlds: brWorlds, seed: seed + 77 };
          const trained = exploitabilitySamples(t.policies, xo);
          const initial = new SelfPlayTrainer(recipe.env, envOptions, parseTrainConfig({ ...settings, steps: 1 }));
          const untrained = exploitabilitySamples(initial.policies, xo);
          initial.dispose();
          // lower gain is better: trained − initial must be below 0
          const user = compare(trained.gains.user, untrained.gains.user, false);
          const goal = compare(trained.gains.goal, untrained.gains.goal, false);
          exploit.push({ seed, user, goal });
          details.push(
            `- seed ${seed}, λ = 1 (${run.seconds.toFixed(0)} s of training): exploitability lower bound of π_user ${meanCi(user.candidate)} trained vs ${meanCi(user.reference)} untrained (paired Δ ${delta(user)}, ${user.verdict}); ` +
              `of π_goal ${meanCi(goal.candidate)} vs ${meanCi(goal.reference)} (Δ ${delta(goal)}, ${goal.verdict}); best responses of ${brIterations} iterations (${br.deviation === 'unilateral' ? 'one agent deviating' : 'a whole side deviating'}), gains per agent per round on ${brWorlds} worlds`,
          );
        }
        t.dispose();
      }
    }
    const h = honesty.map((xs) => summarise(xs));
    for (const e of exploit) reached.push(upper(e.user) < 0 && upper(e.goal) < 0);
    // the fast version (a few iterations, too few for exploitability to fall beyond noise) judges the
    // ends of λ only: honesty at the smallest λ at least 10% above that at the largest (untrained, the
    // policies are the same at every λ, so it fails)
    if (ctx.fast) reached.push(h[0].mean > 1.1 * h[h.length - 1].mean);
    const falling = h.every((s, i) => i === 0 || s.mean < h[i - 1].mean);
    // the ends must differ beyond their CIs (across seeds), unless only one seed ran
    const apart = ctx.seeds.length < 2 || h[0].mean - h[0].ci95 > h[h.length - 1].mean + h[h.length - 1].ci95;
    details.push(`- π_goal's honesty ‖e − g‖ (mode, self-play, ${worlds} worlds, mean over ${ctx.seeds.length} seed(s) ± 95% CI): ${lambdas.map((l, i) => `λ = ${l}: ${meanCi(h[i], 3)}`).join('; ')}; ${falling && apart ? 'falls as λ grows' : 'does NOT fall as λ grows'}`);
    const figure = svgChart({
      title: "π_goal's honesty against the cost weight λ (self-play, mode)",
      xLabel: 'λ (weight of the generation cost)',
      yLabel: '‖e − g‖ per creation (0 = honest)',
      logX: true,
      series: [{ label: `mean of ${ctx.seeds.length} seed(s) ± 95% CI`, x: lambdas, y: h.map((s) => s.mean), band: h.map((s) => (Number.isFinite(s.ci95) ? s.ci95 : 0)), markers: true }],
    });
    return {
      reached: reached.length > 0 && reached.every(Boolean) && falling && apart,
      measured: `${exploit.length ? `exploitability Δ user ${exploit.map((e) => delta(e.user, 3)).join(', ')}; goal ${exploit.map((e) => delta(e.goal, 3)).join(', ')} (${seedsReached(reached)}); ` : ''}honesty ${h.map((s) => s.mean.toFixed(3)).join(falling ? ' > ' : ', ')} over λ = ${lambdas.join(', ')}`,
      details,
      figures: [{ file: 'row4-honesty-lambda.svg', caption: "π_goal's honesty against λ", svg: figure }],
      commands: ctx.seeds.map((seed) => trainCommand(recipe, this.recipe, seed)),
      seconds: (performance.now() - t0) / 1000,
    };
  },
};
