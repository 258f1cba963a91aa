import arithmetic from './examples/arithmetic.json' with { type: 'json' };
import geography from './examples/geography.json' with { type: 'json' };
import type { CandidatesJSON } from './candidates.js';

/**
 * The candidates files shipped in examples/, by name. They are JSON imports rather than fs
 * reads so that a bundler (tsup, for dist/) inlines them: no path to resolve at run time.
 * Frozen, because the `candidates` option hands out the same object to every env.
 */
export const CANDIDATE_EXAMPLES: Readonly<Record<'arithmetic' | 'geography', CandidatesJSON>> = Object.freeze({
  arithmetic: deepFreeze(arithmetic as CandidatesJSON),
  geography: deepFreeze(geography as CandidatesJSON),
});

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const x of Object.values(o)) deepFreeze(x);
    Object.freeze(o);
  }
  return o;
}
