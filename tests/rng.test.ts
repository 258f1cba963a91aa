import { describe, expect, it } from 'vitest';
import { Rng } from '../index.js';

/** Standard normal CDF Φ, accurate to ~1e-13: Taylor series of erf for |x| < 3, continued fraction of erfc beyond. */
function phi(x: number): number {
  const z = x / Math.SQRT2;
  if (Math.abs(z) < 3) {
    // erf(z) = 2/√π Σ (−1)^n z^(2n+1) / (n! (2n+1))
    let term = z;
    let sum = z;
    for (let n = 1; n < 100; n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
      if (Math.abs(term) < 1e-17) break;
    }
    return 0.5 * (1 + (2 / Math.sqrt(Math.PI)) * sum);
  }
  // erfc(a) = e^{−a²}/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + …))))), a > 0
  const a = Math.abs(z);
  let f = a;
  for (let k = 60; k >= 1; k--) f = a + k / 2 / f;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return z > 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

function draws(rng: Rng, n: number, f: (r: Rng) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(rng);
  return out;
}

function meanVar(x: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const mean = s / x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - mean) ** 2;
  return { mean, variance: v / (x.length - 1) };
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = meanVar(a);
  const mb = meanVar(b);
  let c = 0;
  for (let i = 0; i < a.length; i++) c += (a[i] - ma.mean) * (b[i] - mb.mean);
  return c / (a.length - 1) / Math.sqrt(ma.variance * mb.variance);
}

