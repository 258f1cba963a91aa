import type { Rng } from '../rng.js';
import type { TypedArena } from './arena.js';
import { describeValue, isArrayLikeOfNumbers, type Space, type SpaceSpec } from './space.js';

/** A vector of integers, element i in {start, …, start + nvec[i] − 1}; stored as Int32Array. */
export class MultiDiscrete implements Space<Int32Array> {
  readonly kind = 'multi-discrete' as const;
  readonly dtype = 'int32' as const;
  readonly shape: readonly number[];
  readonly flatSize: number;
  readonly nvec: Int32Array;

  constructor(
    nvec: ArrayLike<number>,
    readonly start = 0,
  ) {
    if (nvec.length < 1) throw new RangeError('MultiDiscrete: nvec must not be empty');
    this.nvec = Int32Array.from(nvec);
    if (Array.from(nvec).some((n) => !Number.isInteger(n) || n < 1)) {
      throw new RangeError(`MultiDiscrete: every nvec entry must be a positive integer, got ${JSON.stringify(Array.from(nvec))}`);
    }
    if (!Number.isInteger(start)) throw new RangeError(`MultiDiscrete: start must be an integer, got ${start}`);
    this.shape = Object.freeze([this.nvec.length]);
    this.flatSize = this.nvec.length;
  }

  sample(rng: Rng): Int32Array {
    const out = new Int32Array(this.flatSize);
    for (let i = 0; i < this.flatSize; i++) out[i] = this.start + rng.int(this.nvec[i]);
    return out;
  }

  contains(x: unknown): x is Int32Array {
    return this.explain(x) === null;
  }

  explain(x: unknown): string | null {
    if (!isArrayLikeOfNumbers(x)) return `expected an Int32Array or number[] of length ${this.flatSize}, got ${describeValue(x)}`;
    if (x.length !== this.flatSize) return `expected ${this.flatSize} integers, got ${x.length}`;
    return this.explainFlat(x, 0);
  }

  explainFlat(buf: ArrayLike<number>, offset: number): string | null {
    for (let i = 0; i < this.flatSize; i++) {
      const v = buf[offset + i];
      if (!Number.isInteger(v)) return `element [${i}] is ${String(v)}, not an integer`;
      if (v < this.start || v >= this.start + this.nvec[i]) return `element [${i}] = ${v} is out of range [${this.start}, ${this.start + this.nvec[i] - 1}]`;
    }
    return null;
  }

  flatten(x: Int32Array, out: Float32Array | Int32Array | Float64Array, offset = 0): void {
    for (let i = 0; i < this.flatSize; i++) out[offset + i] = x[i];
  }

  unflatten(buf: ArrayLike<number>, offset = 0, arena?: TypedArena): Int32Array {
    const out = arena ? arena.int32(this.flatSize) : new Int32Array(this.flatSize);
    for (let i = 0; i < this.flatSize; i++) out[i] = buf[offset + i];
    return out;
  }

  toJSON(): SpaceSpec {
    return { kind: 'multi-discrete', nvec: Array.from(this.nvec), start: this.start };
  }
}
