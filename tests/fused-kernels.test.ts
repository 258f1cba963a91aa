import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ACCUMULATE, FusedRuntime, TANH } from '../agents/policy/fused/runtime.js';
import { Rng } from '../envs/core/rng.js';
// @ts-expect-error: a plain .mjs build script without types
import { assemble, render } from '../scripts/build-wasm.mjs';

/**
 * The fused engine's WebAssembly kernels against plain float64 loops, the allocator, the
 * thread split (bit-identical for any thread count) and the generated module's freshness.
 */
const rt = new FusedRuntime();
afterAll(() => rt.close());
const rng = new Rng(7, 7);

function filled(floats: number): { ptr: number; view: Float32Array } {
  const ptr = rt.alloc(floats);
  const view = rt.f32(ptr, floats);
  for (let i = 0; i < floats; i++) view[i] = rng.uniform() * 2 - 1;
  return { ptr, view };
}

/** Largest |a − b| / (1 + |b|). */
function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return w;
}

describe('fused kernels', () => {
  const shapes: [number, number, number][] = [
    [13, 7, 11],
    [16, 34, 64],
    [9, 82, 64],
    [300, 67, 64], // more rows than a gemm_tn chunk (128)
    [33, 64, 1],
    [5, 3, 3],
  ];

  it.each(shapes)('gemm (bias, grouped bias, tanh, accumulate) = a float64 loop, m=%i k=%i n=%i', (m, k, n) => {
    const X = filled(m * k);
    const W = filled(k * n);
    const group = 4;
    const B = filled(Math.ceil(m / group) * n);
    for (const flags of [0, TANH, ACCUMULATE, TANH | ACCUMULATE]) {
      for (const grouped of [false, true]) {
        const Y = filled(m * n);
        const y0 = Y.view.slice();
        const [bstride, bdiv] = grouped ? [n, group] : [0, 1];
        rt.k.gemm(X.ptr, k, W.ptr, n, B.ptr, bstride, bdiv, Y.ptr, n, 0, m, k, n, flags);
        const want = new Float64Array(m * n);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = (flags & ACCUMULATE ? y0[i * n + j] : 0) + B.view[Math.floor(i / bdiv) * bstride + j];
            for (let p = 0; p < k; p++) s += X.view[i * k + p] * W.view[p * n + j];
            want[i * n + j] = flags & TANH ? Math.tanh(s) : s;
          }
        }
        expect(worst(Y.view, want)).toBeLessThan(1e-5);
        rt.release(Y.ptr);
      }
    }
    for (const b of [X, W, B]) rt.release(b.ptr);
  });

  it.each(shapes)('gemm_tn, gemv, gemv_tn, colsum = float64 loops, m=%i k=%i n=%i', (m, k, n) => {
    const X = filled(m * k);
    const D = filled(m * n);
    const G = filled(k * n);
    const g0 = G.view.slice();
    rt.k.gemm_tn(X.ptr, k, D.ptr, n, G.ptr, n, m, 0, k, n, ACCUMULATE);
    const want = new Float64Array(k * n);
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) {
      let s = g0[p * n + j];
      for (let i = 0; i < m; i++) s += X.view[i * k + p] * D.view[i * n + j];
      want[p * n + j] = s;
    }
    expect(worst(G.view, want)).toBeLessThan(1e-5);
    // gemv with the first k weights, and its transpose
    const y = filled(m);
    rt.k.gemv(X.ptr, k, G.ptr, 0.25, y.ptr, 0, m, k);
    const wantY = Array.from({ length: m }, (_, i) => G.view.subarray(0, k).reduce((s, w, p) => s + w * X.view[i * k + p], 0.25));
    expect(worst(y.view, wantY)).toBeLessThan(1e-5);
    const gv = filled(k);
    rt.k.gemv_tn(X.ptr, k, y.ptr, gv.ptr, m, 0, k, 0);
    const wantG = Array.from({ length: k }, (_, p) => Array.from({ length: m }, (_, i) => X.view[i * k + p] * y.view[i]).reduce((a, b) => a + b, 0));
    expect(worst(gv.view, wantG)).toBeLessThan(1e-5);
    const cs = filled(n);
    rt.k.colsum(D.ptr, n, m, n, cs.ptr, 0);
    const wantC = Array.from({ length: n }, (_, j) => Array.from({ length: m }, (_, i) => D.view[i * n + j]).reduce((a, b) => a + b, 0));
    expect(worst(cs.view, wantC)).toBeLessThan(1e-5);
    for (const b of [X, D, G, y, gv, cs]) rt.release(b.ptr);
  });

  it('group_sum, tanh_bwd, scale, add, sumsq and Adam (tfjs arithmetic) are exact to float32 rounding', () => {
    const groups = 5;
    const size = 3;
    const n = 6;
    const D = filled(groups * size * n);
    const out = filled(groups * n);
    rt.k.group_sum(D.ptr, n, groups, size, n, out.ptr, n);
    for (let g = 0; g < groups; g++) for (let j = 0; j < n; j++) {
      const s = [0, 1, 2].reduce((a, r) => a + D.view[(g * size + r) * n + j], 0);
      expect(out.view[g * n + j]).toBeCloseTo(s, 6);
    }
    const count = 37; // a SIMD body and a scalar tail
    const H = filled(count);
    const dH = filled(count);
    const d0 = dH.view.slice();
    rt.k.tanh_bwd(dH.ptr, H.ptr, count);
    d0.forEach((d, i) => expect(dH.view[i]).toBeCloseTo(d * (1 - H.view[i] ** 2), 6));
    const s0 = dH.view.slice();
    rt.k.scale(dH.ptr, 0.5, count);
    s0.forEach((d, i) => expect(dH.view[i]).toBe(Math.fround(d * 0.5)));
    expect(rt.k.sumsq(H.ptr, count)).toBeCloseTo(Array.from(H.view).reduce((a, x) => a + x * x, 0), 4);
    const a0 = H.view.slice();
    rt.k.add(dH.ptr, H.ptr, count);
    a0.forEach((h, i) => expect(H.view[i]).toBe(Math.fround(h + dH.view[i])));
    // Adam: m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; p ← p − lr (m/c1)/(√(v/c2) + ε)
    const P = filled(count);
    const M = filled(count);
    const V = filled(count);
    for (let i = 0; i < count; i++) V.view[i] = Math.abs(V.view[i]);
    const [p0, m0, v0] = [P.view.slice(), M.view.slice(), V.view.slice()];
    const [lr, b1, b2, eps, c1, c2] = [0.01, 0.9, 0.999, 1e-5, 0.19, 0.002];
    rt.k.adam(P.ptr, dH.ptr, M.ptr, V.ptr, lr, b1, b2, eps, c1, c2, count);
    for (let i = 0; i < count; i++) {
      const g = dH.view[i];
      const m = b1 * m0[i] + (1 - b1) * g;
      const v = b2 * v0[i] + (1 - b2) * g * g;
      expect(M.view[i]).toBeCloseTo(m, 6);
      expect(V.view[i]).toBeCloseTo(v, 6);
      expect(P.view[i]).toBeCloseTo(p0[i] - (lr * (m / c1)) / (Math.sqrt(v / c2) + eps), 5);
    }
    for (const b of [D, out, H, dH, P, M, V]) rt.release(b.ptr);
  });

  it('the tanh inside gemm (a rational approximation) is within 5e-7 (a few float32 ulps) of Math.tanh over [−12, 12]', () => {
    const m = 4801;
    const X = rt.alloc(m);
    const one = rt.alloc(1);
    const Y = rt.alloc(m);
    const x = rt.f32(X, m);
    for (let i = 0; i < m; i++) x[i] = -12 + (24 * i) / (m - 1);
    rt.f32(one, 1)[0] = 1;
    rt.k.gemm(X, 1, one, 1, 0, 0, 1, Y, 1, 0, m, 1, 1, TANH);
    const y = rt.f32(Y, m);
    let err = 0;
    for (let i = 0; i < m; i++) err = Math.max(err, Math.abs(y[i] - Math.tanh(x[i])));
    expect(err).toBeLessThan(5e-7);
    for (const p of [X, one, Y]) rt.release(p);
  });

  it('pool_features builds [e, e⊙q, memory] per entry and [q, pool mean] per transition', () => {
    const [n, P, D, f] = [3, 5, 6, 2];
    const obsSize = P * D + 4 + D + P * f;
    const obs = filled(n * obsSize);
    const [pool, q, mem] = [0, P * D + 4, P * D + 4 + D];
    const EW = 2 * D + f;
    const SW = 2 * D + 16;
    const entry = rt.alloc(n * P * EW);
    const shared = rt.alloc(n * SW);
    rt.k.pool_features(obs.ptr, obsSize, pool, q, mem, P, D, f, entry, EW, shared, SW, 0, n);
    const o = obs.view;
    const e = rt.f32(entry, n * P * EW);
    const s = rt.f32(shared, n * SW);
    for (let t = 0; t < n; t++) {
      for (let d = 0; d < D; d++) {
        expect(s[t * SW + d]).toBe(o[t * obsSize + q + d]);
        let sum = 0;
        for (let k = 0; k < P; k++) sum += o[t * obsSize + pool + k * D + d];
        expect(s[t * SW + D + d]).toBeCloseTo(sum / P, 6);
      }
      for (let k = 0; k < P; k++) {
        const row = (t * P + k) * EW;
        for (let d = 0; d < D; d++) {
          const x = o[t * obsSize + pool + k * D + d];
          expect(e[row + d]).toBe(x);
          expect(e[row + D + d]).toBe(Math.fround(x * o[t * obsSize + q + d]));
        }
        for (let m = 0; m < f; m++) expect(e[row + 2 * D + m]).toBe(o[t * obsSize + mem + k * f + m]);
      }
    }
    for (const p of [obs.ptr, entry, shared]) rt.release(p);
  });

  it('splitting a kernel over 1, 2 or 3 threads gives bit-identical results', () => {
    const [m, k, n] = [1000, 34, 64];
    const X = filled(m * k);
    const W = filled(k * n);
    const B = filled(n);
    const results: Float32Array[] = [];
    const grads: Float32Array[] = [];
    for (const threads of [1, 2, 3]) {
      rt.threads = threads;
      const Y = rt.alloc(m * n);
      const G = rt.alloc(k * n);
      rt.split('gemm', [X.ptr, k, W.ptr, n, B.ptr, 0, 1, Y, n, 0, m, k, n, TANH], m * k * n);
      rt.split('gemm_tn', [X.ptr, k, Y, n, G, n, m, 0, k, n, 0], m * k * n);
      results.push(rt.f32(Y, m * n).slice());
      grads.push(rt.f32(G, k * n).slice());
      rt.release(Y);
      rt.release(G);
    }
    rt.threads = 1;
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(grads[1]).toEqual(grads[0]);
    expect(grads[2]).toEqual(grads[0]);
    for (const b of [X, W, B]) rt.release(b.ptr);
  });
});

