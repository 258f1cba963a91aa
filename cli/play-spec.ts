/** `buddy-gym play`'s flags and help (light: no TensorFlow.js; play.ts runs it). */
import { registeredGames } from '../training/game/registry.js';
import { HELP_FLAG, type CommandSpec } from './args.js';
import { baselineLines, exampleGame } from './game-help.js';

export const playSpec: CommandSpec = {
  name: 'play',
  summary: 'play episodes of any env with baseline agents (or yours) and print the figures with 95% CIs',
  usage: ['play <id> [--side SIDE=SPEC ...] [--agent SIDE=PATH ...] [--preset NAME] [--option key=value ...] [--episodes K] [--num-envs B] [--seed S] [--json]'],
  get details() {
    return [
      'Plays K x B episodes of <id> (episode j seeded S + j) and prints each side\'s reward per agent per',
      "round, the game's figures, each as the mean over K samples (a sample: the mean of B episodes)",
      '± the half-width of its Student-t 95% confidence interval. The same command prints the same numbers.',
      '',
      'SPEC is one baseline for every agent of the side, or a mix with counts that add up to the',
      'number of agents of the side, like exaggerate:4,honest:4 (agents assigned in that order).',
      "A side nobody names plays its game's default. --goals SPEC and --users SPEC are the old",
      'spellings of --side goal=SPEC and --side user=SPEC.',
      '',
      'Your own agent plays every agent of a side with --agent SIDE=PATH: a .js or .ts module whose',
      'default export (or export named "agent") is an Agent object { name, act(observation, ctx) },',
      'a class of them (one instance per agent) or a function.',
      '',
      'Baselines by game and side (* a cheating reference):',
      ...registeredGames().flatMap(baselineLines),
    ];
  },
  flags: [
    { name: 'side', type: 'string', value: '<SIDE=SPEC>', multiple: true, doc: 'who plays a side: a baseline or a mix, repeatable: --side goal=exaggerate:4,honest:4' },
    { name: 'goals', type: 'string', value: '<SPEC>', doc: 'the same as --side goal=SPEC (kept from earlier versions)' },
    { name: 'users', type: 'string', value: '<SPEC>', doc: 'the same as --side user=SPEC (kept from earlier versions)' },
    { name: 'agent', type: 'string', value: '<SIDE=PATH>', multiple: true, doc: 'your own agent module for every agent of a side: --agent user=./my-agent.ts' },
    { name: 'preset', type: 'string', value: '<NAME>', doc: "start from one of the env's presets (buddy-gym list <id> shows them)" },
    { name: 'option', type: 'string', value: '<key=value>', multiple: true, doc: 'an env option, repeatable: --option goals=6 --option slots=2' },
    { name: 'episodes', type: 'string', value: '<K>', doc: 'samples, an integer in [1, 1000000] (default 10)' },
    { name: 'num-envs', type: 'string', value: '<B>', doc: 'episodes per sample, an integer in [1, 4096] (default 1)' },
    { name: 'seed', type: 'string', value: '<S>', doc: 'base seed, a non-negative integer; episode j uses S + j (default 0)' },
    { name: 'json', type: 'boolean', doc: 'print the summary as JSON' },
    HELP_FLAG,
  ],
  get examples() {
    const id = exampleGame();
    return [
      `buddy-gym play ${id} --side goal=exaggerate --side user=greedy --episodes 20 --seed 1`,
      `buddy-gym play ${id} --goals exaggerate:4,honest:4 --users softmax --json`,
      `buddy-gym play ${id} --agent user=./my-agent.ts --episodes 5`,
      ...registeredGames()
        .filter((g) => g.env.presets && Object.keys(g.env.presets).length)
        .slice(0, 2)
        .map((g) => `buddy-gym play ${g.env.id} --preset ${Object.keys(g.env.presets!)[0]} --num-envs 16`),
    ];
  },
};
