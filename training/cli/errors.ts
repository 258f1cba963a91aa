/** A mistake in the command line: printed as one line (no stack trace), exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes of buddy-gym. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
