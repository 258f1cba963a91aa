import { OptionError } from '../../envs/core/errors.js';

/** The persuasion envs take no per-episode options: every episode draws its users and states. */
export type PersuasionResetOptions = Record<string, never>;

export function parsePersuasionResetOptions(id: string, input: unknown): PersuasionResetOptions {
  const owner = `${id} reset`;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new OptionError(owner, '(options)', input, 'reset options must be an object');
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (value !== undefined) throw new OptionError(owner, key, value, `unknown reset option; ${id} takes no reset options (set the instance with make options)`);
  }
  return {};
}
