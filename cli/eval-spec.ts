/** `buddy-gym eval`'s flags and help (light: no TensorFlow.js; eval.ts runs it). */
import { registeredGames } from '../training/game/registry.js';
import { HELP_FLAG, type CommandSpec } from './args.js';
import { BACKEND_FLAG } from './train-spec.js';
import { baselineLines } from './game-help.js';

export const evalSpec: CommandSpec = {
  name: 'eval',
  summary: "cross-play checkpoints, baselines and your own agents: each side's payoff and the game's figures with 95% CIs",
  usage: ['eval <ckpt|run> [<ckpt|run> ...] [--vs baselines|none] [--agent SIDE=PATH ...] [--episodes K] [--seed S] [--num-envs B] [--exploitability N] [--backend NAME] [--json]'],
  get details() {
    return [
      "Plays every combination of one player per side of the checkpoints' game (at most 64): each",
      "checkpoint's policy for the side, the side's baselines (--vs baselines, the default) and your",
      'own agents. Each figure is the mean over K episodes ± the half-width of its Student-t 95%',
      "confidence interval: each side's reward per agent per round, then the game's headline figures.",
      'A two-sided game gets one table per figure (rows: its second side, columns: its first); other',
      'games one row per matchup.',
      "An episode plays B env copies (--num-envs, default the checkpoint's numEnvs) whose mean is one",
      'sample; episode e is seeded S + e·B in every matchup, so all matchups meet the same hidden',
      'worlds and the same command prints the same numbers.',
      '',
      'A run folder (runs/<run>) stands for its latest checkpoint.',
      '',
      'Your own agents: --agent SIDE=PATH, a .js or .ts module whose default export (or export named',
      '"agent") is an Agent object { name, act(observation, ctx) }, a class of them (one instance per',
      'agent) or a function (observation, ctx) => action. The side may be named in the plural (users).',
      '',
      'Exploitability: the estimate train stored in a checkpoint (train --exploitability N) is shown',
      'when there is one; --exploitability N computes one now for each checkpoint: a best response is',
      'trained for N iterations against each frozen side, and its gain is a LOWER BOUND on what that',
      'side could still gain by deviating.',
      '',
      'Baselines by game and side (* a cheating reference):',
      ...registeredGames().flatMap(baselineLines),
    ];
  },
  flags: [
    { name: 'vs', type: 'string', value: '<SET>', doc: 'baselines (every baseline agent joins the table, the default) or none' },
    { name: 'agent', type: 'string', value: '<SIDE=PATH>', multiple: true, doc: 'your own agent module for a side, repeatable: --agent user=./my-agent.ts' },
    { name: 'episodes', type: 'string', value: '<K>', doc: 'episodes per matchup, an integer in [1, 100000] (default 10)' },
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
    'buddy-gym eval runs/first/checkpoints/best --agent user=./my-agent.ts --vs none',
  ],
};
