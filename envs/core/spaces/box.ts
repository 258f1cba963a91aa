import type { Rng } from '../rng.js';
import type { TypedArena } from './arena.js';
import { checkShape, describeValue, indexLabel, isArrayLikeOfNumbers, product, type Space, type SpaceSpec } from './space.js';

/** Real vectors in [low, high] (element-wise; ±Infinity for unbounded), stored as Float32Array. */
export class Box implements Space<Float32Array> {
  readonly kind = 'box' as const;
  readonly dtype = 'float32' as const;
  readonly shape: readonly number[];
  readonly flatSize: number;
  readonly low: Float32Array;
  readonly high: Float32Array;

  constructor(low: number | ArrayLike<number>, high: number | ArrayLike<number>, shape: readonly number[]) {
    checkShape(shape, 'Box');
    this.shape = Object.freeze([...shape]);
    this.flatSize = product(shape);
    this.low = bounds(low, this.flatSize, 'low');
    this.high = bounds(high, this.flatSize, 'high');
    for (let i = 0; i < this.flatSize; i++) {
      if (!(this.low[i] <= this.high[i])) throw new RangeError(`Box: low${indexLabel(this.shape, i)} = ${this.low[i]} exceeds high = ${this.high[i]}`);
    }
  }

  sample(rng: Rng): Float32Array {
    const out = new Float32Array(this.flatSize);
    for (let i = 0; i < this.flatSize; i++) {
      const lo = this.low[i];
      const hi = this.high[i];
      const finiteLo = Number.isFinite(lo);
      const finiteHi = Number.isFinite(hi);
      // Gymnasium's rule: uniform if bounded, exponential if half-bounded, normal if unbounded.
      if (finiteLo && finiteHi) out[i] = Math.min(hi, lo + (hi - lo) * rng.uniform());
      else if (finiteLo) out[i] = lo - Math.log(1 - rng.uniform());
      else if (finiteHi) out[i] = hi + Math.log(1 - rng.uniform());
      else out[i] = rng.normal();
    }
    return out;
  }

  contains(x: unknown): x is Float32Array {
    return this.explain(x) === null;
  }

  explain(x: unknown): string | null {
    if (!isArrayLikeOfNumbers(x)) return `expected a Float32Array or number[] of length ${this.flatSize}, got ${describeValue(x)}`;
    if (x.length !== this.flatSize) return `expected ${this.flatSize} numbers (shape [${this.shape.join(', ')}]), got ${x.length}`;
    return this.explainFlat(x, 0);
  }

  explainFlat(buf: ArrayLike<number>, offset: number): string | null {
    // Fast path for typed arrays (every element is a number): one range test per element,
    // which NaN also fails. Infinity passes only where the bound itself is infinite.
    if (ArrayBuffer.isView(buf)) {
      const low = this.low;
      const high = this.high;
      let ok = true;
      for (let i = 0; i < this.flatSize; i++) {
        const v = buf[offset + i];
        if (!(v >= low[i] && v <= high[i])) {
          ok = false;
          break;
        }
      }
      if (ok) return null;
    }
    for (let i = 0; i < this.flatSize; i++) {
      const v = buf[offset + i];
      if (typeof v !== 'number' || Number.isNaN(v)) return `element ${indexLabel(this.shape, i)} is ${String(v)}, not a number`;
      if (!Number.isFinite(v) && Number.isFinite(this.low[i]) && Number.isFinite(this.high[i])) return `element ${indexLabel(this.shape, i)} is ${v}, not finite`;
      if (v < this.low[i] || v > this.high[i]) return `element ${indexLabel(this.shape, i)} = ${v} is outside [${this.low[i]}, ${this.high[i]}]`;
    }
    return null;
  }

  flatten(x: Float32Array, out: Float32Array | Int32Array | Float64Array, offset = 0): void {
    for (let i = 0; i < this.flatSize; i++) out[offset + i] = x[i];
  }

  unflatten(buf: ArrayLike<number>, offset = 0, arena?: TypedArena): Float32Array {
    const out = arena ? arena.float32(this.flatSize) : new Float32Array(this.flatSize);
    if (buf instanceof Float32Array) out.set(buf.subarray(offset, offset + this.flatSize));
    else for (let i = 0; i < this.flatSize; i++) out[i] = buf[offset + i];
    return out;
  }

  toJSON(): SpaceSpec {
    return { kind: 'box', shape: [...this.shape], low: compact(this.low), high: compact(this.high) };
  }
}

function bounds(b: number | ArrayLike<number>, n: number, what: string): Float32Array {
  if (typeof b === 'number') {
    if (Number.isNaN(b)) throw new RangeError(`Box: ${what} is NaN`);
    return new Float32Array(n).fill(b);
  }
  if (b.length !== n) throw new RangeError(`Box: ${what} has ${b.length} elements, the shape needs ${n}`);
  const out = Float32Array.from(b);
  if (out.some(Number.isNaN)) throw new RangeError(`Box: ${what} contains NaN`);
  return out;
}

function compact(a: Float32Array): number | number[] {
  return a.every((v) => v === a[0]) ? a[0] : Array.from(a);
}
