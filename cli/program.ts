/**
 * The buddy-gym command line: `runCli(argv, io)` dispatches to one command and returns
 * the exit code (0 ok, 1 a failed check, 2 a mistake in the command line), or a promise of
 * it for the commands that wait on something (train, eval, info, play with --agent): the
 * quick commands stay synchronous. main.ts wires it to process.argv and the terminal; tests
 * call it (or a command) directly.
 */
import packageJson from '../package.json';
import { BackendUnavailableError } from '../agents/backend/names.js';
import { didYouMean } from '../envs/core/suggest.js';
import '../games/registry.js';
import { loadGames } from '../training/game/registry.js';
import { analyzeCommand, analyzeSpec } from './analyze.js';
import { parseCommandArgs, type CommandSpec } from './args.js';
import { helpOf } from './help.js';
import { checkCommand, checkSpec } from './check.js';
import { dashboardCommand, dashboardSpec } from './dashboard.js';
import { EXIT, UsageError, reportError } from './errors.js';
import { evalSpec } from './eval-spec.js';
import { infoSpec } from './info-spec.js';
import { fittedIO, type CliIO } from './io.js';
import { listCommand, listSpec } from './list.js';
import { playSpec } from './play-spec.js';
import { reportCommand, reportSpec } from './report.js';
import { serveCommand, serveSpec } from './serve.js';
import { trainSpec } from './train-spec.js';

import type { Command, ExitCode } from './help.js';

export type { Command, ExitCode };

type Run = Command['run'];

/**
 * A command whose code needs TensorFlow.js (seconds to import): its flags are checked and its
 * --help printed from the spec alone (by runCli), and only a real run loads the games'
 * training parts and imports the module.
 */
function lazy(spec: CommandSpec, load: () => Promise<Run>): Command {
  return {
    spec,
    run(argv, io) {
      parseCommandArgs(spec, argv); // a mistake in the flags is named before anything heavy loads
      return loadGames().then(load).then((run) => run(argv, io));
    },
  };
}

/** A command whose very spec needs heavy modules: its name and summary here, the rest loaded on use. */
function loadedWhole(name: string, summary: string, load: () => Promise<{ spec: CommandSpec; run: Run }>): Command {
  const loaded = () => loadGames().then(load);
  return { spec: { name, summary, usage: [], flags: [] }, run: (argv, io) => loaded().then((m) => m.run(argv, io)), fullSpec: () => loaded().then((m) => m.spec) };
}

export const COMMANDS: readonly Command[] = [
  { spec: listSpec, run: listCommand },
  { spec: checkSpec, run: checkCommand },
  lazy(playSpec, async () => (await import('./play.js')).playCommand),
  lazy(trainSpec, async () => (await import('./train.js')).trainCommand),
  lazy(evalSpec, async () => (await import('./eval.js')).evalCommand),
  lazy(infoSpec, async () => (await import('./info.js')).infoCommand),
  { spec: dashboardSpec, run: (argv, io) => dashboardCommand(argv, io) },
  { spec: reportSpec, run: reportCommand },
  { spec: analyzeSpec, run: analyzeCommand },
  // results lists its rows (recipes that import the trainer) in its help: named here, loaded whole on use.
  loadedWhole('results', "train and judge every row of the results table (each game's known result), writing RESULTS.md", async () => {
    const m = await import('./results.js');
    return { spec: m.resultsSpec, run: m.resultsCommand };
  }),
  { spec: serveSpec, run: (argv, io) => serveCommand(argv, io) },
];

/** Commands that later issues add; named so that trying one says so. */
const LATER: readonly string[] = [];

export function programHelp(): string[] {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length));
  return [
    `buddy-gym ${packageJson.version}: multi-agent RL environments for the game theory of AI alignment`,
    '',
    'Usage:',
    '  buddy-gym <command> [flags]',
    '  buddy-gym <command> --help     help of one command, every flag documented',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary}`),
    `  ${'help'.padEnd(width)}  print this help, or \`help <command>\``,
    '',
    'Flags:',
    '  -h, --help     print this help and exit',
    '  -v, --version  print the version and exit',
    ...(LATER.length ? ['', `Not there yet (later issues): ${LATER.join(', ')}.`] : []),
    '',
    'Exit codes: 0 success, 1 a conformance check failed, 2 a mistake in the command line (or a refused',
    'checkpoint, or a backend this machine lacks), 130 a training run stopped by Ctrl-C (143 by SIGTERM).',
  ];
}

function find(name: string): Command | undefined {
  return COMMANDS.find((c) => c.spec.name === name);
}

function unknownCommand(name: string): UsageError {
  const later = LATER.includes(name) ? ` ("${name}" comes in a later issue)` : '';
  const names = [...COMMANDS.map((c) => c.spec.name), 'help'];
  const what = name.startsWith('-')
    ? `unknown flag ${name}${didYouMean(name, ['--help', '--version'], (n) => n)}`
    : `unknown command ${JSON.stringify(name)}${later}${didYouMean(name, names)}`;
  return new UsageError(`${what}; the commands are ${COMMANDS.map((c) => c.spec.name).join(', ')}, help (see buddy-gym --help)`);
}

/**
 * Runs one command line (the words after `buddy-gym`) and returns its exit code: at once for
 * a synchronous command, as a promise for one that waits.
 */
export function runCli(argv: readonly string[], io: CliIO): ExitCode {
  const [first, ...rest] = argv;
  let prefix = 'buddy-gym';
  const report = (e: unknown): number => {
    // A backend this machine lacks is a fact to report, not a crash.
    if (e instanceof BackendUnavailableError) {
      io.err(`${prefix}: ${e.message}`);
      return EXIT.usage;
    }
    return reportError(prefix, e, io);
  };
  try {
    if (first === undefined || first === '--help' || first === '-h') {
      programHelp().forEach((l) => (first === undefined ? io.err(l) : io.out(l)));
      return first === undefined ? EXIT.usage : EXIT.ok;
    }
    if (first === '--version' || first === '-v') {
      io.out(packageJson.version);
      return EXIT.ok;
    }
    if (first === 'help') {
      if (rest.length === 0 || (rest.length === 1 && (rest[0] === '--help' || rest[0] === '-h'))) {
        programHelp().forEach((l) => io.out(l));
        return EXIT.ok;
      }
      const cmd = find(rest[0]);
      if (!cmd || rest.length > 1) throw rest.length > 1 ? new UsageError(`help takes one command name, got ${rest.join(' ')}`) : unknownCommand(rest[0]);
      return helpOf(cmd, ['--help'], fittedIO(io))!;
    }
    const cmd = find(first);
    if (!cmd) throw unknownCommand(first);
    prefix = `buddy-gym ${cmd.spec.name}`;
    // Tables and help fit the terminal; what a program reads (JSON, markdown) is never broken.
    const machine = rest.includes('--json') || rest.includes('--markdown');
    const cmdIO = machine ? io : fittedIO(io);
    const code = helpOf(cmd, rest, cmdIO) ?? cmd.run(rest, cmdIO);
    return typeof code === 'number' ? code : code.catch(report);
  } catch (e) {
    return report(e);
  }
}
