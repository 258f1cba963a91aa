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
  const print = (spec: CommandSpec): number => {
    if (!parseCommandArgs(spec, argv).values.help) return -1;
    commandHelp(spec).forEach((l) => io.out(l));
    return EXIT.ok;
  };
  if (!cmd.fullSpec) {
    const code = print(cmd.spec);
    return code < 0 ? null : code;
  }
  return cmd.fullSpec().then((spec) => {
    const code = print(spec);
    return code < 0 ? cmd.run(argv, io) : code;
  });
}
