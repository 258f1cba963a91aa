import type { Rng } from '../rng.js';
import { describeValue, type Space, type SpaceSpec } from './space.js';

/** One integer in {start, …, start + n − 1}. Flattened as the integer itself (not one-hot). */
export class Discrete implements Space<number> {
  readonly kind = 'discrete' as const;
  readonly dtype = 'int32' as const;
  readonly shape: readonly number[] = Object.freeze([]);
  readonly flatSize = 1;

  constructor(
    readonly n: number,
    readonly start = 0,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Discrete: n must be a positive integer, got ${n}`);
    if (!Number.isInteger(start)) throw new RangeError(`Discrete: start must be an integer, got ${start}`);
  }

  sample(rng: Rng): number {
    return this.start + rng.int(this.n);
  }

  contains(x: unknown): x is number {
    return this.explain(x) === null;
  }

  explain(x: unknown): string | null {
    if (typeof x !== 'number') return `expected an integer, got ${describeValue(x)}`;
    return this.explainFlat([x], 0);
  }

  explainFlat(buf: ArrayLike<number>, offset: number): string | null {
    const x = buf[offset];
    if (!Number.isInteger(x)) return `${x} is not an integer`;
    if (x < this.start || x >= this.start + this.n) return `${x} is out of range [${this.start}, ${this.start + this.n - 1}]`;
    return null;
  }

  flatten(x: number, out: Float32Array | Int32Array | Float64Array, offset = 0): void {
    out[offset] = x;
  }

  unflatten(buf: ArrayLike<number>, offset = 0): number {
    return buf[offset];
  }

  toJSON(): SpaceSpec {
    return { kind: 'discrete', n: this.n, start: this.start };
  }
}
