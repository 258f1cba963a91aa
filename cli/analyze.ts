/** `buddy-gym analyze <id>`: the game's exact tools (its descriptor's analysis), on the options given. */
import { registeredIds } from '../envs/registry.js';
import { didYouMean } from '../envs/core/suggest.js';
import { game, registeredGames } from '../training/game/registry.js';
import { HELP_FLAG, parseCommandArgs, type CommandSpec } from './args.js';
import { envIdOf, envOptionsArgs } from './env-args.js';
import { EXIT, UsageError } from './errors.js';
import type { CliIO } from './io.js';

/** The games with exact tools, in registration order. */
const analyzable = () => registeredGames().filter((g) => g.analysis);

export const analyzeSpec: CommandSpec = {
  name: 'analyze',
  summary: 'exact analysis: persuasion (aligned value, market alignment, Kamenica–Gentzkow, NashConv), consensus game (Equilibrium-Ranking)',
  usage: ['analyze <id> [--preset NAME] [--option key=value ...] [--json]'],
  get details() {
    return analyzable().flatMap((g) => [`For ${g.env.id}, computes exactly (no sampling):`, ...g.analysis!.details, '']).concat(['Options of an env: buddy-gym list <id>']);
  },
  flags: [
    { name: 'preset', type: 'string', value: '<NAME>', doc: "start from one of the env's presets (buddy-gym list <id> shows them)" },
    { name: 'option', type: 'string', value: '<key=value>', multiple: true, doc: 'an env option, repeatable: --option personalized=true --option instance=@my-instance.json' },
    { name: 'json', type: 'boolean', doc: 'print the analysis as JSON' },
    HELP_FLAG,
  ],
  get examples() {
    return analyzable().flatMap((g) => (g.analysis!.examples ?? ['']).map((flags) => `buddy-gym analyze ${g.env.id} ${flags}`.trimEnd()));
  },
};

/** `buddy-gym analyze`: a promise of the exit code (solvers load asynchronously). */
export function analyzeCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(analyzeSpec, argv);
  const ids = analyzable().map((g) => g.env.id);
  const id = envIdOf(positionals, `: buddy-gym analyze ${ids.join(' | ')} ...`);
  if (!ids.includes(id)) {
    const what = registeredIds().includes(id) ? `${id} has no exact analysis` : `${JSON.stringify(id)} is not a registered env id${didYouMean(id, ids)}`;
    throw new UsageError(`analyze knows ${ids.join(', ')}; ${what}`);
  }
  const g = game(id);
  const { options } = envOptionsArgs(g, values);
  return g.analysis!.run(options, id).then(({ lines, json }) => {
    if (values.json) io.out(JSON.stringify({ env: id, ...json }, null, 2));
    else lines.forEach((l) => io.out(l));
    return EXIT.ok;
  });
}
