import type { Rng } from '../rng.js';
import type { TypedArena } from './arena.js';

export type Dtype = 'float32' | 'int32';

/** A JSON description of a space, for manifests and `buddy-gym list`. */
export type SpaceSpec =
  | { kind: 'box'; shape: number[]; low: number | number[]; high: number | number[] }
  | { kind: 'discrete'; n: number; start: number }
  | { kind: 'multi-discrete'; nvec: number[]; start: number }
  | { kind: 'subset'; n: number; k: number }
  | { kind: 'dict'; entries: Record<string, SpaceSpec> };

/**
 * A set of valid values with a flat numeric layout. `flatten`/`unflatten` map a value to
 * `flatSize` numbers and back: the vector env stores every observation in that layout.
 */
export interface Space<T = unknown> {
  readonly kind: SpaceSpec['kind'];
  readonly shape: readonly number[];
  readonly dtype: Dtype;
  /** How many numbers the value takes in the flat layout. */
  readonly flatSize: number;
  sample(rng: Rng): T;
  contains(x: unknown): x is T;
  /** Why `x` is not in the space (a sentence naming the offending element), or null if it is. */
  explain(x: unknown): string | null;
  /**
   * Like `explain`, for a value already in the flat layout at `buf[offset ..]`, without
   * allocating: the vector env validates every action this way.
   */
  explainFlat(buf: ArrayLike<number>, offset: number): string | null;
  flatten(x: T, out: Float32Array | Int32Array | Float64Array, offset?: number): void;
  /** The value stored at buf[offset ..]; typed arrays come from `arena` when given (4 bytes per element). */
  unflatten(buf: ArrayLike<number>, offset?: number, arena?: TypedArena): T;
  toJSON(): SpaceSpec;
}

/** An array or a typed array of numbers (a BigInt64Array holds bigints, which no space takes). */
export function isArrayLikeOfNumbers(x: unknown): x is ArrayLike<number> {
  if (ArrayBuffer.isView(x)) return !(x instanceof DataView || x instanceof BigInt64Array || x instanceof BigUint64Array);
  return Array.isArray(x);
}

export function product(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Multi-index of flat position `i` in `shape`, as "[a, b]" for error messages. */
export function indexLabel(shape: readonly number[], i: number): string {
  if (shape.length <= 1) return `[${i}]`;
  const idx: number[] = new Array(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return `[${idx.join(', ')}]`;
}

export function checkShape(shape: readonly number[], what: string): void {
  if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new RangeError(`${what}: shape must be a list of positive integers, got ${JSON.stringify(shape)}`);
  }
}

export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (ArrayBuffer.isView(x)) return `${x.constructor.name} of length ${(x as unknown as ArrayLike<number>).length}`;
  if (Array.isArray(x)) return `array of length ${x.length}`;
  return typeof x;
}
