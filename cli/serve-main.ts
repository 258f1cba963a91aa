/**
 * `buddy-gym serve` without the rest of the CLI: main.ts takes this road for `serve` so that
 * the server starts without loading the trainer and tfjs (a Python client waits on it).
 */
import '../games/registry.js';
import { helpOf, type ExitCode } from './help.js';
import { reportError } from './errors.js';
import type { CliIO } from './io.js';
import { serveCommand, serveSpec } from './serve.js';

/** Runs `serve <argv>` (the words after "serve") and returns its exit code. */
export function runServe(argv: readonly string[], io: CliIO): ExitCode {
  const report = (e: unknown): number => reportError('buddy-gym serve', e, io);
  try {
    const code = helpOf({ spec: serveSpec, run: serveCommand }, argv, io) ?? serveCommand(argv, io);
    return typeof code === 'number' ? code : code.catch(report);
  } catch (e) {
    return report(e);
  }
}
