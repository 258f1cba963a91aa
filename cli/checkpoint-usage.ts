import { CheckpointError } from '../checkpoints/index.js';
import { UsageError } from './errors.js';

/** A CheckpointError as a one-line mistake of the command line (exit 2). */
export function checkpointUsage<T>(p: Promise<T>, flag: string): Promise<T> {
  return p.catch((e: unknown) => {
    if (e instanceof CheckpointError) throw new UsageError(`${flag}${e.message}`);
    throw e;
  });
}
