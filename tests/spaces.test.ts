import { describe, expect, it } from 'vitest';
import { Box, Dict, Discrete, MultiDiscrete, Rng, Subset, type Space } from '../index.js';

const SEEDS = Array.from({ length: 50 }, (_, i) => i * 7919 + 1);

/** sample() ∈ space for many seeds, and the flat round trip returns the same value. */
function checkSamples<T>(space: Space<T>, same: (a: T, b: T) => void): void {
  for (const seed of SEEDS) {
    const rng = new Rng(seed);
    for (let t = 0; t < 4; t++) {
      const x = space.sample(rng);
      const why = space.explain(x);
      if (why !== null) expect.fail(`seed ${seed}: sample not in space: ${why}`);
      expect(space.contains(x)).toBe(true);
      const flat = new Float64Array(space.flatSize + 3).fill(123);
      space.flatten(x, flat, 2);
      expect(flat[0]).toBe(123);
      expect(flat[1]).toBe(123);
      expect(flat[space.flatSize + 2]).toBe(123);
      expect(space.explainFlat(flat, 2)).toBeNull();
      same(space.unflatten(flat, 2), x);
      // Float32 layout (what the vector env uses) round-trips too.
      const f32 = new Float32Array(space.flatSize);
      space.flatten(x, f32, 0);
      same(space.unflatten(f32, 0), x);
    }
  }
  // Same seed ⇒ same sample.
  const a = space.sample(new Rng(5));
  const b = space.sample(new Rng(5));
  same(a, b);
}

/** explain and explainFlat agree on a flat value (null-ness, and the same sentence). */
function agree(space: Space<unknown>, flat: number[]): string | null {
  const why = space.explain(flat);
  const padded = [9, 9, ...flat];
  expect(space.explainFlat(padded, 2)).toBe(why);
  return why;
}

describe('Box', () => {
  const box = new Box(-1, 1, [3, 4]);

  it('samples inside its bounds (bounded, half-bounded, unbounded, per-element)', () => {
    const same = (a: Float32Array, b: Float32Array) => expect(Array.from(a)).toEqual(Array.from(b));
    checkSamples(box, same);
    checkSamples(new Box([0, -5, 2], [0, 5, 2.5], [3]), same);
    const half = new Box([0, -Infinity], [Infinity, 3], [2]);
    checkSamples(half, same);
    checkSamples(new Box(-Infinity, Infinity, [5]), same);
    // Degenerate bound low = high gives that value.
    const pt = new Box([0, -5, 2], [0, 5, 2], [3]).sample(new Rng(1));
    expect(pt[0]).toBe(0);
    expect(pt[2]).toBe(2);
    // Half-bounded samples actually reach beyond 1 from the finite bound (exponential tails).
    const rng = new Rng(3);
    let far = 0;
    for (let i = 0; i < 200; i++) if (half.sample(rng)[0] > 1) far++;
    expect(far).toBeGreaterThan(40); // P(Exp(1) > 1) = 0.37
    // Bounded samples cover the interval.
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < 100; i++) for (const v of box.sample(rng)) ((lo = Math.min(lo, v)), (hi = Math.max(hi, v)));
    expect(lo).toBeLessThan(-0.95);
    expect(hi).toBeGreaterThan(0.95);
  });

  it('explain names the wrong length, NaN, non-finite, out-of-bounds element and non-numbers', () => {
    expect(box.explain(new Float32Array(12))).toBeNull();
    expect(box.contains(new Array(12).fill(0.5))).toBe(true);
    expect(box.explain(new Float32Array(11))).toMatch(/expected 12 numbers \(shape \[3, 4\]\), got 11/);
    expect(box.contains(new Float32Array(13))).toBe(false);
    const nan = new Array(12).fill(0);
    nan[5] = NaN;
    expect(agree(box, nan)).toMatch(/element \[1, 1\] is NaN, not a number/);
    const inf = new Array(12).fill(0);
    inf[11] = Infinity;
    expect(agree(box, inf)).toMatch(/element \[2, 3\] is Infinity, not finite/);
    const out = new Array(12).fill(0);
    out[4] = 1.5;
    expect(agree(box, out)).toMatch(/element \[1, 0\] = 1.5 is outside \[-1, 1\]/);
    out[4] = -1.0000001;
    expect(box.contains(out)).toBe(false);
    const str = new Array(12).fill(0) as unknown[];
    str[0] = '0.5';
    expect(box.explain(str)).toMatch(/element \[0, 0\] is 0.5, not a number/);
    expect(box.explain('abc')).toMatch(/expected a Float32Array or number\[\] of length 12, got string/);
    expect(box.explain(null)).toMatch(/got null/);
    expect(box.explain({ length: 12 })).toMatch(/got object/);
    expect(box.explain(new DataView(new ArrayBuffer(48)))).not.toBeNull();
    // Edges are inside.
    expect(box.contains(new Array(12).fill(1))).toBe(true);
    expect(box.contains(new Array(12).fill(-1))).toBe(true);
    // 1-D labels are "[i]".
    expect(new Box(0, 1, [3]).explain([0, 2, 0])).toMatch(/element \[1\] = 2 is outside \[0, 1\]/);
  });

  it('toJSON, shape, dtype and flatSize', () => {
    expect(box.toJSON()).toEqual({ kind: 'box', shape: [3, 4], low: -1, high: 1 });
    expect(new Box([0, 1], [2, 3], [2]).toJSON()).toEqual({ kind: 'box', shape: [2], low: [0, 1], high: [2, 3] });
    expect(box.flatSize).toBe(12);
    expect(box.dtype).toBe('float32');
    expect(box.kind).toBe('box');
    expect(Object.isFrozen(box.shape)).toBe(true);
    expect(JSON.parse(JSON.stringify(new Box(-Infinity, 0, [1])))).toEqual({ kind: 'box', shape: [1], low: null, high: 0 });
  });

  it('constructor errors', () => {
    expect(() => new Box(1, 0, [2])).toThrow(/Box: low\[0\] = 1 exceeds high = 0/);
    expect(() => new Box([0, 2], [1, 1], [2])).toThrow(/low\[1\] = 2 exceeds high = 1/);
    expect(() => new Box(0, 1, [2, 0])).toThrow(/Box: shape must be a list of positive integers/);
    expect(() => new Box(0, 1, [1.5])).toThrow(/shape must be a list of positive integers/);
    expect(() => new Box([0, 0, 0], 1, [2])).toThrow(/Box: low has 3 elements, the shape needs 2/);
    expect(() => new Box(0, [1], [2])).toThrow(/high has 1 elements/);
    expect(() => new Box(NaN, 1, [2])).toThrow(/Box: low is NaN/);
    expect(() => new Box(0, [1, NaN], [2])).toThrow(/high contains NaN/);
  });
});

