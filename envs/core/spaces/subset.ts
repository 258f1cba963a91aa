import type { Rng } from '../rng.js';
import type { TypedArena } from './arena.js';
import { describeValue, isArrayLikeOfNumbers, type Space, type SpaceSpec } from './space.js';

/**
 * k distinct indices of {0, …, n − 1} (an unordered choice; the order given is kept but
 * carries no meaning to the env). Stored as Int32Array of length k.
 */
export class Subset implements Space<Int32Array> {
  readonly kind = 'subset' as const;
  readonly dtype = 'int32' as const;
  readonly shape: readonly number[];
  readonly flatSize: number;

  constructor(
    readonly n: number,
    readonly k: number,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Subset: n must be a positive integer, got ${n}`);
    if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`Subset: k must be an integer in [1, n = ${n}], got ${k}`);
    this.shape = Object.freeze([k]);
    this.flatSize = k;
  }

  /** Uniform over k-subsets: a partial Fisher–Yates shuffle. */
  sample(rng: Rng): Int32Array {
    const pool = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) pool[i] = i;
    for (let i = 0; i < this.k; i++) {
      const j = i + rng.int(this.n - i);
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return pool.slice(0, this.k);
  }

  contains(x: unknown): x is Int32Array {
    return this.explain(x) === null;
  }

  explain(x: unknown): string | null {
    if (!isArrayLikeOfNumbers(x)) return `expected ${this.k} distinct indices (Int32Array or number[]), got ${describeValue(x)}`;
    if (x.length !== this.k) return `expected ${this.k} distinct indices, got ${x.length}`;
    return this.explainFlat(x, 0);
  }

  explainFlat(buf: ArrayLike<number>, offset: number): string | null {
    for (let i = 0; i < this.k; i++) {
      const v = buf[offset + i];
      if (!Number.isInteger(v)) return `index [${i}] is ${String(v)}, not an integer`;
      if (v < 0 || v >= this.n) return `index [${i}] = ${v} is out of range [0, ${this.n - 1}]`;
      for (let j = 0; j < i; j++) if (buf[offset + j] === v) return `index ${v} appears twice (positions ${j} and ${i}); the ${this.k} indices must be distinct`;
    }
    return null;
  }

  flatten(x: Int32Array, out: Float32Array | Int32Array | Float64Array, offset = 0): void {
    for (let i = 0; i < this.k; i++) out[offset + i] = x[i];
  }

  unflatten(buf: ArrayLike<number>, offset = 0, arena?: TypedArena): Int32Array {
    const out = arena ? arena.int32(this.k) : new Int32Array(this.k);
    for (let i = 0; i < this.k; i++) out[i] = buf[offset + i];
    return out;
  }

  toJSON(): SpaceSpec {
    return { kind: 'subset', n: this.n, k: this.k };
  }
}