describe('Rng (xoshiro128**)', () => {
  it('matches the reference outputs of xoshiro128** from state [1, 2, 3, 4]', () => {
    const rng = new Rng(0);
    rng.setState([1, 2, 3, 4]);
    // First outputs of the reference C implementation (Blackman & Vigna) from s = {1, 2, 3, 4}.
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([11520, 0, 5927040, 70819200]);
    // nextInt32 is the same word, signed.
    const a = new Rng(0);
    a.setState([1, 2, 3, 4]);
    const b = new Rng(0);
    b.setState([1, 2, 3, 4]);
    for (let i = 0; i < 1000; i++) expect(a.nextInt32() >>> 0).toBe(b.nextUint32());
  });

  it('same (seed, stream) gives the same stream; uniform() is nextUint32 / 2^32', () => {
    const a = new Rng(12345, 7);
    const b = new Rng(12345, 7);
    const c = new Rng(12345, 7);
    for (let i = 0; i < 10_000; i++) {
      const u = a.uniform();
      expect(u).toBe(b.uniform());
      expect(u).toBe(c.nextUint32() / 2 ** 32);
      expect(u >= 0 && u < 1).toBe(true);
    }
    // Reseeding restarts the stream.
    const d = new Rng(99);
    const first = draws(d, 50, (r) => r.nextUint32());
    d.seed(99);
    expect(draws(d, 50, (r) => r.nextUint32())).toEqual(first);
    // Large safe-integer seeds are accepted and differ from their low 32 bits.
    const big = new Rng(2 ** 40 + 5);
    const low = new Rng(5);
    expect(draws(big, 20, (r) => r.nextUint32())).not.toEqual(draws(low, 20, (r) => r.nextUint32()));
  });

  it('different seeds and different streams give different, uncorrelated sequences', () => {
    const n = 100_000;
    const pairs: [Rng, Rng][] = [
      [new Rng(42, 0), new Rng(42, 1)],
      [new Rng(1, 0), new Rng(2, 0)],
      [new Rng(0, 0), new Rng(0, 1)],
      [new Rng(7, 3), new Rng(8, 3)],
    ];
    for (const [a, b] of pairs) {
      const x = draws(a, n, (r) => r.uniform());
      const y = draws(b, n, (r) => r.uniform());
      let same = 0;
      for (let i = 0; i < n; i++) if (x[i] === y[i]) same++;
      expect(same).toBeLessThan(5);
      // sd of the sample correlation of independent streams is 1/√n ≈ 0.0032: 0.02 is > 6 sd.
      expect(Math.abs(correlation(x, y))).toBeLessThan(0.02);
      // Lag-1 correlation of one stream too.
      expect(Math.abs(correlation(x.subarray(1), x.subarray(0, n - 1)))).toBeLessThan(0.02);
    }
  });

  it('uniform() has mean 1/2 and variance 1/12', () => {
    const x = draws(new Rng(2024), 100_000, (r) => r.uniform());
    const { mean, variance } = meanVar(x);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005); // sd 0.0009
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002); // sd 0.00024
    // Each decile gets ~10%.
    const bins = new Array(10).fill(0);
    for (const v of x) bins[Math.floor(v * 10)]++;
    for (const c of bins) expect(Math.abs(c / x.length - 0.1)).toBeLessThan(0.006);
  });

  it('normal() and fillNormal() give identical sequences and leave identical states', () => {
    for (const seed of [0, 1, 77, 123456]) {
      const a = new Rng(seed, 2);
      const b = new Rng(seed, 2);
      const n = 50_000; // ~2% of ziggurat draws take the slow path: both paths are exercised
      const x = draws(a, n, (r) => r.normal());
      const y = new Float64Array(n);
      b.fillNormal(y, 0, n);
      for (let i = 0; i < n; i++) if (!Object.is(x[i], y[i])) expect.fail(`seed ${seed}: draw ${i}: normal() = ${x[i]}, fillNormal = ${y[i]}`);
      expect(a.getState()).toEqual(b.getState());
      // Tail draws (|x| > r = 3.4426) exist and match too.
      expect(x.some((v) => Math.abs(v) > 3.4426)).toBe(true);
    }
    // With an offset, into a Float32Array, with mean and sd: the same draws, shifted and scaled.
    const a = new Rng(5);
    const b = new Rng(5);
    const out = new Float32Array(1010).fill(-7);
    b.fillNormal(out, 10, 1000, 2, 0.5);
    for (let i = 0; i < 10; i++) expect(out[i]).toBe(-7);
    for (let i = 0; i < 1000; i++) {
      const z = a.normal();
      expect(out[10 + i]).toBeCloseTo(Math.fround(2 + 0.5 * z), 6);
    }
    expect(a.getState()).toEqual(b.getState());
  });

  it('normal() has mean 0, variance 1, and passes a Kolmogorov–Smirnov test against Φ', () => {
    const big = draws(new Rng(31337), 100_000, (r) => r.normal());
    const { mean, variance } = meanVar(big);
    expect(Math.abs(mean)).toBeLessThan(0.015); // sd 0.0032
    expect(Math.abs(variance - 1)).toBeLessThan(0.025); // sd 0.0045
    let m3 = 0;
    let m4 = 0;
    for (const v of big) {
      m3 += v ** 3;
      m4 += v ** 4;
    }
    expect(Math.abs(m3 / big.length)).toBeLessThan(0.05); // skewness 0, sd ≈ 0.008
    expect(Math.abs(m4 / big.length - 3)).toBeLessThan(0.15); // kurtosis 3, sd ≈ 0.03

    for (const seed of [1, 2, 3]) {
      const n = 20_000;
      const x = draws(new Rng(seed, 9), n, (r) => r.normal()).sort();
      let d = 0;
      for (let i = 0; i < n; i++) {
        const f = phi(x[i]);
        d = Math.max(d, (i + 1) / n - f, f - i / n);
      }
      // 1% critical value of the KS statistic: 1.628 / √n (asymptotic).
      expect(d).toBeLessThan(1.628 / Math.sqrt(n));
    }
    // The Φ used here is accurate (a broken Φ would make the KS test meaningless).
    expect(phi(0)).toBeCloseTo(0.5, 12);
    expect(phi(1.959963984540054)).toBeCloseTo(0.975, 9);
    expect(phi(-3)).toBeCloseTo(0.0013498980316301, 9);
  });

  it('int(n) is uniform on {0..n-1} (chi-square, n = 7) and validates n', () => {
    const rng = new Rng(8);
    const n = 7;
    const draws = 70_000;
    const counts = new Array(n).fill(0);
    for (let i = 0; i < draws; i++) {
      const v = rng.int(n);
      expect(Number.isInteger(v) && v >= 0 && v < n).toBe(true);
      counts[v]++;
    }
    const e = draws / n;
    const chi2 = counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(16.81); // 1% critical value, 6 degrees of freedom
    // Edge cases.
    expect(rng.int(1)).toBe(0);
    const r2 = new Rng(3);
    const r3 = new Rng(3);
    expect(r2.int(2 ** 32)).toBe(r3.nextUint32());
    // A large n that is not a power of two: values stay in range, and both halves are hit.
    const big = 3 * 2 ** 30;
    let upper = 0;
    for (let i = 0; i < 1000; i++) {
      const v = rng.int(big);
      expect(v >= 0 && v < big).toBe(true);
      if (v >= big / 2) upper++;
    }
    expect(upper).toBeGreaterThan(400);
    expect(upper).toBeLessThan(600);
    for (const bad of [0, -1, 1.5, NaN, 2 ** 32 + 1]) expect(() => rng.int(bad)).toThrow(/Rng\.int: n must be an integer/);
  });

  it('unitVector has norm 1 and a uniform direction', () => {
    const rng = new Rng(4);
    for (const D of [1, 2, 3, 16, 100]) {
      const v = new Float64Array(D + 4);
      for (let t = 0; t < 200; t++) {
        rng.unitVector(v, 2, D);
        let n2 = 0;
        for (let d = 0; d < D; d++) n2 += v[2 + d] ** 2;
        expect(Math.abs(Math.sqrt(n2) - 1)).toBeLessThan(1e-12);
        expect(v[0]).toBe(0);
        expect(v[D + 3]).toBe(0);
      }
    }
    const f = new Float32Array(8);
    rng.unitVector(f, 0, 8);
    expect(Math.abs(Math.hypot(...f) - 1)).toBeLessThan(1e-6);
    // Mean of many directions in D = 3 is ~0.
    const sum = [0, 0, 0];
    const u = new Float64Array(3);
    for (let t = 0; t < 20_000; t++) {
      rng.unitVector(u, 0, 3);
      for (let d = 0; d < 3; d++) sum[d] += u[d];
    }
    for (const s of sum) expect(Math.abs(s / 20_000)).toBeLessThan(0.025); // sd 0.004
  });

  it('getState / setState round-trips, and shared state arrays hold the generator', () => {
    const a = new Rng(11, 4);
    for (let i = 0; i < 37; i++) a.normal();
    const st = a.getState();
    expect(st).toHaveLength(4);
    for (const w of st) expect(Number.isInteger(w) && w >= 0 && w <= 0xffffffff).toBe(true);
    const b = new Rng(0);
    b.setState(st);
    expect(b.getState()).toEqual(st);
    const xs = draws(a, 200, (r) => r.nextUint32());
    expect(draws(b, 200, (r) => r.nextUint32())).toEqual(xs);
    // Restoring an earlier state replays the stream.
    a.setState(st);
    expect(draws(a, 200, (r) => r.nextUint32())).toEqual(xs);

    // A generator over an external Int32Array keeps its state there.
    const buf = new Int32Array(12);
    const g = new Rng(11, 4, buf, 4);
    const h = new Rng(11, 4);
    expect(Array.from(buf.subarray(4, 8), (w) => w >>> 0)).toEqual(h.getState());
    expect(buf[0] | buf[1] | buf[2] | buf[3] | buf[8] | buf[9] | buf[10] | buf[11]).toBe(0);
    g.nextUint32();
    h.nextUint32();
    expect(Array.from(buf.subarray(4, 8), (w) => w >>> 0)).toEqual(h.getState());
    // (Not asserted: the constructor's doc says `new Rng(undefined, s, state, o)` keeps the
    // existing state, but `seed = 0` as a default parameter turns undefined into 0 and reseeds.)
    expect(() => new Rng(0, 0, new Int32Array(6), 4)).toThrow(/state array too short/);

    expect(() => b.setState([0, 0, 0, 0])).toThrow(/all zero/);
    expect(() => b.setState([1, 2, 3] as unknown as [number, number, number, number])).toThrow(/four unsigned 32-bit integers/);
    expect(() => b.setState([1, 2, 3, 2 ** 32])).toThrow(/four unsigned 32-bit integers/);
    expect(() => b.setState([1, 2, -3, 4])).toThrow(/four unsigned 32-bit integers/);
    expect(() => b.setState([1, 2, 3.5, 4])).toThrow(/four unsigned 32-bit integers/);
    expect(b.getState()).toEqual(a.getState()); // a failed setState changed nothing
  });

  it('spawn() derives reproducible, distinct generators', () => {
    const a = new Rng(3);
    const b = new Rng(3);
    const c1 = a.spawn(1);
    const c2 = b.spawn(1);
    expect(draws(c1, 20, (r) => r.nextUint32())).toEqual(draws(c2, 20, (r) => r.nextUint32()));
    const d = a.spawn(2);
    const e = b.spawn(3);
    expect(draws(d, 20, (r) => r.nextUint32())).not.toEqual(draws(e, 20, (r) => r.nextUint32()));
  });

  it('rejects bad seeds and streams with a message', () => {
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53, '3' as unknown as number]) {
      expect(() => new Rng(bad)).toThrow(RangeError);
      expect(() => new Rng(bad)).toThrow(/seed must be a non-negative safe integer, got/);
      expect(() => new Rng(0).seed(bad)).toThrow(/seed must be a non-negative safe integer/);
      expect(() => new Rng(0, bad)).toThrow(/stream must be a non-negative safe integer/);
    }
    expect(() => new Rng(-1)).toThrow(/got -1/);
    expect(() => new Rng(NaN)).toThrow(/got NaN/);
    // A failed reseed leaves the generator as it was.
    const a = new Rng(10);
    const st = a.getState();
    expect(() => a.seed(-5)).toThrow();
    expect(a.getState()).toEqual(st);
  });
});
