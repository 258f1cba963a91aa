/** `buddy-gym play`'s flags and help (light: no TensorFlow.js; play.ts runs it). */
import { ATTENTION_MARKET_ID } from '../games/attention-market/options.js';
import { HELP_FLAG, type CommandSpec } from './args.js';
import { GOAL_AGENTS, USER_AGENTS, names } from '../games/attention-market/cli-baselines.js';

export const playSpec: CommandSpec = {
  name: 'play',
  summary: 'play episodes of any env with baseline agents and print the metrics with 95% CIs',
  usage: [
    `play ${ATTENTION_MARKET_ID} [--goals SPEC] [--users SPEC] [--agent ROLE=PATH] [--episodes K] [--seed S] [--option key=value ...] [--json]`,
    'play <other id> [--side SIDE=AGENT ...] [--preset NAME] [--episodes K] [--num-envs B] [--seed S] [--option key=value ...] [--json]',
  ],
  details: [
    `Plays K episodes of <id> (only ${ATTENTION_MARKET_ID} has baselines so far) and prints each metric`,
    'as the mean over episodes ± the half-width of its Student-t 95% confidence interval.',
    'Episode e is seeded with S + e, so the same command prints the same numbers.',
    '',
    'SPEC is one agent name for every agent of the role, or a mix with counts that add up',
    'to the number of agents of the role, like exaggerate:4,honest:4 (agents are assigned',
    'in that order: goal_0..goal_3 exaggerate, goal_4..goal_7 honest).',
    '',
    'Goal agents:',
    ...Object.entries(GOAL_AGENTS).map(([n, b]) => `  ${n.padEnd(11)} ${b.doc}`),
    'User agents:',
    ...Object.entries(USER_AGENTS).map(([n, b]) => `  ${n.padEnd(11)} ${b.doc}`),
    '',
    'Your own agent plays every agent of a role with --agent users=PATH (or goals=PATH): a .js',
    'or .ts module whose default export (or export named "agent") is an Agent object',
    '{ name, act(observation, ctx) }, a class of them (one instance per agent) or a function.',
    '',
    `Options of the env: buddy-gym list ${ATTENTION_MARKET_ID}`,
  ],
  flags: [
    { name: 'goals', type: 'string', value: '<SPEC>', doc: `goal agents: ${names(GOAL_AGENTS)}, or a mix like exaggerate:4,honest:4 (default honest)` },
    { name: 'users', type: 'string', value: '<SPEC>', doc: `user agents: ${names(USER_AGENTS)}, or a mix like greedy:2,oracle:2 (default greedy)` },
    { name: 'agent', type: 'string', value: '<ROLE=PATH>', multiple: true, doc: 'your own agent module for every user or every goal, instead of --users / --goals: --agent users=./my-agent.ts' },
    { name: 'episodes', type: 'string', value: '<K>', doc: 'number of episodes, an integer in [1, 1000000] (default 10)' },
    { name: 'seed', type: 'string', value: '<S>', doc: 'base seed, a non-negative integer; episode e uses S + e (default 0)' },
    { name: 'option', type: 'string', value: '<key=value>', multiple: true, doc: 'an env option, repeatable: --option goals=6 --option slots=2' },
    { name: 'side', type: 'string', value: '<SIDE=AGENT>', multiple: true, doc: 'other games: the baseline agent of a side (default its reference agent), repeatable: --side price-setter=fixed' },
    { name: 'preset', type: 'string', value: '<NAME>', doc: "other games: start from one of the env's presets (buddy-gym check --all lists them)" },
    { name: 'num-envs', type: 'string', value: '<B>', doc: 'other games: env copies per episode, an integer in [1, 4096] (default 16)' },
    { name: 'json', type: 'boolean', doc: 'print the summary as JSON' },
    HELP_FLAG,
  ],
  examples: [
    `buddy-gym play ${ATTENTION_MARKET_ID} --goals exaggerate --users greedy --episodes 20 --seed 1`,
    `buddy-gym play ${ATTENTION_MARKET_ID} --goals exaggerate:4,honest:4 --users softmax --json`,
    `buddy-gym play ${ATTENTION_MARKET_ID} --goals honest --users oracle --option slots=1`,
    'buddy-gym play trade-market-v0 --side price-setter=fixed --option timing=price-first',
    'buddy-gym play emergent-alignment-v0 --preset kg-single --side provider=kg-optimal',
  ],
};

