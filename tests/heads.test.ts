/**
 * Policy heads against float64 references in plain JS: densities, probabilities,
 * entropies and gradients (central finite differences of the JS reference), plus
 * brute-force enumeration of the Plackett–Luce sequences for (n, k) = (5, 2) and (4, 3),
 * and sampling frequencies with noise from the project's Rng.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { selectBackend } from '../agents/backend/index.js';
import {
  CategoricalHead,
  GaussianHead,
  PlackettLuceHead,
  drawNoise,
  headForSpace,
  headFromJSON,
  type ActionHead,
} from '../agents/policy/heads/index.js';
import { Rng } from '../envs/core/rng.js';
import { Box } from '../envs/core/spaces/box.js';
import { Discrete } from '../envs/core/spaces/discrete.js';
import { Subset } from '../envs/core/spaces/subset.js';

beforeAll(async () => {
  await selectBackend('cpu'); // the project's chooser: no tfjs greeting
  await tf.ready();
});

let tensorsBefore = 0;
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

// ---------------------------------------------------------------------------------------
// float64 references

const LOG_2PI = Math.log(2 * Math.PI);

function logSumExp(xs: readonly number[]): number {
  const m = Math.max(...xs);
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

function softmax(xs: readonly number[]): number[] {
  const l = logSumExp(xs);
  return xs.map((x) => Math.exp(x - l));
}

function entropyOf(ps: readonly number[]): number {
  let h = 0;
  for (const p of ps) if (p > 0) h -= p * Math.log(p);
  return h;
}

/** Plackett–Luce log-probability of an ordered sequence of distinct items. */
function plLogProb(s: readonly number[], seq: readonly number[]): number {
  const left = new Set(s.map((_, i) => i));
  let lp = 0;
  for (const a of seq) {
    lp += s[a] - logSumExp([...left].map((j) => s[j]));
    left.delete(a);
  }
  return lp;
}

/** All ordered sequences of k distinct items of n. */
function sequences(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  for (const prefix of sequences(n, k - 1)) for (let j = 0; j < n; j++) if (!prefix.includes(j)) out.push([...prefix, j]);
  return out;
}

