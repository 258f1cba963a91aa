import { readFileSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { selectBackend } from '../agents/backend/index.js';
import { OptionError } from '../envs/core/errors.js';
import { describeAllowed, parseOptions, type OptionSpec } from '../envs/core/options.js';
import { didYouMean } from '../envs/core/suggest.js';
import { spec as envSpec } from '../envs/registry.js';
import { copyCheckpoint, readManifest } from '../checkpoints/index.js';
import { answer, questionsFor, type Answer } from '../training/evaluation/questions.js';
import { describeComparison, type Comparison } from '../training/evaluation/paired.js';
import { metricLabel, rewardMetric, summaryMetrics, trainDefaultsFor, trainWarnings } from '../training/profiles/index.js';
import { trainsAll } from '../training/self-play/config.js';
import { exploitabilityLowerBound, type ExploitabilityEstimate } from '../training/exploitability.js';
import { checkTrainerState } from '../training/checkpoint-check.js';
import { MetricBus } from '../training/metrics/bus.js';
import type { UpdateEvent } from '../training/metrics/events.js';
import { saveTrainer, trainRun } from '../training/run.js';
import { parseTrainConfig, trainSchema, type TrainConfig } from '../training/self-play/config.js';
import { SelfPlayTrainer } from '../training/self-play/trainer.js';
import type { Stat } from '../training/stats.js';
import { RUN_INFO_FILE, SUMMARY_FILE } from '../training/dashboard/run-data.js';
import { startDashboardWorker, type WorkerDashboard } from '../training/dashboard/worker.js';
import { dashboardAddress, startOrExplain } from './dashboard-address.js';
import { intFlag, parseCommandArgs, stringFlag, type FlagValues } from './args.js';
import { EXIT, UsageError } from './errors.js';
import { ci, num, statJson, table } from './format.js';
import type { CliIO } from './io.js';
import { envIdOf, envOptionsArgs, gameOf } from './env-args.js';
import { backendFlag } from './backend-flag.js';
import { checkpointUsage } from './checkpoint-usage.js';
import { bestResponseConfig, exploitabilityLines, exploitabilitySummary } from './exploitability.js';
import { valueFromText } from './option-text.js';
import { exampleGame } from './game-help.js';
import { EVAL_SEED_OFFSET, EVAL_WORLDS, SETTING_FLAGS, trainSpec, type SettingKey } from './train-spec.js';
import { stopOnSignal } from './interrupt.js';
import { checkpointPath, makeRunFolder, runFolder, showPath } from './run-folder.js';


/** One setting from the command line, validated alone; `label` names where it came from ("--steps", "--set hidden=2"). */
function settingFromText(key: SettingKey, raw: string, label: string): unknown {
  const s = trainSchema[key] as OptionSpec;
  const value = valueFromText(s, raw, label);
  try {
    parseOptions(label, { [key]: s }, { [key]: value });
  } catch (e) {
    if (e instanceof OptionError) throw new UsageError(`${label} must be ${describeAllowed(s)}${label.startsWith('--set') ? ` (${s.doc})` : ''}, got ${JSON.stringify(raw)}`);
    throw e;
  }
  return value;
}

/** The --set key=value list, each validated. */
function parseSetFlags(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = Object.keys(trainSchema).join(', ');
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value, got ${JSON.stringify(pair)}; the settings are ${keys}`);
    const key = pair.slice(0, eq).trim();
    if (!Object.hasOwn(trainSchema, key)) throw new UsageError(`--set: unknown setting ${JSON.stringify(key)}${didYouMean(key, Object.keys(trainSchema))}; the settings are ${keys}`);
    if (Object.hasOwn(out, key)) throw new UsageError(`--set ${key} is given twice`);
    out[key] = settingFromText(key as SettingKey, pair.slice(eq + 1), `--set ${key}`);
  }
  return out;
}

/** The --config file: a JSON object of settings, each checked; refusals name the file. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(`--config ${path}: cannot read it (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : String(code ?? e)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--config ${path} must hold a JSON object of settings, like {"hidden": 32, "numEnvs": 8}`);
  }
  try {
    parseTrainConfig(parsed, `--config ${path}`);
  } catch (e) {
    if (e instanceof OptionError) throw new UsageError(e.message);
    throw e;
  }
  return parsed as Record<string, unknown>;
}









/** A Writable that hands complete lines to `line` (progress for a CliIO without a stream). */
function lineStream(line: (text: string) => void): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      pending += chunk.toString();
      const parts = pending.split(/\r?\n|\r/);
      pending = parts.pop() ?? '';
      for (const p of parts) if (p !== '') line(p);
      done();
    },
    final(done) {
      if (pending !== '') line(pending);
      pending = '';
      done();
    },
  });
}

interface ResumeInfo {
  path: string;
  envId: string;
  envOptions: Record<string, unknown>;
  config: TrainConfig;
  step: number;
}

async function readResume(path: string): Promise<ResumeInfo> {
  const { manifest, summary } = await checkpointUsage(readManifest(path), `--resume: `);
  const t = manifest.trainer as { config?: unknown; envOptions?: unknown; step?: unknown } | null;
  if (!t || typeof t !== 'object' || typeof t.config !== 'object' || typeof t.step !== 'number') {
    throw new UsageError(`--resume ${path}: the checkpoint holds no self-play trainer state to continue`);
  }
  // Every field of the trainer state against the env and the settings (step ≥ 0, options valid, ...).
  const { config } = await checkpointUsage(Promise.resolve().then(() => checkTrainerState(manifest, summary.path)), '--resume: ');
  const envOptions = (t.envOptions ?? manifest.envOptions ?? {}) as Record<string, unknown>;
  return { path: summary.path, envId: manifest.envId, envOptions, config, step: t.step };
}

/** Where each given setting came from, for messages. */
type Sources = Record<string, string>;

/** The summary `train --json` prints. */
export interface TrainSummaryJson {
  env: string;
  envOptions: Record<string, unknown>;
  settings: TrainConfig;
  backend: { name: string; detail: string; rollouts: string };
  runFolder: string;
  resumedFrom: string | null;
  steps: number;
  iterations: number;
  trainedSteps: number;
  seconds: number;
  lastIteration: { metrics: Record<string, number>; updates: Record<string, Omit<UpdateEvent, 'kind' | 'time' | 'step' | 'iteration' | 'policy'>> };
  /** One answer per question asked of a trained side (training/evaluation/questions.ts). */
  evaluation: AnswerJson[];
  evaluationWorlds: number;
  evaluationSeed: number;
  exploitability: { trained: ExploitabilityEstimate; initial: ExploitabilityEstimate } | null;
  checkpoint: string;
  best: string | null;
  next: string;
}

/** `buddy-gym train`: resolves to the exit code. */
export function trainCommand(argv: readonly string[], io: CliIO): number | Promise<number> {
  const { values, positionals } = parseCommandArgs(trainSpec, argv);
  return train(values, positionals, io);
}

async function train(values: FlagValues, positionals: string[], io: CliIO): Promise<number> {
  const resumeFlag = stringFlag(values, 'resume');
  const idGiven = envIdOf(positionals, resumeFlag === undefined ? `: buddy-gym train ${exampleGame()} (or --resume a checkpoint)` : undefined);
  if (idGiven !== undefined) gameOf(idGiven);

  const backend = backendFlag(values);
  if (stringFlag(values, 'eval-worlds') !== undefined && stringFlag(values, 'eval-episodes') !== undefined) throw new UsageError('--eval-worlds and --eval-episodes both set the evaluation; give one');
  const evalEpisodes = stringFlag(values, 'eval-episodes') === undefined ? null : intFlag(values, 'eval-episodes', 0, 0, 100_000);
  const evalWorldsFlag = intFlag(values, 'eval-worlds', EVAL_WORLDS, 0, 1_000_000);
  const exploitIterations = stringFlag(values, 'exploitability') === undefined ? 0 : intFlag(values, 'exploitability', 0, 1, 1_000_000);
  const wantDashboard = values.dashboard === true;
  if (!wantDashboard) for (const f of ['port', 'host']) if (stringFlag(values, f) !== undefined) throw new UsageError(`--${f} sets the address of --dashboard; give --dashboard too`);
  const address = wantDashboard ? dashboardAddress(values) : undefined;

  // Settings: defaults < config file < flags.
  const sources: Sources = {};
  const given: Record<string, unknown> = {};
  const configFile = stringFlag(values, 'config');
  if (configFile !== undefined) {
    for (const [k, v] of Object.entries(readConfigFile(configFile))) {
      given[k] = v;
      sources[k] = `--config ${configFile}`;
    }
  }
  const fromFlags: Record<string, unknown> = {};
  for (const { flag, key } of SETTING_FLAGS) {
    const raw = stringFlag(values, flag);
    if (raw !== undefined) {
      fromFlags[key] = settingFromText(key, raw, `--${flag}`);
      sources[key] = `--${flag}`;
    }
  }
  if (values.population) {
    fromFlags.population = true;
    sources.population = '--population';
  }
  const fromSet = parseSetFlags((values.set as string[] | undefined) ?? []);
  for (const k of Object.keys(fromSet)) {
    if (Object.hasOwn(fromFlags, k)) throw new UsageError(`${sources[k]} and --set ${k} both set ${k}; give it once`);
    sources[k] = `--set ${k}`;
  }
  Object.assign(given, fromFlags, fromSet);

  // A run folder stands for its latest checkpoint, as in eval.
  const resume = resumeFlag === undefined ? undefined : await readResume(checkpointPath(resumeFlag, io.err));
  const id = idGiven ?? resume!.envId;
  if (resume && resume.envId !== id) throw new UsageError(`--resume ${resumeFlag}: the checkpoint is of ${resume.envId}, not ${id}`);

  // The env options, parsed once: this form goes to the trainer, the checkpoints, run.json and the summary.
  const g = gameOf(id);
  const { given: envOptionsGiven, options: parsed, preset, flagged } = envOptionsArgs(g, values, resume?.envOptions);
  const envOptions = parsed as Record<string, unknown>;

  let config: TrainConfig;
  if (resume) {
    // A resumed run keeps the checkpoint's settings and env: only the step total may change.
    for (const [k, v] of Object.entries(given)) {
      const had = (resume.config as Record<string, unknown>)[k];
      if (k !== 'steps' && v !== had) {
        throw new UsageError(`--resume continues with the checkpoint's settings, but ${sources[k]} gives ${k}=${JSON.stringify(v)} where it has ${JSON.stringify(had)}; only --steps may change`);
      }
    }
    const before = envSpec(id).parseOptions(resume.envOptions) as Record<string, unknown>;
    for (const k of Object.keys(envOptionsGiven)) {
      if (before[k] === envOptions[k]) continue;
      const given = flagged.includes(k) ? `--option ${k}=${JSON.stringify(envOptions[k])}` : `--preset ${preset} gives ${k}=${JSON.stringify(envOptions[k])}, which`;
      throw new UsageError(`--resume continues the checkpoint's env, but ${given} differs from its ${JSON.stringify(before[k])}`);
    }
    config = parseTrainConfig({ ...resume.config, steps: given.steps ?? resume.config.steps }, 'train settings');
  } else {
    // The game's recipe sits between the defaults and the --config file.
    const recipe = trainDefaultsFor(id);
    for (const k of Object.keys(recipe)) sources[k] ??= `${id}'s training recipe (the trainDefaults of its profile)`;
    try {
      config = parseTrainConfig({ ...recipe, ...given }, 'train settings');
    } catch (e) {
      if (e instanceof OptionError) throw new UsageError(`${sources[e.option] ?? 'settings'}: ${e.message}`);
      throw e;
    }
  }
  for (const w of trainWarnings(id, envOptions, config)) io.err(`warning: ${w}`);
  const outFlag = stringFlag(values, 'out');
  const out = runFolder(outFlag, id, resume?.path);
  let perIteration: number;
  try {
    perIteration = SelfPlayTrainer.stepsPerIteration(id, envOptions, config.numEnvs);
  } catch (e) {
    throw new UsageError(`${id} cannot be trained by self-play: ${(e as Error).message}`);
  }
  const rounds = perIteration / config.numEnvs;
  const quiet = values.quiet === true;

  if (config.steps % perIteration !== 0) {
    const stop = Math.ceil(config.steps / perIteration) * perIteration;
    io.err(`note: ${config.steps} steps is not a multiple of the ${perIteration} steps of one iteration (numEnvs ${config.numEnvs} x rounds ${rounds}); the run stops at ${stop}`);
  }
  if (resume && resume.step >= config.steps) io.err(`note: the checkpoint is at step ${resume.step}, already at the total of ${config.steps}: nothing to train`);
  if (!quiet) {
    const what = resume ? `resuming ${showPath(resume.path)} at step ${resume.step}` : `${id}`;
    io.err(`train: ${what}, ${config.steps} steps in all (${perIteration} per iteration); run folder ${showPath(out)}`);
  }

  // The backend before the run folder: a backend this machine lacks is a refusal (exit 2) that leaves nothing behind.
  const backendReport = await selectBackend(backend);
  const bus = new MetricBus();
  const lastUpdates: Record<string, UpdateEvent> = {};
  // run.json: what the dashboard and the report show as the run's config (the backend once known).
  const runInfo: Record<string, unknown> = { env: id, envOptions, settings: config, backend: null, resumedFrom: resume?.path ?? null, words: g.words ?? {} };
  const writeRunInfo = () => writeFileSync(join(out, RUN_INFO_FILE), JSON.stringify(runInfo, null, 2) + '\n');
  makeRunFolder(out, outFlag);
  writeRunInfo();
  bus.events$.subscribe((e) => {
    if (e.kind === 'update') lastUpdates[e.policy] = e;
    if (e.kind === 'backend') {
      runInfo.backend = { name: e.backend, detail: e.detail };
      try {
        writeRunInfo();
      } catch {
        // the config file is a convenience; training goes on
      }
    }
  });
  let dashboard: WorkerDashboard | undefined;
  if (address) {
    // In a worker thread: it answers while an iteration holds this one.
    dashboard = await startOrExplain({ runs: [{ name: basename(out), dir: out, live: bus.events$ }], ...address }, ({ runs, ...o }) => startDashboardWorker(runs, o));
    io.err(`dashboard: ${dashboard.url}`);
  }
  const progress = io.errStream ?? lineStream((l) => io.err(l));
  const t0 = performance.now();
  let result: Awaited<ReturnType<typeof trainRun>>;
  const interrupt = stopOnSignal((line) => io.err(line));
  try {
    result = await checkpointUsage(
      trainRun({ envId: id, envOptions, config: resume ? { steps: config.steps } : config, backend: backendReport, out, resume: resume?.path, quiet, progress, bus, stop: interrupt.signal, tensorboard: values.tensorboard === true }),
      resume ? '--resume: ' : '',
    );
  } catch (e) {
    await dashboard?.close();
    throw e;
  } finally {
    interrupt.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  const trainer = result.trainer;
  if (result.interrupted) {
    trainer.dispose();
    await dashboard?.close();
    const at = showPath(result.checkpoint);
    io.err(`interrupted at step ${trainer.step} of ${trainer.config.steps}: checkpoint saved (atomically) to ${at}`);
    io.err(`continue with: npx buddy-gym train --resume ${at} --steps ${trainer.config.steps}`);
    return interrupt.exitCode;
  }
  try {
    // The evaluation on fresh worlds: each trained side (mode, sampled beside) against baselines, paired with its reference.
    const evalWorlds = evalEpisodes === null ? evalWorldsFlag : evalEpisodes * trainer.config.numEnvs;
    const worldsOptions = { envId: id, envOptions, worlds: evalWorlds, rounds: trainer.T, seed: trainer.config.seed + EVAL_SEED_OFFSET };
    const evaluation: TrainSummaryJson['evaluation'] = [];
    if (evalWorlds > 0) {
      const trained = trainsAll(trainer.config) ? trainer.sides : [trainer.config.train];
      const partnerOf = (side: string) => trainer.baseline(side)?.name ?? trainer.profile.reference[side];
      for (const q of questionsFor(trainer.profile, trainer.sides, trained, partnerOf)) {
        evaluation.push(answerJson(answer(q, trainer.policies, trainer.profile, trainer.sides, worldsOptions)));
      }
    }

    let exploitability: TrainSummaryJson['exploitability'] = null;
    if (exploitIterations > 0) {
      if (!quiet) io.err(`exploitability: training best responses, ${exploitIterations} iterations per side, for the trained and the initial policies...`);
      const xo = { envId: id, envOptions, config: bestResponseConfig(trainer.config), iterations: exploitIterations, evalEpisodes: Math.max(2, Math.ceil(evalWorlds / trainer.config.numEnvs)), seed: trainer.config.seed };
      const trained = exploitabilityLowerBound(trainer.policies, xo);
      const fresh = new SelfPlayTrainer(id, envOptions, parseTrainConfig({ ...bestResponseConfig(trainer.config), steps: 1 }));
      let initial: ExploitabilityEstimate;
      try {
        initial = exploitabilityLowerBound(fresh.policies, xo);
      } finally {
        fresh.dispose();
      }
      exploitability = { trained, initial };
      // Kept with the final checkpoint (its trainer summary), where eval and info show it.
      if (isInside(result.checkpoint, out) && result.checkpoint !== resume?.path) {
        trainer.summary = { ...trainer.summary, ...exploitabilitySummary(trained) };
        await saveTrainer(trainer, result.checkpoint);
        if (result.best && (await readManifest(result.best)).summary.step === trainer.step) await copyCheckpoint(result.checkpoint, result.best);
      }
    }

    const summaryJson: TrainSummaryJson = {
      env: id,
      envOptions,
      settings: trainer.config,
      backend: { name: result.backend.name, detail: result.backend.attempts.find((a) => a.ok)?.reason ?? '', rollouts: trainer.rollout.reason },
      runFolder: out,
      resumedFrom: resume?.path ?? null,
      steps: trainer.step,
      iterations: trainer.iteration,
      trainedSteps: trainer.step - (resume?.step ?? 0),
      seconds,
      lastIteration: {
        metrics: Object.fromEntries(Object.entries(trainer.summary).filter(([k]) => !k.startsWith('exploitability') && k !== 'nashConvLowerBound')),
        updates: Object.fromEntries(
          Object.entries(lastUpdates).map(([side, { kind: _k, time: _t, step: _s, iteration: _i, policy: _p, ...stats }]) => [side, stats]),
        ),
      },
      evaluation,
      evaluationWorlds: evalWorlds,
      evaluationSeed: worldsOptions.seed,
      exploitability,
      checkpoint: result.checkpoint,
      best: result.best,
      next: `npx buddy-gym eval ${showPath(result.checkpoint)}`,
    };
    writeFileSync(join(out, SUMMARY_FILE), JSON.stringify(summaryJson, null, 2) + '\n');
    if (values.json) io.out(JSON.stringify(summaryJson, null, 2));
    else {
      // Words for every metric (the profile's, else the name in words), and which ones have a row.
      const keys = Object.keys(summaryJson.lastIteration.metrics);
      const labels = { ...trainer.profile.metricLabels, ...Object.fromEntries(keys.map((k) => [k, metricLabel(trainer.profile, k)])) };
      printSummary(io, summaryJson, trainer.config, labels, trainer.best.metric, summaryMetrics(trainer.profile, keys));
    }
    return EXIT.ok;
  } finally {
    trainer.dispose();
    if (dashboard) {
      await dashboard.close();
      if (!quiet) io.err('dashboard: closed (training ended)');
    }
  }
}

