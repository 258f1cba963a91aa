/** A command as the program dispatches it, and its `--help`: answered here, once, for every command. */
import { commandHelp, parseCommandArgs, type CommandSpec } from './args.js';
import { EXIT } from './errors.js';
import type { CliIO } from './io.js';

/** An exit code, or a promise of one for a command that waits (training, loading files). */
export type ExitCode = number | Promise<number>;

export interface Command {
  readonly spec: CommandSpec;
  run(argv: readonly string[], io: CliIO): ExitCode;
  /** The whole spec, for a command whose flags and help need heavy modules (`spec` then holds its name and summary). */
  fullSpec?(): Promise<CommandSpec>;
}

/** `--help` for every command, here once: the flags are checked first, so a mistake is still named. */
export function helpOf(cmd: Command, argv: readonly string[], io: CliIO): ExitCode | null {
  if (!argv.includes('--help') && !argv.includes('-h')) return null;
  // "--help" may be another flag's value (--option --help): only the parsed flag asks for help.
  const answer = (spec: CommandSpec): number | null => {
    if (!parseCommandArgs(spec, argv).values.help) return null;
    commandHelp(spec).forEach((l) => io.out(l));
    return EXIT.ok;
  };
  if (!cmd.fullSpec) return answer(cmd.spec);
  return cmd.fullSpec().then((spec) => answer(spec) ?? cmd.run(argv, io));
}