/** All k-subsets of n, ascending. */
function combinations(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  for (const c of combinations(n, k - 1)) for (let j = (c.length ? c[c.length - 1] : -1) + 1; j < n; j++) out.push([...c, j]);
  return out;
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

function plSequenceEntropy(s: readonly number[], k: number): number {
  return entropyOf(sequences(s.length, k).map((q) => Math.exp(plLogProb(s, q))));
}

function plUnorderedLogProb(s: readonly number[], set: readonly number[]): number {
  return logSumExp(permutations(set).map((q) => plLogProb(s, q)));
}

/** Central finite-difference gradient of a float64 function. */
function numericGrad(f: (x: number[]) => number, x: readonly number[], h = 1e-5): number[] {
  return x.map((_, i) => {
    const up = [...x];
    const dn = [...x];
    up[i] += h;
    dn[i] -= h;
    return (f(up) - f(dn)) / (2 * h);
  });
}

function gaussianLogDensity(mean: readonly number[], logStd: readonly number[], u: readonly number[], lo = -5, hi = 2): number {
  let lp = 0;
  for (let d = 0; d < mean.length; d++) {
    const ls = Math.min(hi, Math.max(lo, logStd[d]));
    const z = (u[d] - mean[d]) / Math.exp(ls);
    lp += -0.5 * z * z - ls - 0.5 * LOG_2PI;
  }
  return lp;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-5, abs = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tol = abs + rel * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`);
    }
  }
}

/** tfjs gradient of Σ_rows f(params) with respect to params, as a JS array of rows. */
function tfGrad(f: (p: tf.Tensor2D) => tf.Tensor1D, params: number[][]): number[][] {
  return tf.tidy(() => tf.grad((p: tf.Tensor) => tf.sum(f(p as tf.Tensor2D)))(tf.tensor2d(params)).arraySync() as number[][]);
}

function run1d(f: () => tf.Tensor1D): Float32Array {
  return tf.tidy(() => f().dataSync() as Float32Array);
}

/** A batch of `rows` noise rows for `head` from a seeded Rng. */
function noiseFor(head: ActionHead, rows: number, seed: number): tf.Tensor2D {
  return tf.tensor2d(drawNoise(head, new Rng(seed), rows), [rows, head.noise.size]);
}

function tile(row: readonly number[], rows: number): tf.Tensor2D {
  return tf.tile(tf.tensor2d([row as number[]]), [rows, 1]) as tf.Tensor2D;
}

// ---------------------------------------------------------------------------------------

describe('GaussianHead', () => {
  const head = new GaussianHead(3, { low: [-1, 0, -Infinity], high: [1, 2, 0.5] });
  const params = [
    [0.3, -0.2, 1.1, -0.5, 0.1, 0.7],
    [-1.4, 0.9, 0.0, -7.0, 3.5, -4.5], // logStd below −5 and above 2: clamped
  ];
  const actions = [
    [0.1, 0.4, 2.0],
    [-1.5, 1.2, -0.3],
  ];

  it('logProb is the exact Gaussian log-density of the pre-clip action, logStd clamped to [−5, 2]', () => {
    const got = run1d(() => head.logProb(tf.tensor2d(params), tf.tensor2d(actions)));
    const want = params.map((p, b) => gaussianLogDensity(p.slice(0, 3), p.slice(3), actions[b]));
    expectClose(got, want);
  });

  it('entropy is Σ (logσ + ½ log 2πe), exactly', () => {
    const got = run1d(() => head.entropy(tf.tensor2d(params)));
    const want = params.map((p) => p.slice(3).reduce((h, ls) => h + Math.min(2, Math.max(-5, ls)) + 0.5 * Math.log(2 * Math.PI * Math.E), 0));
    expectClose(got, want);
  });

  it('sample is mean + exp(logStd)·z to the float32 bit, and its logProb is logProb(actions)', () => {
    const rows = 64;
    const rng = new Rng(7);
    const p = Array.from({ length: rows }, () => Array.from({ length: 6 }, () => rng.normal() * 2));
    const z = drawNoise(head, new Rng(8), rows);
    const { actions: a, lp, lp2 } = tf.tidy(() => {
      const pt = tf.tensor2d(p);
      const s = head.sample(pt, tf.tensor2d(z, [rows, 3]));
      expect(s.actions.dtype).toBe('float32');
      expect(s.actions.shape).toEqual([rows, 3]);
      expect(s.logProb.shape).toEqual([rows]);
      return { actions: s.actions.dataSync(), lp: s.logProb.dataSync(), lp2: head.logProb(pt, s.actions).dataSync() };
    });
    const f = Math.fround;
    for (let b = 0; b < rows; b++) {
      for (let d = 0; d < 3; d++) {
        const ls = Math.min(2, Math.max(-5, f(p[b][3 + d])));
        const want = f(f(p[b][d]) + f(f(Math.exp(ls)) * z[b * 3 + d]));
        expect(a[b * 3 + d]).toBe(want);
      }
      expect(lp[b]).toBe(lp2[b]);
    }
  });

  it('toEnvAction clips to the Box; the pre-clip action is kept for logProb', () => {
    const flat = new Float32Array([-3, 5, 9, 0.5, -0.5, -100]);
    expect(Array.from(head.toEnvAction(flat, 0))).toEqual([-1, 2, 0.5]);
    expect(Array.from(head.toEnvAction(flat, 1))).toEqual([0.5, 0, -100]);
    const out = new Float32Array(7);
    head.writeEnvAction(flat, 1, out, 4);
    expect(Array.from(out.subarray(4))).toEqual([0.5, 0, -100]);
    expect(() => head.toEnvAction(flat, 2)).toThrow(RangeError);
    const mode = tf.tidy(() => head.mode(tf.tensor2d(params)).arraySync());
    expectClose(mode.flat(), params.flatMap((p) => p.slice(0, 3)));
  });

  it('gradients of logProb and entropy match finite differences (zero beyond the logStd clamp)', () => {
    const got = tfGrad((p) => head.logProb(p, tf.tensor2d(actions)), params);
    params.forEach((p, b) => {
      const want = numericGrad((x) => gaussianLogDensity(x.slice(0, 3), x.slice(3), actions[b]), p);
      expectClose(got[b], want, 1e-4, 1e-4);
    });
    expect(got[1][3]).toBe(0); // logStd −7 < −5
    expect(got[1][4]).toBe(0); // 3.5 > 2
    const gotH = tfGrad((p) => head.entropy(p), params);
    expect(gotH).toEqual([
      [0, 0, 0, 1, 1, 1],
      [0, 0, 0, 0, 0, 1],
    ]);
    // exactly at the clamp bound the gradient still flows (tf.clipByValue keeps x = min)
    expect(tfGrad((p) => head.entropy(p), [[0, 0, 0, -5, 2, 0]])).toEqual([[0, 0, 0, 1, 1, 1]]);
  });
});

describe('CategoricalHead', () => {
  const logits = [
    [0.5, -1.0, 2.0, 0.0, -0.3],
    [3.0, 3.0, -2.0, 1.0, 0.2],
  ];
  const head = new CategoricalHead(5);

  it('exp(logProb) over all actions is the softmax and sums to 1', () => {
    for (const row of logits) {
      const lp = run1d(() => head.logProb(tile(row, 5), tf.tensor2d([0, 1, 2, 3, 4], [5, 1], 'int32')));
      const p = Array.from(lp, Math.exp);
      expectClose(p, softmax(row));
      expect(Math.abs(p.reduce((a, b) => a + b) - 1)).toBeLessThan(1e-6);
    }
  });

  it('entropy is exact', () => {
    expectClose(run1d(() => head.entropy(tf.tensor2d(logits))), logits.map((r) => entropyOf(softmax(r))));
  });

  it('Gumbel-max samples with Rng noise match the softmax (20k draws, 4σ per cell)', () => {
    const N = 20_000;
    const row = logits[0];
    const { a, lp } = tf.tidy(() => {
      const s = head.sample(tile(row, N), noiseFor(head, N, 11));
      expect(s.actions.dtype).toBe('int32');
      expect(s.actions.shape).toEqual([N, 1]);
      return { a: s.actions.dataSync(), lp: s.logProb.dataSync() };
    });
    const counts = new Array(5).fill(0);
    for (const x of a) counts[x]++;
    const p = softmax(row);
    for (let i = 0; i < 5; i++) {
      const sd = Math.sqrt((p[i] * (1 - p[i])) / N);
      expect(Math.abs(counts[i] / N - p[i])).toBeLessThan(4 * sd);
    }
    for (let b = 0; b < 50; b++) expect(lp[b]).toBeCloseTo(Math.log(p[a[b]]), 5);
  });

  it('gradients of logProb and entropy match finite differences', () => {
    const acts = [[2], [4]];
    const got = tfGrad((p) => head.logProb(p, tf.tensor2d(acts, [2, 1], 'int32')), logits);
    logits.forEach((row, b) => expectClose(got[b], numericGrad((x) => x[acts[b][0]] - logSumExp(x), row), 1e-4, 1e-5));
    const gotH = tfGrad((p) => head.entropy(p), logits);
    logits.forEach((row, b) => expectClose(gotH[b], numericGrad((x) => entropyOf(softmax(x)), row), 1e-4, 1e-5));
  });

  it('−∞ logits mask actions out with finite gradients; an index outside [0, n) has logProb −∞', () => {
    const masked = [[0.5, -Infinity, 1.0, -Infinity, 0.0]];
    const lp = run1d(() => head.logProb(tile(masked[0], 5), tf.tensor2d([0, 1, 2, 3, 4], [5, 1], 'int32')));
    const p = softmax(masked[0]);
    expectClose(Array.from(lp, Math.exp), p);
    expect(lp[1]).toBe(-Infinity);
    expectClose(run1d(() => head.entropy(tf.tensor2d(masked))), [entropyOf(p)]);
    for (const g of [
      tfGrad((q) => head.entropy(q), masked),
      tfGrad((q) => head.logProb(q, tf.tensor2d([[2]], [1, 1], 'int32')), masked),
    ]) {
      expect(g[0].every(Number.isFinite)).toBe(true);
      expect(g[0][1]).toBe(0);
    }
    const bad = run1d(() => head.logProb(tile(logits[0], 2), tf.tensor2d([[5], [-1]], [2, 1], 'int32')));
    expect(Array.from(bad)).toEqual([-Infinity, -Infinity]);
  });
});

describe('PlackettLuceHead: brute force over every sequence', () => {
  const cases: { n: number; k: number; logits: number[][] }[] = [
    { n: 5, k: 2, logits: [[0.4, -0.7, 1.3, 0.0, -1.5], [2.5, 2.5, -1.0, 0.3, 0.9]] },
    { n: 4, k: 3, logits: [[1.0, -0.5, 0.2, 2.0], [-3.0, 0.0, 0.5, 0.5]] },
  ];

  for (const { n, k, logits } of cases) {
    describe(`n = ${n}, k = ${k}`, () => {
      const head = new PlackettLuceHead(n, k);
      const seqs = sequences(n, k);
      const sets = combinations(n, k);

      it('exp(ordered logProb) is the PL probability of each sequence and sums to 1', () => {
        for (const row of logits) {
          const lp = run1d(() => head.logProb(tile(row, seqs.length), tf.tensor2d(seqs, undefined, 'int32')));
          const want = seqs.map((q) => Math.exp(plLogProb(row, q)));
          expectClose(Array.from(lp, Math.exp), want);
          expect(Math.abs(Array.from(lp, Math.exp).reduce((a, b) => a + b) - 1)).toBeLessThan(1e-5);
        }
      });

      it('logProbUnordered is log Σ over the k! orders; the set probabilities sum to 1', () => {
        for (const row of logits) {
          // every sequence (each set in all its orders) gives its set's probability
          const lpSeq = run1d(() => head.logProbUnordered(tile(row, seqs.length), tf.tensor2d(seqs, undefined, 'int32')));
          expectClose(lpSeq, seqs.map((q) => plUnorderedLogProb(row, q)));
          const lpSet = run1d(() => head.logProbUnordered(tile(row, sets.length), tf.tensor2d(sets, undefined, 'int32')));
          const want = sets.map((c) => Math.exp(plUnorderedLogProb(row, c)));
          expectClose(Array.from(lpSet, Math.exp), want);
          expect(Math.abs(Array.from(lpSet, Math.exp).reduce((a, b) => a + b) - 1)).toBeLessThan(1e-5);
        }
      });

      it('entropyExact is −Σ p log p over all sequences', () => {
        expectClose(run1d(() => head.entropyExact(tf.tensor2d(logits))), logits.map((r) => plSequenceEntropy(r, k)));
      });

      it('Gumbel-top-k frequencies match the PL probabilities (40k draws, 4σ per sequence)', () => {
        const N = 40_000;
        const row = logits[0];
        const a = tf.tidy(() => {
          const s = head.sample(tile(row, N), noiseFor(head, N, 21 + n));
          expect(s.actions.dtype).toBe('int32');
          expect(s.actions.shape).toEqual([N, k]);
          expect(s.logProb.shape).toEqual([N]);
          return s.actions.dataSync();
        });
        const counts = new Map<string, number>();
        for (let b = 0; b < N; b++) {
          const key = Array.from(a.subarray(b * k, b * k + k)).join(',');
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        for (const key of counts.keys()) expect(seqs.some((q) => q.join(',') === key)).toBe(true);
        let chi2 = 0;
        for (const q of seqs) {
          const p = Math.exp(plLogProb(row, q));
          const c = counts.get(q.join(',')) ?? 0;
          expect(Math.abs(c / N - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
          chi2 += (c - N * p) ** 2 / (N * p);
        }
        // df = |seqs| − 1 (19 or 23): the 0.9999 quantile is below 60
        expect(chi2).toBeLessThan(60);
      });

      it('the sampled-prefix entropy estimate averages to entropyExact (4 standard errors)', () => {
        const N = 20_000;
        const row = logits[1];
        const { h, exact } = tf.tidy(() => {
          const p = tile(row, N);
          const { actions } = head.sample(p, noiseFor(head, N, 31 + n));
          return { h: head.entropy(p, actions).dataSync(), exact: head.entropyExact(tf.tensor2d([row])).dataSync()[0] };
        });
        let mean = 0;
        for (const x of h) mean += x / N;
        let v = 0;
        for (const x of h) v += (x - mean) ** 2 / (N - 1);
        expect(exact).toBeCloseTo(plSequenceEntropy(row, k), 5);
        expect(Math.abs(mean - exact)).toBeLessThan(4 * Math.sqrt(v / N));
        // k > 1: the estimate varies with the sampled prefix (for k = 1 it would be exact)
        expect(v).toBeGreaterThan(0);
      });

      it('gradients of logProb, logProbUnordered, entropyExact and the estimate match finite differences', () => {
        const acts = [seqs[3], seqs[seqs.length - 2]];
        const at = () => tf.tensor2d(acts, undefined, 'int32');
        const checks: [(p: tf.Tensor2D) => tf.Tensor1D, (x: number[], b: number) => number][] = [
          [(p) => head.logProb(p, at()), (x, b) => plLogProb(x, acts[b])],
          [(p) => head.logProbUnordered(p, at()), (x, b) => plUnorderedLogProb(x, acts[b])],
          [(p) => head.entropyExact(p), (x) => plSequenceEntropy(x, k)],
          [
            (p) => head.entropy(p, at()),
            (x, b) => {
              // Σ_i H(next | the given prefix)
              let h = 0;
              for (let i = 0; i < k; i++) h += entropyOf(softmax(x.map((v, j) => (acts[b].slice(0, i).includes(j) ? -Infinity : v))));
              return h;
            },
          ],
        ];
        for (const [f, ref] of checks) {
          const got = tfGrad(f, logits);
          logits.forEach((row, b) => expectClose(got[b], numericGrad((x) => ref(x, b), row), 1e-4, 2e-5));
        }
      });
    });
  }
});

describe('PlackettLuceHead: edges', () => {
  const head = new PlackettLuceHead(5, 2);
  const row = [0.4, -0.7, 1.3, 0.0, -1.5];

  it('a repeated or out-of-range index has probability 0', () => {
    const lp = run1d(() => head.logProb(tile(row, 3), tf.tensor2d([[1, 1], [0, 5], [-1, 2]], undefined, 'int32')));
    expect(Array.from(lp)).toEqual([-Infinity, -Infinity, -Infinity]);
    const lu = run1d(() => head.logProbUnordered(tile(row, 2), tf.tensor2d([[3, 3], [7, 0]], undefined, 'int32')));
    expect(Array.from(lu)).toEqual([-Infinity, -Infinity]);
  });

  it('k = n (a full ranking) and k = 1 (categorical) agree with brute force', () => {
    const full = new PlackettLuceHead(3, 3);
    const r3 = [0.2, -1.0, 0.9];
    const seqs = sequences(3, 3);
    const lp = run1d(() => full.logProb(tile(r3, seqs.length), tf.tensor2d(seqs, undefined, 'int32')));
    expectClose(lp, seqs.map((q) => plLogProb(r3, q)));
    expectClose(run1d(() => full.logProbUnordered(tf.tensor2d([r3]), tf.tensor2d([[2, 0, 1]], undefined, 'int32'))), [0], 0, 1e-6);
    const one = new PlackettLuceHead(5, 1);
    expectClose(run1d(() => one.entropyExact(tf.tensor2d([row]))), [entropyOf(softmax(row))]);
    expectClose(
      run1d(() => one.entropy(tf.tensor2d([row]), tf.tensor2d([[3]], undefined, 'int32'))),
      [entropyOf(softmax(row))],
    );
  });

  it('mode is the top k logits in order; toEnvAction copies the indices', () => {
    expect(tf.tidy(() => head.mode(tf.tensor2d([row])).arraySync())).toEqual([[2, 0]]);
    expect(Array.from(head.toEnvAction(new Int32Array([4, 1, 2, 0]), 1))).toEqual([2, 0]);
    const out = new Int32Array(3);
    head.writeEnvAction([4, 1, 2, 0], 0, out, 1);
    expect(Array.from(out)).toEqual([0, 4, 1]);
  });

  it('entropy without actions and too-large exact computations are refused', () => {
    tf.tidy(() => {
      expect(() => head.entropy(tf.zeros([1, 5]) as tf.Tensor2D)).toThrow(/needs the sampled actions/);
      expect(() => new PlackettLuceHead(50, 4).entropyExact(tf.zeros([1, 50]) as tf.Tensor2D)).toThrow(/maxPrefixes/);
      const big = new PlackettLuceHead(20, 13);
      expect(() => big.logProbUnordered(tf.zeros([1, 20]) as tf.Tensor2D, tf.zeros([1, 13], 'int32') as tf.Tensor2D)).toThrow(/maxSubsetStates/);
    });
  });
});

describe('all heads', () => {
  const heads: ActionHead[] = [
    new GaussianHead(2, { low: -Infinity, high: [1, Infinity] }),
    new CategoricalHead(4, { start: 3 }),
    new PlackettLuceHead(6, 3),
  ];

  it('batch shapes, dtypes and sample/logProb agreement', () => {
    const B = 7;
    for (const head of heads) {
      tf.tidy(() => {
        const rng = new Rng(3);
        const params = tf.tensor2d(Array.from({ length: B * head.paramSize }, () => rng.normal()), [B, head.paramSize]);
        const { actions, logProb } = head.sample(params, noiseFor(head, B, 4));
        expect(actions.shape).toEqual([B, head.actionSize]);
        expect(actions.dtype).toBe(head.actionDtype);
        expect(logProb.shape).toEqual([B]);
        expect(logProb.dtype).toBe('float32');
        expect(Array.from(head.logProb(params, actions).dataSync())).toEqual(Array.from(logProb.dataSync()));
        const h = head.entropy(params, actions);
        expect(h.shape).toEqual([B]);
        expect(head.mode(params).shape).toEqual([B, head.actionSize]);
        const flat = actions.dataSync();
        const out = new Float64Array(B * head.actionSize);
        for (let b = 0; b < B; b++) head.writeEnvAction(flat, b, out, b * head.actionSize);
        if (head.kind === 'categorical') expect(head.toEnvAction(flat, 2)).toBe(flat[2] + 3);
        // a wrong number of columns is refused with a message naming the shape
        expect(() => head.logProb(tf.zeros([B, head.paramSize + 1]) as tf.Tensor2D, actions)).toThrow(/shape \[B, /);
        expect(() => head.sample(params, tf.zeros([B + 1, head.noise.size]) as tf.Tensor2D)).toThrow(/batch/);
      });
    }
  });

  it('headFromJSON(head.toJSON()) round-trips, also through JSON text with infinite bounds', () => {
    for (const head of heads) {
      const spec = head.toJSON();
      const back = headFromJSON(JSON.parse(JSON.stringify(spec)));
      expect(back.toJSON()).toEqual(spec);
      expect(back.kind).toBe(head.kind);
      expect(back.paramSize).toBe(head.paramSize);
    }
    const g = headFromJSON(JSON.parse(JSON.stringify(heads[0].toJSON()))) as GaussianHead;
    expect(Array.from(g.low)).toEqual([-Infinity, -Infinity]);
    expect(Array.from(g.high)).toEqual([1, Infinity]);
    expect(() => headFromJSON({ kind: 'beta', n: 2 })).toThrow(/unknown head kind/);
    expect(() => headFromJSON(null)).toThrow(TypeError);
    expect(() => headFromJSON({ kind: 'plackett-luce', n: 3, k: 4 })).toThrow(RangeError);
  });

  it('headForSpace maps Box, Discrete and Subset', () => {
    const g = headForSpace(new Box(-2, [1, 3], [2])) as GaussianHead;
    expect(g.kind).toBe('gaussian');
    expect(Array.from(g.low)).toEqual([-2, -2]);
    expect(Array.from(g.high)).toEqual([1, 3]);
    const c = headForSpace(new Discrete(3, 1)) as CategoricalHead;
    expect([c.kind, c.n, c.start]).toEqual(['categorical', 3, 1]);
    const pl = headForSpace({ kind: 'subset', n: 5, k: 2 }) as PlackettLuceHead;
    expect([pl.kind, pl.n, pl.k]).toEqual(['plackett-luce', 5, 2]);
    expect(new Subset(5, 2).contains(pl.toEnvAction([3, 1]))).toBe(true);
    expect(() => headForSpace({ kind: 'multi-discrete', nvec: [2, 2], start: 0 })).toThrow(/no policy head/);
  });

  it('bad constructor arguments are rejected', () => {
    expect(() => new GaussianHead(0)).toThrow(RangeError);
    expect(() => new GaussianHead(1.5)).toThrow(RangeError);
    expect(() => new GaussianHead(2, { low: [0, 0, 0] })).toThrow(/low has 3 elements/);
    expect(() => new GaussianHead(2, { low: 1, high: 0 })).toThrow(/exceeds/);
    expect(() => new GaussianHead(2, { low: NaN })).toThrow(/NaN/);
    expect(() => new GaussianHead(2, { logStdMin: 2, logStdMax: -5 })).toThrow(/logStdMin/);
    expect(() => new CategoricalHead(0)).toThrow(RangeError);
    expect(() => new CategoricalHead(3, { start: 0.5 })).toThrow(RangeError);
    expect(() => new PlackettLuceHead(5, 0)).toThrow(RangeError);
    expect(() => new PlackettLuceHead(5, 6)).toThrow(RangeError);
    expect(() => new PlackettLuceHead(2.5, 1)).toThrow(RangeError);
    expect(() => new PlackettLuceHead(NaN, 1)).toThrow(RangeError);
  });

  it('drawNoise is reproducible and of the right kind', () => {
    const g = drawNoise(heads[0], new Rng(5), 1000);
    const u = drawNoise(heads[2], new Rng(5), 1000);
    expect(g.length).toBe(2000);
    expect(u.length).toBe(6000);
    expect(g.some((x) => x < 0)).toBe(true);
    expect(u.every((x) => x >= 0 && x <= 1)).toBe(true);
    expect(Array.from(drawNoise(heads[0], new Rng(5), 1000))).toEqual(Array.from(g));
  });
});