function isInside(p: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(p));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function printSummary(io: CliIO, s: TrainSummaryJson, c: TrainConfig, labels: Record<string, string>, bestMetric: string, shown: readonly string[]): void {
  const trained = s.resumedFrom ? `${s.trainedSteps} more env steps (resumed at step ${s.steps - s.trainedSteps})` : `${s.steps} env steps`;
  io.out(`${s.env}: trained ${trained}, ${s.iterations} iterations in all, in ${s.seconds.toFixed(1)} s on ${s.backend.name}${s.backend.detail ? ` (${s.backend.detail})` : ''}`);
  const opts = Object.entries(s.envOptions).map(([k, v]) => `${k}=${String(v)}`).join(', ');
  io.out(`options: ${opts}`);
  const changed = Object.entries(c).filter(([k, v]) => (trainSchema as Record<string, OptionSpec>)[k]?.default !== v);
  io.out(`settings: ${changed.length ? `${changed.map(([k, v]) => `${k}=${String(v)}`).join(', ')}, others default` : 'defaults'} (learner ${c.learner}, schedule ${c.schedule}${c.population ? ', population' : ''})`);
  io.out('');

  const m = s.lastIteration.metrics;
  const rows: string[][] = [[`last training iteration (${s.iterations}, step ${s.steps}; sampled policies vs their training opponents)`, 'value']];
  for (const k of shown) rows.push([`  ${labels[k] ?? k}`, num(m[k])]);
  table(rows, [false, true]).forEach((l) => io.out(l));
  const sides = Object.keys(s.lastIteration.updates);
  if (sides.length) {
    io.out('');
    const head = ['last update', 'policy loss', 'value loss', 'entropy', 'approx KL', 'clip frac', 'grad norm', 'expl. var'];
    const urows = sides.map((side) => {
      const u = s.lastIteration.updates[side];
      return [`  π_${side}`, num(u.policyLoss), num(u.valueLoss), num(u.entropy), num(u.approxKl), num(u.clipFraction), num(u.gradNorm), num(u.explainedVariance)];
    });
    table([head, ...urows], [false, true, true, true, true, true, true, true]).forEach((l) => io.out(l));
  }
  if (s.evaluation.length) {
    io.out('');
    io.out(`evaluation on ${s.evaluationWorlds} worlds (seeds from ${s.evaluationSeed}): each trained side deterministic (mode),`);
    io.out('the sampled policy beside it, compared in pairs with its reference baseline on the same worlds');
    for (const e of s.evaluation) {
      io.out('');
      io.out(`  ${e.label}: ${e.figure}, ${e.higherIsBetter ? 'higher' : 'lower'} is better`);
      const stat = (j: ComparisonJson['candidate']): Stat => ({ mean: j.mean ?? NaN, ci95: j.ci95 ?? NaN, n: j.n });
      const rows2: string[][] = [
        [`    trained (mode)`, num(stat(e.mode.candidate).mean), ci(stat(e.mode.candidate))],
        [`    trained (sampled)`, num(stat(e.sampled.candidate).mean), ci(stat(e.sampled.candidate))],
        [`    ${e.reference} (reference)`, num(stat(e.mode.reference).mean), ci(stat(e.mode.reference))],
      ];
      table(rows2, [false, true, false]).forEach((l) => io.out(l));
      io.out(`    mode vs ${e.reference}: ${e.mode.summary}`);
      io.out(`    sampled vs ${e.reference}: ${e.sampled.summary}`);
    }
  }
  if (s.exploitability) {
    io.out('');
    exploitabilityLines('trained policies', s.exploitability.trained).forEach((l) => io.out(l));
    exploitabilityLines('initial policies (same seed, untrained)', s.exploitability.initial).forEach((l) => io.out(l));
  }
  io.out('');
  io.out(`run folder: ${showPath(s.runFolder)}`);
  io.out(`checkpoint: ${showPath(s.checkpoint)}`);
  io.out(`best: ${s.best ? showPath(s.best) : `(none: no finite ${bestMetric} yet)`}`);
  io.out(`next: ${s.next}`);
}

/** A comparison as JSON, with its sentence. */
interface ComparisonJson {
  candidate: ReturnType<typeof statJson>;
  reference: ReturnType<typeof statJson>;
  difference: ReturnType<typeof statJson>;
  verdict: Comparison['verdict'];
  summary: string;
}

export interface AnswerJson {
  label: string;
  side: string;
  /** A round metric of the env, or `<side>Reward`. */
  metric: string;
  figure: string;
  higherIsBetter: boolean;
  reference: string;
  players: Answer['players'];
  mode: ComparisonJson;
  sampled: ComparisonJson;
}

function comparisonJson(c: Comparison): ComparisonJson {
  return { candidate: statJson(c.candidate), reference: statJson(c.reference), difference: statJson(c.difference), verdict: c.verdict, summary: describeComparison(c) };
}

function answerJson(a: Answer): AnswerJson {
  const q = a.question;
  return { label: q.label, side: q.side, metric: q.metric ?? rewardMetric(q.side), figure: q.figure, higherIsBetter: q.higherIsBetter, reference: q.reference, players: a.players, mode: comparisonJson(a.mode), sampled: comparisonJson(a.sampled) };
}
