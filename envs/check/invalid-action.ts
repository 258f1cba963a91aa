import { Box } from '../core/spaces/box.js';
import { Dict } from '../core/spaces/dict.js';
import { Discrete } from '../core/spaces/discrete.js';
import { MultiDiscrete } from '../core/spaces/multi-discrete.js';
import type { Space } from '../core/spaces/space.js';
import { Subset } from '../core/spaces/subset.js';

export interface InvalidAction {
  readonly action: unknown;
  /** What is wrong with it, for messages ("NaN in element [0]"). */
  readonly what: string;
}

/**
 * An action just outside `space`, made from a valid one: a NaN for a Box, an index one
 * past the range for Discrete and MultiDiscrete, a repeated index for a Subset (out of
 * range when k = 1), and for a Dict the first entry made invalid. Null for a space kind
 * this function does not know; the valid action is never modified.
 */
export function invalidAction(space: Space<unknown>, valid: unknown): InvalidAction | null {
  if (space instanceof Box) {
    const bad = Float32Array.from(valid as ArrayLike<number>);
    bad[0] = Number.NaN;
    return { action: bad, what: 'NaN in element [0]' };
  }
  if (space instanceof Discrete) {
    const bad = space.start + space.n;
    return { action: bad, what: `${bad}, out of range [${space.start}, ${bad - 1}]` };
  }
  if (space instanceof MultiDiscrete) {
    const bad = Int32Array.from(valid as ArrayLike<number>);
    bad[0] = space.start + space.nvec[0];
    return { action: bad, what: `element [0] = ${bad[0]}, out of range` };
  }
  if (space instanceof Subset) {
    const bad = Int32Array.from(valid as ArrayLike<number>);
    if (space.k >= 2) {
      bad[1] = bad[0];
      return { action: bad, what: `index ${bad[0]} twice` };
    }
    bad[0] = space.n;
    return { action: bad, what: `index ${space.n}, out of range` };
  }
  if (space instanceof Dict) {
    const entries = space.entries as Record<string, Space<unknown>>;
    const value = valid as Record<string, unknown>;
    for (const key of space.keys) {
      const bad = invalidAction(entries[key], value[key]);
      if (bad !== null) return { action: { ...value, [key]: bad.action }, what: `"${key}": ${bad.what}` };
    }
  }
  return null;
}
