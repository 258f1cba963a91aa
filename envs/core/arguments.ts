/**
 * Checks on what callers hand the env API, done before any state changes: reset()'s argument
 * object, and a one-time copy of actions (a getter or a Proxy must not validate as one value
 * and step as another).
 */
import { OptionError } from './errors.js';
import { describeKind, isPlainObject } from './options.js';
import { assertSeed } from './rng.js';

/**
 * Throws unless `args` is undefined or a plain object with only the `allowed` keys and, when
 * it has a seed, one that stays a safe integer for every copy (copy b is seeded with seed + b).
 */
export function checkResetArgs(envId: string, args: unknown, allowed: readonly string[], copies = 1): void {
  const owner = `${envId} reset`;
  const shape = `reset() takes nothing or { ${allowed.map((k) => `${k}?`).join(', ')} }`;
  if (args === undefined) return;
  if (!isPlainObject(args)) throw new OptionError(owner, '(arguments)', args, `${shape}, got ${describeKind(args)}`);
  for (const k of Object.keys(args)) if (!allowed.includes(k)) throw new OptionError(owner, k, args[k], `unknown key; ${shape}`);
  const seed = args.seed;
  if (seed === undefined) return;
  assertSeed(seed);
  const max = Number.MAX_SAFE_INTEGER - (copies - 1);
  if (seed > max) {
    throw new OptionError(owner, 'seed', seed, `copy b is seeded with seed + b, so with ${copies} copies the seed must be at most ${max} (Number.MAX_SAFE_INTEGER - ${copies - 1})`);
  }
}

const TypedArraySlice = Object.getPrototypeOf(Int8Array.prototype).slice as (this: ArrayBufferView) => ArrayBufferView;

/**
 * `x` read exactly once, element by element: arrays and plain objects are copied (deeply),
 * typed arrays sliced; anything else is returned as it is (and refused by the space).
 */
export function readOnce(x: unknown, depth = 0): unknown {
  if (x === null || typeof x !== 'object' || depth > 16) return x;
  if (ArrayBuffer.isView(x)) return x instanceof DataView ? x : TypedArraySlice.call(x);
  if (Array.isArray(x)) {
    const n = x.length;
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = readOnce(x[i], depth + 1);
    return out;
  }
  if (isPlainObject(x)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x)) out[k] = readOnce(x[k], depth + 1);
    return out;
  }
  return x;
}
