/** Validation and small vector helpers shared by the meta-game solvers. */

/** A payoff matrix: rows of equal length. */
export type Matrix = readonly (readonly number[])[];

/** Checks that `m` is a non-empty rectangular matrix of finite numbers; returns [rows, cols]. */
export function checkMatrix(m: Matrix, what: string): [number, number] {
  if (!Array.isArray(m) || m.length === 0) throw new RangeError(`${what} must be a non-empty matrix (array of rows)`);
  const first = m[0];
  if (!Array.isArray(first) || first.length === 0) throw new RangeError(`${what} must have at least one column`);
  const cols = first.length;
  for (let i = 0; i < m.length; i++) {
    const row = m[i];
    if (!Array.isArray(row) || row.length !== cols) {
      throw new RangeError(`${what} must be rectangular: row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries, row 0 has ${cols}`);
    }
    for (let j = 0; j < cols; j++) {
      if (typeof row[j] !== 'number' || !Number.isFinite(row[j])) {
        throw new RangeError(`${what}[${i}][${j}] must be a finite number, got ${String(row[j])}`);
      }
    }
  }
  return [m.length, cols];
}

export function checkPair(rowPayoff: Matrix, colPayoff: Matrix): [number, number] {
  const [m, n] = checkMatrix(rowPayoff, 'rowPayoff');
  const [m2, n2] = checkMatrix(colPayoff, 'colPayoff');
  if (m !== m2 || n !== n2) throw new RangeError(`rowPayoff is ${m}×${n} but colPayoff is ${m2}×${n2}`);
  return [m, n];
}

export function checkStrategy(p: readonly number[], size: number, what: string): void {
  if (!Array.isArray(p) || p.length !== size) throw new RangeError(`${what} must be a probability vector of length ${size}`);
  let sum = 0;
  for (let k = 0; k < size; k++) {
    if (typeof p[k] !== 'number' || !Number.isFinite(p[k]) || p[k] < 0) {
      throw new RangeError(`${what}[${k}] must be a non-negative finite number, got ${String(p[k])}`);
    }
    sum += p[k];
  }
  if (Math.abs(sum - 1) > 1e-6) throw new RangeError(`${what} must sum to 1, sums to ${sum}`);
}

export function uniformVector(n: number): number[] {
  return new Array<number>(n).fill(1 / n);
}

export function pureVector(n: number, k: number): number[] {
  const v = new Array<number>(n).fill(0);
  v[k] = 1;
  return v;
}

/** Non-negative, normalised copy (tiny negative rounding is clipped); uniform when the mass is zero. */
export function normalise(v: ArrayLike<number>): number[] {
  const out = new Array<number>(v.length);
  let sum = 0;
  for (let k = 0; k < v.length; k++) {
    out[k] = v[k] > 0 ? v[k] : 0;
    sum += out[k];
  }
  if (!(sum > 0)) return uniformVector(v.length);
  for (let k = 0; k < v.length; k++) out[k] /= sum;
  return out;
}

/** max |entry| of a matrix. */
export function maxAbs(m: Matrix): number {
  let s = 0;
  for (const row of m) for (const x of row) s = Math.max(s, Math.abs(x));
  return s;
}
