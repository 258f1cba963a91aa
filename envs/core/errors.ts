/** A bad env or CLI option: names the option, the value and what is allowed. */
export class OptionError extends RangeError {
  override readonly name = 'OptionError';
  constructor(
    readonly owner: string,
    readonly option: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${owner}: option "${option}" = ${formatValue(value)} is not allowed: ${allowed}`);
  }
}

/** A bad action passed to step(): names the agent and what was wrong. The env's state is unchanged. */
export class ActionError extends RangeError {
  override readonly name = 'ActionError';
  constructor(
    readonly envId: string,
    readonly agent: string,
    readonly problem: string,
  ) {
    super(`${envId}: action of agent "${agent}": ${problem}`);
  }
}

/** step() called when it cannot be: after the episode ended, or before reset(). */
export class EnvStateError extends Error {
  override readonly name = 'EnvStateError';
}

export function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(v);
  }
}