describe('fused runtime memory', () => {
  it('allocates zeroed, aligned blocks, coalesces what is released and grows the memory on demand', () => {
    const local = new FusedRuntime(65536);
    const a = local.alloc(10);
    const b = local.alloc(100_000); // past the first page: the memory grows
    const c = local.alloc(3);
    expect([a % 64, b % 64, c % 64]).toEqual([0, 0, 0]);
    expect(a).toBeGreaterThan(0); // 0 means "none" to the kernels
    expect(local.f32(b, 100_000).every((x) => x === 0)).toBe(true);
    local.f32(c, 3).fill(1);
    local.release(c);
    expect(local.alloc(3)).toBe(c); // first fit reuses the freed block
    local.release(b);
    local.release(a);
    const big = local.alloc(100_010); // the released neighbours coalesced into one block
    expect(big).toBe(a);
    expect(() => local.release(big + 4)).toThrow(/not an allocated block/);
    local.release(big);
    local.release(c);
    expect(local.allocatedBytes).toBe(0);
  });
});

describe('kernels-wasm.ts', () => {
  it('is the assembly of kernels.wat.mjs (npm run build:wasm regenerates it)', async () => {
    const src = 'agents/policy/fused/kernels.wat.mjs';
    const text: string = render(src, 'FUSED_KERNELS_WASM_BASE64', await assemble(src));
    expect(readFileSync('agents/policy/fused/kernels-wasm.ts', 'utf8')).toBe(text);
  });
});
