/**
 * Policy heads: the distribution over one action space given the numbers a network
 * outputs. Gaussian (Box, clipped), categorical (Discrete), Plackett–Luce (Subset).
 */
import type { SpaceSpec } from '../../../envs/core/spaces/space.js';
import { CategoricalHead } from './categorical.js';
import { GaussianHead } from './gaussian.js';
import type { ActionHead } from './head.js';
import { PlackettLuceHead } from './plackett-luce.js';

export { drawNoise, type ActionHead, type EnvAction, type HeadKind, type HeadSpec } from './head.js';
export { GaussianHead, type GaussianHeadOptions } from './gaussian.js';
export { CategoricalHead, type CategoricalHeadOptions } from './categorical.js';
export { PlackettLuceHead } from './plackett-luce.js';

/** Rebuilds a head from its `toJSON()` spec (as read from a manifest); throws on a bad spec. */
export function headFromJSON(spec: unknown): ActionHead {
  if (spec === null || typeof spec !== 'object') throw new TypeError(`headFromJSON: expected an object, got ${spec === null ? 'null' : typeof spec}`);
  const s = spec as Partial<Record<string, unknown>>;
  switch (s.kind) {
    case 'gaussian': {
      const bound = (b: unknown, inf: number, what: string): number | number[] => {
        if (b === null) return inf;
        if (typeof b === 'number') return b;
        if (Array.isArray(b)) {
          return b.map((v, i) => {
            if (v === null) return inf;
            if (typeof v !== 'number') throw new TypeError(`headFromJSON: gaussian ${what}[${i}] must be a number or null`);
            return v;
          });
        }
        throw new TypeError(`headFromJSON: gaussian ${what} must be a number, null or an array`);
      };
      return new GaussianHead(s.size as number, {
        low: bound(s.low, -Infinity, 'low'),
        high: bound(s.high, Infinity, 'high'),
        logStdMin: s.logStdMin === undefined ? undefined : (s.logStdMin as number),
        logStdMax: s.logStdMax === undefined ? undefined : (s.logStdMax as number),
      });
    }
    case 'categorical':
      return new CategoricalHead(s.n as number, { start: s.start === undefined ? 0 : (s.start as number) });
    case 'plackett-luce':
      return new PlackettLuceHead(s.n as number, s.k as number);
    default:
      throw new TypeError(`headFromJSON: unknown head kind ${JSON.stringify(s.kind)} (expected gaussian, categorical or plackett-luce)`);
  }
}

/**
 * The head for an action space (a Space or its `toJSON()` spec): Box → Gaussian over its
 * flat size with its bounds, Discrete → categorical, Subset → Plackett–Luce. Other
 * spaces (multi-discrete, dict) have no head yet and throw.
 */
export function headForSpace(space: SpaceSpec | { toJSON(): SpaceSpec }): ActionHead {
  const spec: SpaceSpec = 'toJSON' in space && typeof space.toJSON === 'function' ? space.toJSON() : (space as SpaceSpec);
  switch (spec.kind) {
    case 'box': {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      // Box.toJSON writes ±Infinity bounds as numbers; JSON.parse would give null: accept both.
      const fix = (b: number | number[] | null, inf: number) =>
        b === null ? inf : Array.isArray(b) ? b.map((v) => (v === null ? inf : v)) : b;
      return new GaussianHead(size, { low: fix(spec.low, -Infinity), high: fix(spec.high, Infinity) });
    }
    case 'discrete':
      return new CategoricalHead(spec.n, { start: spec.start });
    case 'subset':
      return new PlackettLuceHead(spec.n, spec.k);
    default:
      throw new TypeError(`headForSpace: no policy head for a ${spec.kind} space`);
  }
}
