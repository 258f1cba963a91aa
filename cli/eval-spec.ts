/** `buddy-gym eval`'s flags and help (light: no TensorFlow.js; eval.ts runs it). */
import { ATTENTION_MARKET_ID } from '../games/attention-market/options.js';
import { HELP_FLAG, type CommandSpec } from './args.js';
import { GOAL_AGENTS, USER_AGENTS } from '../games/attention-market/cli-baselines.js';
import { BACKEND_FLAG } from './train-spec.js';

export const evalSpec: CommandSpec = {
  name: 'eval',
  summary: 'cross-play checkpoints, baselines and your own agents: each side\'s payoff and the game\'s figures with 95% CIs',
  usage: ['eval <ckpt|run> [<ckpt|run> ...] [--vs baselines|none] [--agent users=PATH ...] [--episodes K] [--seed S] [--num-envs B] [--exploitability N] [--backend NAME] [--json]'],
  details: [
    `Plays every user-side player against every goal-side player of ${ATTENTION_MARKET_ID} and prints three`,
    'tables (rows: users, columns: goals), each cell the mean over K episodes ± the half-width',
    'of its Student-t 95% confidence interval:',
    '  user regret per round            what the users lost to their best possible selections (lower is better for users)',
    "  goal utility per goal per round  visibility net of generation cost: the goals' reward (higher is better for goals)",
    '  user welfare per round           the true relevance of all selections',
    'An episode plays B env copies (--num-envs, default the checkpoint\'s numEnvs) whose mean',
    'is one sample; episode e is seeded S + e·B in every pairing, so all pairings meet the same',
    'hidden worlds and the same command prints the same numbers.',
    '',
    'A run folder (runs/<run>) stands for its latest checkpoint.',
    '',
    `Other games (every env but ${ATTENTION_MARKET_ID}): every combination of one player per side`,
    "(each checkpoint's policy for that side, and the env's baseline agents), at most 64 matchups;",
    "one row per matchup: each side's reward per agent per round and the game's headline figures.",
    '',
    "Players: each checkpoint's π_user and π_goal; the baselines (--vs baselines, the default):",
    ...Object.entries(USER_AGENTS).map(([n, b]) => `  users ${n.padEnd(11)} ${b.doc}`),
    ...Object.entries(GOAL_AGENTS).map(([n, b]) => `  goals ${n.padEnd(11)} ${b.doc}`),
    'and your own agents: --agent users=PATH or --agent goals=PATH, a .js or .ts module whose',
    'default export (or export named "agent") is an Agent object { name, act(observation, ctx) },',
    'a class of them (one instance per agent) or a function (observation, ctx) => action.',
    '',
    'Exploitability: the estimate train stored in a checkpoint (train --exploitability N) is',
    'shown when there is one; --exploitability N computes one now for each checkpoint: a best',
    'response is trained for N iterations against each frozen side, and its gain is a LOWER BOUND',
    'on what that side could still gain by deviating.',
  ],
  flags: [
    { name: 'vs', type: 'string', value: '<SET>', doc: 'baselines (every baseline agent joins the table, the default) or none' },
    { name: 'agent', type: 'string', value: '<ROLE=PATH>', multiple: true, doc: 'your own agent module for users or goals, repeatable: --agent users=./my-agent.ts' },
    { name: 'episodes', type: 'string', value: '<K>', doc: 'episodes per pairing, an integer in [1, 100000] (default 10)' },
    { name: 'seed', type: 'string', value: '<S>', doc: 'base seed, a non-negative integer; episode e uses S + e·B (default 0)' },
    { name: 'num-envs', type: 'string', value: '<B>', doc: "env copies per episode, an integer in [1, 4096] (default the first checkpoint's numEnvs)" },
    { name: 'exploitability', type: 'string', value: '<N>', doc: 'also estimate exploitability lower bounds of each checkpoint with N best-response iterations per side (default off)' },
    BACKEND_FLAG,
    { name: 'json', type: 'boolean', doc: 'print everything as JSON' },
    { name: 'out-json', type: 'string', value: '<FILE>', doc: 'also write the --json result to FILE (as <run>/eval.json, buddy-gym report shows its cross-play table)' },
    HELP_FLAG,
  ],
  examples: [
    'buddy-gym eval runs/first/checkpoints/step-000000032768',
    'buddy-gym eval runs/a/checkpoints/best runs/b/checkpoints/best --episodes 20 --json',
    'buddy-gym eval runs/first/checkpoints/best --agent users=./my-agent.ts --vs none',
  ],
};

