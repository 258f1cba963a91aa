import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { BACKEND_NAMES, isBackendName, type BackendName, type BackendReport } from '../../agents/backend/index.js';
import { ATTENTION_MARKET_ID } from '../../envs/attention-market/options.js';
import { OptionError } from '../../envs/core/errors.js';
import { describeAllowed, describeSchema, parseOptions, type OptionSpec } from '../../envs/core/options.js';
import { registeredIds, spec as envSpec } from '../../envs/registry.js';
import { CheckpointError, CheckpointStore, copyCheckpoint, readManifest } from '../../checkpoints/index.js';
import type { MatchupOptions } from '../evaluate.js';
import { rewardMetric, trainDefaultsFor, trainWarnings } from '../profiles/index.js';
import { summaryEvaluation } from './train-evaluation.js';
import { exploitabilityLowerBound, type ExploitabilityEstimate } from '../exploitability.js';
import { MetricBus } from '../metrics/bus.js';
import type { UpdateEvent } from '../metrics/events.js';
import { backendReasons, saveTrainer, trainRun } from '../run.js';
import { parseTrainConfig, trainSchema, type TrainConfig } from '../self-play/config.js';
import { SelfPlayTrainer } from '../self-play/trainer.js';
import type { Stat } from '../stats.js';
import { RUN_INFO_FILE, SUMMARY_FILE } from '../dashboard/run-data.js';
import type { Dashboard } from '../dashboard/server.js';
import { HOST_FLAG, PORT_FLAG, dashboardAddress, startOrExplain } from './dashboard.js';
import { HELP_FLAG, commandHelp, intFlag, parseCommandArgs, stringFlag, type CommandSpec, type FlagValues } from './args.js';
import { EXIT, UsageError } from './errors.js';
import { ci, num, statJson, table } from './format.js';
import type { CliIO } from './io.js';
import { parseEnvOptions } from './play.js';

type SettingKey = keyof typeof trainSchema;

/** Flags that set one train setting each (the others go through --set or --config). */
const SETTING_FLAGS: readonly { flag: string; key: SettingKey; value: string }[] = [
  { flag: 'steps', key: 'steps', value: '<N>' },
  { flag: 'seed', key: 'seed', value: '<S>' },
  { flag: 'schedule', key: 'schedule', value: '<NAME>' },
  { flag: 'num-envs', key: 'numEnvs', value: '<B>' },
  { flag: 'learner', key: 'learner', value: '<NAME>' },
];

/** Evaluation episodes are seeded from the run's seed plus this, away from the training seeds. */
export const EVAL_SEED_OFFSET = 1_000_000;

const settingRows = (): string[] =>
  table(describeSchema(trainSchema).map((o) => [`  ${o.name}`, o.allowed, JSON.stringify(o.default), o.doc]));

export const BACKEND_FLAG = {
  name: 'backend',
  type: 'string',
  value: '<NAME>',
  doc: `TensorFlow.js backend: ${BACKEND_NAMES.join(', ')} (default auto: the fastest that loads, GPU first; webgpu only by name)`,
} as const;

