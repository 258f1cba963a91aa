import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RidgeBank } from '../games/attention-market/ridge.js';
import { Rng } from '../envs/core/rng.js';
// @ts-expect-error: a plain .mjs build script without types
import { assemble, render } from '../scripts/build-wasm.mjs';

/** Solves A q = b by Gaussian elimination with partial pivoting (A is d×d row-major). */
function solve(A: Float64Array, b: Float64Array, d: number): Float64Array {
  const M = A.slice();
  const x = b.slice();
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(M[r * d + c]) > Math.abs(M[p * d + c])) p = r;
    for (let k = 0; k < d; k++) [M[c * d + k], M[p * d + k]] = [M[p * d + k], M[c * d + k]];
    [x[c], x[p]] = [x[p], x[c]];
    for (let r = c + 1; r < d; r++) {
      const f = M[r * d + c] / M[c * d + c];
      for (let k = c; k < d; k++) M[r * d + k] -= f * M[c * d + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = d - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < d; k++) s -= M[r * d + k] * x[k];
    x[r] = s / M[r * d + r];
  }
  return x;
}

describe('RidgeBank (WebAssembly recursive least squares)', () => {
  it.each([1, 2, 3, 7, 16])('q equals the direct solve of (αI + Σxxᵀ) q = Σ t x in dimension %i', (d) => {
    const rng = new Rng(d);
    const bank = new RidgeBank(3, d);
    for (const [i, alpha] of [[0, 1], [1, 0.1], [2, 25]] as const) {
      bank.reset(i, alpha);
      const A = new Float64Array(d * d);
      for (let k = 0; k < d; k++) A[k * d + k] = alpha;
      const b = new Float64Array(d);
      const x = new Float32Array(d);
      for (let n = 0; n < 200; n++) {
        for (let k = 0; k < d; k++) x[k] = Math.fround(rng.normal() * 0.5);
        const t = rng.normal();
        bank.update(i, x, 0, t);
        for (let r = 0; r < d; r++) {
          b[r] += t * x[r];
          for (let c = 0; c < d; c++) A[r * d + c] += x[r] * x[c];
        }
      }
      const q = solve(A, b, d);
      const got = bank.estimate.subarray(i * d, (i + 1) * d);
      for (let k = 0; k < d; k++) expect(got[k]).toBeCloseTo(q[k], 10);
      for (let k = 0; k < d; k++) expect(bank.b[i * d + k]).toBeCloseTo(b[k], 10);
    }
  });

  it('keeps estimates independent and resets to the prior', () => {
    const bank = new RidgeBank(2, 4);
    bank.reset(0, 1);
    bank.reset(1, 1);
    bank.update(0, new Float64Array([1, 0, 0, 0]), 0, 2);
    expect(Array.from(bank.estimate.subarray(0, 4))).toEqual([1, 0, 0, 0]); // (1 + 1)⁻¹ · 2
    expect(Array.from(bank.estimate.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    bank.reset(0, 2);
    expect(Array.from(bank.estimate.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(bank.ainv[0]).toBe(0.5);
  });

  it('ridge-wasm.ts is the assembly of ridge.wat (npm run build:wasm regenerates it)', async () => {
    const bytes: Buffer = await assemble('games/attention-market/ridge.wat');
    const text: string = render('games/attention-market/ridge.wat', 'RIDGE_WASM_BASE64', bytes);
    expect(readFileSync('games/attention-market/ridge-wasm.ts', 'utf8')).toBe(text);
  });
});