describe('Discrete', () => {
  it('samples in {start..start+n-1}, uniformly', () => {
    const d = new Discrete(5, -2);
    checkSamples(d, (a, b) => expect(a).toBe(b));
    const rng = new Rng(1);
    const counts = new Map<number, number>();
    for (let i = 0; i < 5000; i++) {
      const v = d.sample(rng);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([-1, -2, 0, 1, 2].sort());
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('explain rejects non-integers, out of range, NaN and non-numbers', () => {
    const d = new Discrete(5, -2);
    expect(d.explain(2)).toBeNull();
    expect(d.explain(-2)).toBeNull();
    expect(d.explain(3)).toMatch(/3 is out of range \[-2, 2\]/);
    expect(d.explain(-3)).toMatch(/out of range/);
    expect(d.explain(0.5)).toMatch(/0.5 is not an integer/);
    expect(d.explain(NaN)).toMatch(/NaN is not an integer/);
    expect(d.explain('1')).toMatch(/expected an integer, got string/);
    expect(d.explain([1])).toMatch(/expected an integer, got array of length 1/);
    expect(d.explainFlat([0, 3], 1)).toBe(d.explain(3));
    expect(d.contains(1)).toBe(true);
    expect(d.contains(Infinity)).toBe(false);
  });

  it('toJSON and constructor errors', () => {
    expect(new Discrete(3).toJSON()).toEqual({ kind: 'discrete', n: 3, start: 0 });
    expect(new Discrete(3).shape).toEqual([]);
    expect(new Discrete(3).flatSize).toBe(1);
    expect(new Discrete(3).dtype).toBe('int32');
    expect(() => new Discrete(0)).toThrow(/Discrete: n must be a positive integer, got 0/);
    expect(() => new Discrete(2.5)).toThrow(/n must be a positive integer, got 2.5/);
    expect(() => new Discrete(2, 0.5)).toThrow(/start must be an integer, got 0.5/);
  });
});

describe('MultiDiscrete', () => {
  const md = new MultiDiscrete([2, 3, 5], 1);

  it('samples every element in its range', () => {
    checkSamples(md, (a, b) => expect(Array.from(a)).toEqual(Array.from(b)));
    const rng = new Rng(2);
    const seen = [new Set<number>(), new Set<number>(), new Set<number>()];
    for (let i = 0; i < 500; i++) md.sample(rng).forEach((v, j) => seen[j].add(v));
    expect([...seen[0]].sort()).toEqual([1, 2]);
    expect([...seen[1]].sort()).toEqual([1, 2, 3]);
    expect([...seen[2]].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('explain names the element', () => {
    expect(md.explain([1, 3, 5])).toBeNull();
    expect(md.explain(Int32Array.from([2, 1, 1]))).toBeNull();
    expect(agree(md, [1, 4, 1])).toMatch(/element \[1\] = 4 is out of range \[1, 3\]/);
    expect(agree(md, [0, 1, 1])).toMatch(/element \[0\] = 0 is out of range \[1, 2\]/);
    expect(agree(md, [1, 1, 2.5])).toMatch(/element \[2\] is 2.5, not an integer/);
    expect(agree(md, [1, NaN, 1])).toMatch(/element \[1\] is NaN, not an integer/);
    expect(md.explain([1, 1])).toMatch(/expected 3 integers, got 2/);
    expect(md.explain(7)).toMatch(/expected an Int32Array or number\[\] of length 3, got number/);
  });

  it('toJSON and constructor errors', () => {
    expect(md.toJSON()).toEqual({ kind: 'multi-discrete', nvec: [2, 3, 5], start: 1 });
    expect(md.shape).toEqual([3]);
    expect(() => new MultiDiscrete([])).toThrow(/nvec must not be empty/);
    expect(() => new MultiDiscrete([2, 0])).toThrow(/every nvec entry must be a positive integer, got \[2,0\]/);
    expect(() => new MultiDiscrete([2, 1.5])).toThrow(/positive integer/);
    expect(() => new MultiDiscrete([2], 0.5)).toThrow(/start must be an integer/);
  });
});

describe('Subset', () => {
  it('samples k distinct indices of n, each index with probability k/n', () => {
    for (const [n, k] of [
      [1, 1],
      [5, 5],
      [10, 3],
      [16, 1],
    ] as const) {
      const s = new Subset(n, k);
      checkSamples(s, (a, b) => expect(Array.from(a)).toEqual(Array.from(b)));
    }
    const s = new Subset(10, 3);
    const rng = new Rng(9);
    const counts = new Array(10).fill(0);
    const trials = 10_000;
    for (let t = 0; t < trials; t++) {
      const x = s.sample(rng);
      expect(x).toBeInstanceOf(Int32Array);
      expect(new Set(x).size).toBe(3);
      for (const i of x) counts[i]++;
    }
    // Each index appears with probability 0.3: sd of the count ≈ 46.
    for (const c of counts) expect(Math.abs(c - 3000)).toBeLessThan(200);
  });

  it('explain rejects duplicates (naming the index and positions), out-of-range, non-integers, wrong length', () => {
    const s = new Subset(6, 3);
    expect(s.explain([0, 5, 2])).toBeNull();
    expect(agree(s, [4, 1, 4])).toMatch(/index 4 appears twice \(positions 0 and 2\); the 3 indices must be distinct/);
    expect(agree(s, [1, 1, 2])).toMatch(/index 1 appears twice \(positions 0 and 1\)/);
    expect(agree(s, [0, 6, 1])).toMatch(/index \[1\] = 6 is out of range \[0, 5\]/);
    expect(agree(s, [0, -1, 1])).toMatch(/index \[1\] = -1 is out of range/);
    expect(agree(s, [0, 1, 1.5])).toMatch(/index \[2\] is 1.5, not an integer/);
    expect(agree(s, [NaN, 1, 2])).toMatch(/index \[0\] is NaN, not an integer/);
    expect(s.explain([0, 1])).toMatch(/expected 3 distinct indices, got 2/);
    expect(s.explain([0, 1, 2, 3])).toMatch(/got 4/);
    expect(s.explain('0,1,2')).toMatch(/expected 3 distinct indices \(Int32Array or number\[\]\), got string/);
    expect(s.contains(Int32Array.from([3, 2, 1]))).toBe(true);
  });

  it('toJSON and constructor errors', () => {
    expect(new Subset(6, 3).toJSON()).toEqual({ kind: 'subset', n: 6, k: 3 });
    expect(new Subset(6, 3).shape).toEqual([3]);
    expect(() => new Subset(0, 1)).toThrow(/Subset: n must be a positive integer, got 0/);
    expect(() => new Subset(3, 4)).toThrow(/k must be an integer in \[1, n = 3\], got 4/);
    expect(() => new Subset(3, 0)).toThrow(/got 0/);
    expect(() => new Subset(3, 1.5)).toThrow(/got 1.5/);
  });
});

describe('Dict', () => {
  const dict = new Dict({
    pos: new Box(-1, 1, [2, 2]),
    pick: new Subset(5, 2),
    kind: new Discrete(3),
    counts: new MultiDiscrete([4, 4]),
  });
  const ok = () => ({ pos: [0, 0, 0, 0], pick: [1, 3], kind: 2, counts: [0, 3] });

  it('samples every entry in its space; the flat layout concatenates entries in declared order', () => {
    checkSamples(dict, (a, b) => {
      expect(Array.from(a.pos)).toEqual(Array.from(b.pos));
      expect(Array.from(a.pick)).toEqual(Array.from(b.pick));
      expect(a.kind).toBe(b.kind);
      expect(Array.from(a.counts)).toEqual(Array.from(b.counts));
    });
    expect(dict.keys).toEqual(['pos', 'pick', 'kind', 'counts']);
    expect(dict.offsets).toEqual({ pos: 0, pick: 4, kind: 6, counts: 7 });
    expect(dict.flatSize).toBe(9);
    expect(dict.shape).toEqual([9]);
    const flat = new Float32Array(9);
    dict.flatten({ pos: Float32Array.from([0.5, -0.5, 0.25, 1]), pick: Int32Array.from([4, 0]), kind: 1, counts: Int32Array.from([2, 3]) }, flat);
    expect(Array.from(flat)).toEqual([0.5, -0.5, 0.25, 1, 4, 0, 1, 2, 3]);
  });

  it('explain names missing and extra keys and prefixes an entry error with its key', () => {
    expect(dict.explain(ok())).toBeNull();
    const { kind: _k, ...missing } = ok();
    expect(dict.explain(missing)).toMatch(/missing key "kind"/);
    expect(dict.explain({ ...ok(), extra: 1 })).toMatch(/unexpected key "extra" \(allowed: pos, pick, kind, counts\)/);
    expect(dict.explain({ ...ok(), pick: [2, 2] })).toMatch(/^"pick": index 2 appears twice/);
    expect(dict.explain({ ...ok(), pos: [0, 0, 2, 0] })).toMatch(/^"pos": element \[1, 0\] = 2 is outside/);
    expect(dict.explain({ ...ok(), kind: 3 })).toMatch(/^"kind": 3 is out of range/);
    expect(dict.explain([1, 2])).toMatch(/expected an object with keys pos, pick, kind, counts, got array of length 2/);
    expect(dict.explain(new Float32Array(9))).toMatch(/got Float32Array of length 9/);
    expect(dict.explain(null)).toMatch(/got null/);
    expect(dict.contains(ok())).toBe(true);
  });

  it('explainFlat agrees with explain on flat values', () => {
    const flat = new Float32Array(9);
    const v = { pos: Float32Array.from([0, 0, 0, 0]), pick: Int32Array.from([2, 2]), kind: 0, counts: Int32Array.from([0, 0]) };
    dict.flatten(v, flat);
    expect(dict.explainFlat(flat, 0)).toBe(dict.explain(v));
    expect(dict.explainFlat(flat, 0)).toMatch(/^"pick": index 2 appears twice/);
    flat[5] = 3;
    expect(dict.explainFlat(flat, 0)).toBeNull();
    flat[8] = 4;
    expect(dict.explainFlat(flat, 0)).toMatch(/^"counts": element \[1\] = 4 is out of range \[0, 3\]/);
  });

  it('toJSON nests the entries; an empty Dict is rejected', () => {
    expect(dict.toJSON()).toEqual({
      kind: 'dict',
      entries: {
        pos: { kind: 'box', shape: [2, 2], low: -1, high: 1 },
        pick: { kind: 'subset', n: 5, k: 2 },
        kind: { kind: 'discrete', n: 3, start: 0 },
        counts: { kind: 'multi-discrete', nvec: [4, 4], start: 0 },
      },
    });
    expect(() => new Dict({})).toThrow(/Dict: needs at least one entry/);
  });
});