export const trainSpec: CommandSpec = {
  name: 'train',
  summary: 'train one policy per side of any env by self-play (π_user and π_goal, providers, …); progress, checkpoints, a summary table',
  usage: [
    'train <id> [--steps N] [--seed S] [--backend NAME] [--out DIR] [--config FILE.json] [--set key=value ...] [--option key=value ...] [--json]',
    'train [<id>] --resume CKPT [--steps N] [--out DIR]',
  ],
  details: [
    'Trains one policy per side (role) of any registered env by self-play: π_user and π_goal of',
    `${ATTENTION_MARKET_ID}, the providers of the persuasion games, the consumers and the price-setter`,
    'of trade-market-v0, the generator and discriminator of consensus-game-v0. Progress goes to stderr',
    '(one line redrawn on a terminal, plain lines in a pipe or CI). The run folder gets metrics.jsonl,',
    "metrics/<kind>.csv and checkpoints/ (step-<N>/, best/ by the env's measure, e.g. mean regret, latest.json). At the end, stdout gets a",
    "summary: the last iteration's metrics, a short evaluation against baselines (mean ± 95% CI",
    `over --eval-episodes episodes seeded from S + ${EVAL_SEED_OFFSET}, away from training), the`,
    'checkpoint path and the next command to run. The run folder also gets run.json (env, options,',
    'settings, backend) at the start and summary.json (the --json summary) at the end.',
    '',
    '--dashboard serves a live page of the run at http://127.0.0.1:<port>/ (printed on stderr;',
    '--port P for a fixed port, --host H to bind another address) while it trains, and closes it',
    'when the command ends; buddy-gym dashboard <run-dir> serves it later, buddy-gym report writes',
    'it as one HTML file.',
    '',
    "Settings: defaults < the env's training recipe (its profile's trainDefaults) < --config FILE.json",
    '< flags (--steps, --seed, ..., --set key=value); run.json records the merged settings.',
    '--steps is the total of env steps of the run (rounds summed over the env copies; one',
    'iteration plays numEnvs x rounds of them), so a resumed run continues to the same total.',
    "--resume continues a checkpoint bit for bit with its own settings and env options: only",
    '--steps may change; without --out it writes into the run folder the checkpoint belongs to.',
    '',
    'Every setting (--set key=value, or a key of the --config JSON object):',
    ...settingRows(),
    '',
    'Env options (--option key=value): buddy-gym list <id>',
  ],
  flags: [
    { name: 'steps', type: 'string', value: '<N>', doc: `total env steps of the run: ${describeAllowed(trainSchema.steps)} (default ${trainSchema.steps.default})` },
    { name: 'seed', type: 'string', value: '<S>', doc: `seed of the env, the initial weights and all sampling: ${describeAllowed(trainSchema.seed)} (default 0)` },
    BACKEND_FLAG,
    { name: 'out', type: 'string', value: '<DIR>', doc: 'run folder (default runs/<id>-<UTC time>); an existing non-empty folder only when resuming one of its checkpoints' },
    { name: 'resume', type: 'string', value: '<CKPT>', doc: 'continue from this checkpoint folder (e.g. runs/<run>/checkpoints/step-000000004096)' },
    { name: 'config', type: 'string', value: '<FILE.json>', doc: 'a JSON object of settings (see the list above), validated like env options' },
    { name: 'schedule', type: 'string', value: '<NAME>', doc: 'simultaneous (both sides learn every iteration, the default) or alternating (K iterations of one side, then the other)' },
    { name: 'population', type: 'boolean', doc: 'population mode (PSRO): snapshots of each side, opponents drawn from the meta-game equilibrium' },
    { name: 'num-envs', type: 'string', value: '<B>', doc: `env copies stepped together: ${describeAllowed(trainSchema.numEnvs)} (default ${trainSchema.numEnvs.default})` },
    { name: 'learner', type: 'string', value: '<NAME>', doc: 'ppo (the default) or reinforce, for both sides' },
    { name: 'option', type: 'string', value: '<key=value>', multiple: true, doc: 'an env option, repeatable: --option goals=6 --option rounds=16' },
    { name: 'set', type: 'string', value: '<key=value>', multiple: true, doc: 'any setting of the list above, repeatable: --set hidden=32 --set learningRate=1e-3' },
    { name: 'eval-episodes', type: 'string', value: '<K>', doc: 'episodes of each evaluation matchup after training, an integer in [0, 100000] (default 8; 0 skips it)' },
    {
      name: 'exploitability',
      type: 'string',
      value: '<N>',
      doc: 'after training, estimate exploitability lower bounds with N best-response iterations per side, for the trained and for the initial policies (default off)',
    },
    { name: 'quiet', type: 'boolean', doc: 'no progress display (the metric files are still written)' },
    { name: 'json', type: 'boolean', doc: 'print the summary as JSON' },
    {
      name: 'dashboard',
      type: 'boolean',
      doc: 'serve a live page of the run (URL on stderr, also with --quiet) until training and the evaluation end; then it closes (buddy-gym dashboard <run> serves it afterwards)',
    },
    PORT_FLAG,
    HOST_FLAG,
    HELP_FLAG,
  ],
  examples: [
    `buddy-gym train ${ATTENTION_MARKET_ID}`,
    `buddy-gym train ${ATTENTION_MARKET_ID} --steps 100000 --backend wasm --out runs/first --set hidden=128`,
    `buddy-gym train ${ATTENTION_MARKET_ID} --schedule alternating --population --config my-settings.json`,
    'buddy-gym train trade-market-v0 --set train=price-setter --set opponents=consumer=demand-curve',
    'buddy-gym train --resume runs/first/checkpoints/step-000000016384 --steps 200000',
  ],
};

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Converts a command-line text to a setting's type; the schema then judges it. */
function convertSetting(s: OptionSpec, raw: string): unknown {
  const t = raw.trim();
  switch (s.kind) {
    case 'int':
    case 'number':
      return NUMBER_RE.test(t) ? Number(t) : raw;
    case 'boolean':
      return t === 'true' ? true : t === 'false' ? false : raw;
    case 'enum':
    case 'text':
      return t;
    case 'json':
      return raw;
  }
}

