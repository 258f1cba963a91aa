import { OptionError } from '../envs/core/errors.js';
import type { CliIO } from './io.js';

/** A mistake in the command line: printed as one line (no stack trace), exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes of buddy-gym. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * Reports an error that ended a command and returns its exit code: a usage error (or a bad
 * option) as one line and 2, anything else as its message (stack with BUDDY_GYM_DEBUG) and 1.
 */
export function reportError(prefix: string, e: unknown, io: CliIO): number {
  if (e instanceof UsageError || e instanceof OptionError) {
    io.err(`${prefix}: ${e.message}`);
    return EXIT.usage;
  }
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  io.err(`${prefix}: ${msg}`);
  if (e instanceof Error && e.stack && process.env.BUDDY_GYM_DEBUG) io.err(e.stack);
  else io.err('(set BUDDY_GYM_DEBUG=1 to see the stack trace)');
  return EXIT.failure;
}
