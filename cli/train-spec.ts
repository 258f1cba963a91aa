/** `buddy-gym train`'s flags and help (light: no TensorFlow.js; train.ts runs it). */
import { BACKEND_NAMES } from '../agents/backend/names.js';
import { registeredGames } from '../training/game/registry.js';
import { exampleGame } from './game-help.js';
import { describeAllowed, describeSchema } from '../envs/core/options.js';
import { trainSchema } from '../training/self-play/config.js';
import { HELP_FLAG, type CommandSpec } from './args.js';
import { HOST_FLAG, PORT_FLAG } from './dashboard-address.js';
import { table } from './format.js';

export type SettingKey = keyof typeof trainSchema;

/** Flags that set one train setting each (the others go through --set or --config). */
export const SETTING_FLAGS: readonly { flag: string; key: SettingKey; value: string }[] = [
  { flag: 'steps', key: 'steps', value: '<N>' },
  { flag: 'seed', key: 'seed', value: '<S>' },
  { flag: 'schedule', key: 'schedule', value: '<NAME>' },
  { flag: 'num-envs', key: 'numEnvs', value: '<B>' },
  { flag: 'learner', key: 'learner', value: '<NAME>' },
];

/** Evaluation worlds are seeded from the run's seed plus this, away from the training seeds. */
export const EVAL_SEED_OFFSET = 1_000_000;

/** Worlds of the evaluation after training (enough for a 95% CI of ~±0.005 on a user's regret). */
export const EVAL_WORLDS = 2048;

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
    'train [<id>] --resume CKPT|RUN [--steps N] [--out DIR]',
  ],
  get details() {
    return [
    'Trains one policy per side (role) of any registered env by self-play:',
    ...registeredGames().map((g) => `  ${g.env.id}: ${Object.keys(g.baselines).join(', ')}`),
    'Progress goes to stderr',
    '(one line redrawn on a terminal, plain lines in a pipe or CI). The run folder gets metrics.jsonl,',
    "metrics/<kind>.csv and checkpoints/ (step-<N>/, best/ by the env's measure, e.g. mean regret, latest.json). At the end, stdout gets a",
    "summary: the last training iteration's metrics (the sampled policies against their training",
    'opponents), then the evaluation: each trained side as a deterministic (mode) policy, the sampled',
    "one beside it, against the game's baselines, compared in pairs with the side's reference",
    `baseline on the same --eval-worlds worlds (seeded from S + ${EVAL_SEED_OFFSET}, away from training),`,
    'with a verdict (better / worse / tie at 95%) and which direction is better; then the',
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
    'A run folder given to --resume stands for its latest checkpoint.',
    '',
    'Ctrl-C (or SIGTERM) finishes the iteration under way, saves a checkpoint atomically and prints',
    'the --resume command that continues it (exit 130, 143 for SIGTERM); a second Ctrl-C quits at once.',
    '--tensorboard also writes the scalars as a TensorBoard event file in the run folder.',
    '',
    'Every setting (--set key=value, or a key of the --config JSON object):',
    ...settingRows(),
    '',
    'Env options (--option key=value): buddy-gym list <id>',
    ];
  },
  flags: [
    { name: 'steps', type: 'string', value: '<N>', doc: `total env steps of the run: ${describeAllowed(trainSchema.steps)} (default ${trainSchema.steps.default})` },
    { name: 'seed', type: 'string', value: '<S>', doc: `seed of the env, the initial weights and all sampling: ${describeAllowed(trainSchema.seed)} (default 0)` },
    BACKEND_FLAG,
    { name: 'out', type: 'string', value: '<DIR>', doc: 'run folder (default runs/<id>-<UTC time>); an existing non-empty folder only when resuming one of its checkpoints' },
    { name: 'resume', type: 'string', value: '<CKPT>', doc: 'continue from this checkpoint folder (e.g. runs/<run>/checkpoints/step-000000004096), or a run folder for its latest' },
    { name: 'config', type: 'string', value: '<FILE.json>', doc: 'a JSON object of settings (see the list above), validated like env options' },
    { name: 'schedule', type: 'string', value: '<NAME>', doc: 'simultaneous (both sides learn every iteration, the default) or alternating (K iterations of one side, then the other)' },
    { name: 'population', type: 'boolean', doc: 'population mode (PSRO): snapshots of each side, opponents drawn from the meta-game equilibrium' },
    { name: 'num-envs', type: 'string', value: '<B>', doc: `env copies stepped together: ${describeAllowed(trainSchema.numEnvs)} (default ${trainSchema.numEnvs.default})` },
    { name: 'learner', type: 'string', value: '<NAME>', doc: 'ppo (the default) or reinforce, for both sides' },
    { name: 'preset', type: 'string', value: '<NAME>', doc: "start from one of the env's presets (buddy-gym check --all lists them); --option values go on top" },
    { name: 'option', type: 'string', value: '<key=value>', multiple: true, doc: 'an env option, repeatable: --option goals=6 --option rounds=16' },
    { name: 'set', type: 'string', value: '<key=value>', multiple: true, doc: 'any setting of the list above, repeatable: --set hidden=32 --set learningRate=1e-3' },
    { name: 'eval-worlds', type: 'string', value: '<W>', doc: `worlds of the evaluation after training, an integer in [0, 1000000] (default ${EVAL_WORLDS}; 0 skips it)` },
    { name: 'eval-episodes', type: 'string', value: '<K>', doc: 'the older spelling of --eval-worlds in episodes of numEnvs copies: K × numEnvs worlds' },
    {
      name: 'exploitability',
      type: 'string',
      value: '<N>',
      doc: 'after training, estimate exploitability lower bounds with N best-response iterations per side, for the trained and for the initial policies (default off)',
    },
    { name: 'quiet', type: 'boolean', doc: 'no progress display (the metric files are still written)' },
    { name: 'tensorboard', type: 'boolean', doc: 'also write the scalars as a TensorBoard event file in the run folder (tensorboard --logdir runs/)' },
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
  get examples() {
    const id = exampleGame();
    const other = registeredGames()[1];
    const [side, partner] = other ? Object.keys(other.baselines) : [];
    return [
      `buddy-gym train ${id}`,
      `buddy-gym train ${id} --steps 100000 --backend wasm --out runs/first --set hidden=128`,
      `buddy-gym train ${id} --schedule alternating --population --config my-settings.json`,
      ...(other && partner ? [`buddy-gym train ${other.env.id} --set train=${side} --set opponents=${partner}=${other.reference[partner]}`] : []),
      'buddy-gym train --resume runs/first/checkpoints/step-000000016384 --steps 200000',
    ];
  },
};