/** One setting from the command line, validated alone; `label` names where it came from ("--steps", "--set hidden=2"). */
function settingFromText(key: SettingKey, raw: string, label: string): unknown {
  const s = trainSchema[key] as OptionSpec;
  const value = convertSetting(s, raw);
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
    if (!Object.hasOwn(trainSchema, key)) throw new UsageError(`--set: unknown setting ${JSON.stringify(key)}; the settings are ${keys}`);
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

/** `--backend`, checked. */
export function backendFlag(values: FlagValues): BackendName {
  const raw = stringFlag(values, 'backend') ?? 'auto';
  if (!isBackendName(raw)) throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw;
}

/** "backend: wasm (WebAssembly with SIMD, 1 thread; passed over: tensorflow: ... not installed)". */
export function backendLine(report: BackendReport): string {
  const reasons = backendReasons(report);
  return `backend: ${report.name}${reasons ? ` (${reasons})` : ''}`;
}

/** A CheckpointError as a one-line mistake of the command line (exit 2). */
export function checkpointUsage<T>(p: Promise<T>, flag: string): Promise<T> {
  return p.catch((e: unknown) => {
    if (e instanceof CheckpointError) throw new UsageError(`${flag}${e.message}`);
    throw e;
  });
}

/**
 * A checkpoint folder given on the command line; a run folder (with checkpoints/ inside and
 * no manifest.json) stands for its latest checkpoint, and `note` says so.
 */
export function checkpointPath(p: string, note: (line: string) => void): string {
  if (existsSync(join(p, 'manifest.json')) || !existsSync(join(p, 'checkpoints'))) return p;
  const latest = new CheckpointStore(p, { keepLast: 1 }).latest();
  if (latest === null) return p;
  note(`${p} is a run folder: using its latest checkpoint, ${showPath(latest)}`);
  return latest;
}

/** A path for display: relative to the working folder when inside it. */
export function showPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

/** The settings exploitability's best responses train with: the run's, one side at a time against a frozen policy. */
export function bestResponseConfig(c: TrainConfig): Partial<TrainConfig> {
  return { ...c, population: false, schedule: 'simultaneous', opponents: '' };
}

/** "price-setter" → "PriceSetter", for summary keys. */
const pascal = (side: string) => rewardMetric(side).replace(/Reward$/, '').replace(/^./, (c) => c.toUpperCase());

/** The keys under which train stores its exploitability estimate in the checkpoint's trainer summary. */
export function exploitabilitySummary(x: ExploitabilityEstimate): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [side, e] of Object.entries(x.sides)) {
    out[`exploitability${pascal(side)}Gain`] = e.gain;
    out[`exploitability${pascal(side)}Ci95`] = e.ci95;
  }
  out.nashConvLowerBound = x.nashConvLowerBound;
  out.exploitabilityIterations = x.iterations;
  for (const k of Object.keys(out)) if (!Number.isFinite(out[k])) delete out[k];
  return out;
}

const SIDE_WORDS: Record<string, string> = { user: 'users (regret they could still shed)', goal: 'goals (visibility they could still gain)' };

/** Lines for one exploitability estimate. */
export function exploitabilityLines(title: string, x: ExploitabilityEstimate): string[] {
  return [
    `${title}: exploitability LOWER BOUND (best responses trained for ${x.iterations} iteration${x.iterations === 1 ? '' : 's'} per side)`,
    ...table(
      [
        ['', 'gain of a best response', '95% CI', 'best response', 'policy'],
        ...Object.entries(x.sides).map(([side, e]) => [`  ${SIDE_WORDS[side] ?? side}`, num(e.gain), `± ${num(e.ci95)}`, num(e.bestResponse), num(e.current)]),
        ['  NashConv ≥', num(x.nashConvLowerBound), '', '', ''],
      ],
      [false, true, false, true, true],
    ),
  ];
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

function utcStamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

function isNonEmptyDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory() && readdirSync(p).length > 0;
}

/** The run folder: --out, or the resumed checkpoint's run, or runs/<id>-<UTC time>. */
function runFolder(outFlag: string | undefined, id: string, resume: string | undefined): string {
  const resumeAbs = resume ? resolve(resume) : undefined;
  const resumeRun = resumeAbs && basename(dirname(resumeAbs)) === 'checkpoints' ? dirname(dirname(resumeAbs)) : undefined;
  if (outFlag !== undefined) {
    const out = resolve(outFlag);
    if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${outFlag} is a file; give a folder`);
    if (isNonEmptyDir(out) && out !== resumeRun) {
      throw new UsageError(
        `--out ${outFlag} exists and is not empty; give a new folder, or --resume one of the checkpoints of that run (${join(outFlag, 'checkpoints', 'step-...')})`,
      );
    }
    return out;
  }
  if (resumeRun) return resumeRun;
  const base = resolve('runs', `${id}-${utcStamp()}`);
  let out = base;
  for (let i = 2; isNonEmptyDir(out); i++) out = `${base}-${i}`;
  return out;
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
  let config: TrainConfig;
  try {
    config = parseTrainConfig(t.config, `checkpoint ${path}`);
  } catch (e) {
    throw new UsageError(`--resume ${path}: its trainer settings are not valid here: ${(e as Error).message}`);
  }
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
  evaluation: { label: string; players: Record<string, string>; metric: string; stat: ReturnType<typeof statJson> }[];
  evaluationEpisodes: number;
  evaluationSeed: number;
  exploitability: { trained: ExploitabilityEstimate; initial: ExploitabilityEstimate } | null;
  checkpoint: string;
  best: string | null;
  next: string;
}

/** Words for metrics of every env; the env's profile adds its own. */
const METRIC_LABELS: Record<string, string> = {};

/** `buddy-gym train`: resolves to the exit code. */
export function trainCommand(argv: readonly string[], io: CliIO): number | Promise<number> {
  const { values, positionals } = parseCommandArgs(trainSpec, argv);
  if (values.help) {
    commandHelp(trainSpec).forEach((l) => io.out(l));
    return EXIT.ok;
  }
  return train(values, positionals, io);
}

async function train(values: FlagValues, positionals: string[], io: CliIO): Promise<number> {
  if (positionals.length > 1) throw new UsageError(`expected one env id, got ${positionals.length}: ${positionals.join(' ')}`);
  const resumeFlag = stringFlag(values, 'resume');
  if (positionals.length === 0 && resumeFlag === undefined) throw new UsageError(`which env? give an env id: buddy-gym train ${ATTENTION_MARKET_ID} (or --resume a checkpoint)`);
  const idGiven = positionals[0];
  if (idGiven !== undefined && !registeredIds().includes(idGiven)) throw new UsageError(`unknown env id ${JSON.stringify(idGiven)}; registered ids: ${registeredIds().join(', ')}`);

  const backend = backendFlag(values);
  const evalEpisodes = intFlag(values, 'eval-episodes', 8, 0, 100_000);
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

  const resume = resumeFlag === undefined ? undefined : await readResume(resumeFlag);
  const id = idGiven ?? resume!.envId;
  if (resume && resume.envId !== id) throw new UsageError(`--resume ${resumeFlag}: the checkpoint is of ${resume.envId}, not ${id}`);

  const optionPairs = (values.option as string[] | undefined) ?? [];
  const envOptionsGiven = parseEnvOptions(id, optionPairs);
  let fullOptions: Record<string, unknown>;
  try {
    fullOptions = { ...(envSpec(id).parseOptions(resume ? { ...resume.envOptions, ...envOptionsGiven } : envOptionsGiven) as Record<string, unknown>) };
  } catch (e) {
    if (e instanceof OptionError) throw new UsageError(`--option: ${e.message}`);
    throw e;
  }

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
      if (before[k] !== fullOptions[k]) throw new UsageError(`--resume continues the checkpoint's env, but --option ${k}=${JSON.stringify(fullOptions[k])} differs from its ${JSON.stringify(before[k])}`);
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
  for (const w of trainWarnings(id, fullOptions, config)) io.err(`warning: ${w}`);
  const envOptions = resume ? resume.envOptions : envOptionsGiven;
  const out = runFolder(stringFlag(values, 'out'), id, resumeFlag);
  let perIteration: number;
  try {
    perIteration = SelfPlayTrainer.stepsPerIteration(id, fullOptions, config.numEnvs);
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

  const bus = new MetricBus();
  const lastUpdates: Record<string, UpdateEvent> = {};
  // run.json: what the dashboard and the report show as the run's config (the backend once known).
  const runInfo: Record<string, unknown> = { env: id, envOptions: fullOptions, settings: config, backend: null, resumedFrom: resume?.path ?? null };
  const writeRunInfo = () => writeFileSync(join(out, RUN_INFO_FILE), JSON.stringify(runInfo, null, 2) + '\n');
  mkdirSync(out, { recursive: true });
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
  let dashboard: Dashboard | undefined;
  if (address) {
    dashboard = await startOrExplain({ runs: [{ name: basename(out), dir: out, live: bus.events$ }], ...address });
    io.err(`dashboard: ${dashboard.url}`);
  }
  const progress = io.errStream ?? lineStream((l) => io.err(l));
  const t0 = performance.now();
  let result: Awaited<ReturnType<typeof trainRun>>;
  try {
    result = await checkpointUsage(
      trainRun({ envId: id, envOptions, config: resume ? { steps: config.steps } : config, backend, out, resume: resume?.path, quiet, progress, bus }),
      resume ? '--resume: ' : '',
    );
  } catch (e) {
    await dashboard?.close();
    throw e;
  }
  const seconds = (performance.now() - t0) / 1000;
  const trainer = result.trainer;
  try {
    // A short evaluation on fresh seeds: the trained policies against baselines, and the baselines against the same opponents.
    const matchup: MatchupOptions = { envId: id, envOptions, episodes: evalEpisodes, numEnvs: trainer.config.numEnvs, rounds: trainer.T, seed: trainer.config.seed + EVAL_SEED_OFFSET };
    const evaluation: TrainSummaryJson['evaluation'] = [];
    if (evalEpisodes > 0) {
      for (const c of summaryEvaluation(trainer, matchup)) evaluation.push({ label: c.label, players: c.players, metric: c.metric, stat: statJson(c.stat) });
    }

    let exploitability: TrainSummaryJson['exploitability'] = null;
    if (exploitIterations > 0) {
      if (!quiet) io.err(`exploitability: training best responses, ${exploitIterations} iterations per side, for the trained and the initial policies...`);
      const xo = { envId: id, envOptions, config: bestResponseConfig(trainer.config), iterations: exploitIterations, evalEpisodes: Math.max(2, evalEpisodes), seed: trainer.config.seed };
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
      envOptions: fullOptions,
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
      evaluationEpisodes: evalEpisodes,
      evaluationSeed: matchup.seed,
      exploitability,
      checkpoint: result.checkpoint,
      best: result.best,
      next: `npx buddy-gym eval ${showPath(result.checkpoint)}`,
    };
    writeFileSync(join(out, SUMMARY_FILE), JSON.stringify(summaryJson, null, 2) + '\n');
    if (values.json) io.out(JSON.stringify(summaryJson, null, 2));
    else printSummary(io, summaryJson, trainer.config, { ...METRIC_LABELS, ...trainer.profile.metricLabels }, trainer.profile.best.metric);
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

function printSummary(io: CliIO, s: TrainSummaryJson, c: TrainConfig, labels: Record<string, string>, bestMetric: string): void {
  const trained = s.resumedFrom ? `${s.trainedSteps} more env steps (resumed at step ${s.steps - s.trainedSteps})` : `${s.steps} env steps`;
  io.out(`${s.env}: trained ${trained}, ${s.iterations} iterations in all, in ${s.seconds.toFixed(1)} s on ${s.backend.name}${s.backend.detail ? ` (${s.backend.detail})` : ''}`);
  const opts = Object.entries(s.envOptions).map(([k, v]) => `${k}=${String(v)}`).join(', ');
  io.out(`options: ${opts}`);
  const changed = Object.entries(c).filter(([k, v]) => (trainSchema as Record<string, OptionSpec>)[k]?.default !== v);
  io.out(`settings: ${changed.length ? `${changed.map(([k, v]) => `${k}=${String(v)}`).join(', ')}, others default` : 'defaults'} (learner ${c.learner}, schedule ${c.schedule}${c.population ? ', population' : ''})`);
  io.out('');

  const m = s.lastIteration.metrics;
  const rows: string[][] = [[`last iteration (${s.iterations}, step ${s.steps})`, 'value']];
  for (const [k, v] of Object.entries(m)) rows.push([`  ${labels[k] ?? k}`, num(v)]);
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
    const n = s.evaluation[0].stat.n;
    const rows2: string[][] = [[`evaluation (${n} episodes x ${c.numEnvs} copies, seeds from ${s.evaluationSeed})`, 'metric', 'mean', '95% CI']];
    const metricName = { ...labels, meanRegret: 'user regret per round', goal0Utility: 'utility of goal #0 per round' } as Record<string, string>;
    for (const e of s.evaluation) {
      const st: Stat = { mean: e.stat.mean ?? NaN, ci95: e.stat.ci95 ?? NaN, n: e.stat.n };
      rows2.push([`  ${e.label}`, metricName[e.metric] ?? e.metric, num(st.mean), ci(st)]);
    }
    table(rows2, [false, false, true, false]).forEach((l) => io.out(l));
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
