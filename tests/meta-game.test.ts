import { describe, expect, it } from 'vitest';
import { Rng } from '../envs/core/rng.js';
import { lpSolver } from '../training/lp/highs.js';
import { describePopulation, isZeroSum, metaSolve, nashConv, Population, regretMatching, solveZeroSum, type PopulationJSON } from '../training/population/index.js';

/** HiGHS, loaded once: every LP below is a synchronous solve with it. */
const lp = await lpSolver();

const neg = (A: number[][]): number[][] => A.map((r) => r.map((x) => -x));
const zsNashConv = (A: number[][], row: number[], col: number[]): number => nashConv(A, neg(A), row, col).nashConv;

/** Row payoffs (A y)_i and column-wise row payoffs (xᵀA)_j. */
function rowValues(A: number[][], y: number[]): number[] {
  return A.map((r) => r.reduce((s, a, j) => s + a * y[j], 0));
}
function colValues(A: number[][], x: number[]): number[] {
  return A[0].map((_, j) => A.reduce((s, r, i) => s + x[i] * r[j], 0));
}

function expectProbabilityVector(p: number[], length: number): void {
  expect(p).toHaveLength(length);
  for (const x of p) expect(x).toBeGreaterThanOrEqual(0);
  expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
}

function expectClose(actual: number[], expected: number[], tol: number): void {
  expect(actual).toHaveLength(expected.length);
  for (let k = 0; k < expected.length; k++) expect(Math.abs(actual[k] - expected[k])).toBeLessThanOrEqual(tol);
}

/** Solves the square system M z = b by Gaussian elimination (partial pivoting); null if singular. */
function gauss(M: number[][], b: number[]): number[] | null {
  const k = b.length;
  const a = M.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (Math.abs(a[p][c]) < 1e-12) return null;
    [a[p], a[c]] = [a[c], a[p]];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let q = c; q <= k; q++) a[r][q] -= f * a[c][q];
    }
  }
  return a.map((r, i) => r[k] / r[i]);
}

function subsets(n: number, k: number): number[][] {
  const out: number[][] = [];
  const rec = (start: number, acc: number[]): void => {
    if (acc.length === k) {
      out.push(acc.slice());
      return;
    }
    for (let i = start; i < n; i++) rec(i + 1, [...acc, i]);
  };
  rec(0, []);
  return out;
}

/**
 * Brute force, independent of the LP: support enumeration. For every pair of equal-size
 * supports, solve the indifference equations; keep the solutions that are probability
 * vectors and mutual best responses. Returns the equilibria found.
 */
function supportEnumeration(A: number[][]): { row: number[]; col: number[]; value: number }[] {
  const m = A.length;
  const n = A[0].length;
  const found: { row: number[]; col: number[]; value: number }[] = [];
  for (let k = 1; k <= Math.min(m, n); k++) {
    for (const I of subsets(m, k)) {
      for (const J of subsets(n, k)) {
        // x on I: Σ_i x_i A[i][j] = v for j ∈ J, Σ x_i = 1. Unknowns (x_I, v).
        const Mx = J.map((j) => [...I.map((i) => A[i][j]), -1]);
        Mx.push([...I.map(() => 1), 0]);
        const sx = gauss(Mx, [...J.map(() => 0), 1]);
        const My = I.map((i) => [...J.map((j) => A[i][j]), -1]);
        My.push([...J.map(() => 1), 0]);
        const sy = gauss(My, [...I.map(() => 0), 1]);
        if (!sx || !sy) continue;
        const x = new Array<number>(m).fill(0);
        const y = new Array<number>(n).fill(0);
        I.forEach((i, t) => (x[i] = sx[t]));
        J.forEach((j, t) => (y[j] = sy[t]));
        if (x.some((p) => p < -1e-12) || y.some((p) => p < -1e-12)) continue;
        const v = sx[k];
        if (Math.max(...rowValues(A, y)) > v + 1e-9 || Math.min(...colValues(A, x)) < v - 1e-9) continue;
        found.push({ row: x, col: y, value: v });
      }
    }
  }
  return found;
}

describe('solveZeroSum (LP)', () => {
  it('rock–paper–scissors: value 0, uniform strategies', () => {
    const rps = [
      [0, -1, 1],
      [1, 0, -1],
      [-1, 1, 0],
    ];
    const s = solveZeroSum(rps, lp);
    expect(Math.abs(s.value)).toBeLessThanOrEqual(1e-15);
    expectClose(s.row, [1 / 3, 1 / 3, 1 / 3], 1e-14);
    expectClose(s.col, [1 / 3, 1 / 3, 1 / 3], 1e-14);
    expect(zsNashConv(rps, s.row, s.col)).toBeLessThanOrEqual(1e-14);
  });

  it('weighted rock–paper–scissors: (1/4, 1/2, 1/4)', () => {
    const A = [
      [0, -1, 2],
      [1, 0, -1],
      [-2, 1, 0],
    ];
    const s = solveZeroSum(A, lp);
    expect(Math.abs(s.value)).toBeLessThanOrEqual(1e-15);
    expectClose(s.row, [0.25, 0.5, 0.25], 1e-14);
    expectClose(s.col, [0.25, 0.5, 0.25], 1e-14);
  });

  it('matching pennies: value 0, (1/2, 1/2)', () => {
    const s = solveZeroSum([
      [1, -1],
      [-1, 1],
    ], lp);
    expect(Math.abs(s.value)).toBeLessThanOrEqual(1e-15);
    expectClose(s.row, [0.5, 0.5], 1e-15);
    expectClose(s.col, [0.5, 0.5], 1e-15);
  });

  it('a biased 2×2 game: the hand-computed mixed equilibrium', () => {
    // Row indifference: 3p − 2(1−p) = −p + (1−p) ⇒ p = 3/7; column: 4q − 1 = 1 − 3q ⇒ q = 2/7; value 1/7.
    const A = [
      [3, -1],
      [-2, 1],
    ];
    const s = solveZeroSum(A, lp);
    expectClose(s.row, [3 / 7, 4 / 7], 1e-15);
    expectClose(s.col, [2 / 7, 5 / 7], 1e-15);
    expect(Math.abs(s.value - 1 / 7)).toBeLessThanOrEqual(1e-15);
  });

  it('a random 3×4 game agrees with brute-force support enumeration, and is a min-max', () => {
    const rng = new Rng(2024);
    for (let trial = 0; trial < 20; trial++) {
      const A = Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => rng.normal() * 5));
      const s = solveZeroSum(A, lp);
      expectProbabilityVector(s.row, 3);
      expectProbabilityVector(s.col, 4);
      // exploitability (= nashConv in a zero-sum game)
      expect(zsNashConv(A, s.row, s.col)).toBeLessThanOrEqual(1e-9);
      // the value is max-min = min-max: no row does better against col, no column worse against row
      expect(Math.max(...rowValues(A, s.col))).toBeLessThanOrEqual(s.value + 1e-9);
      expect(Math.min(...colValues(A, s.row))).toBeGreaterThanOrEqual(s.value - 1e-9);
      // independent brute force (generic game: a unique equilibrium)
      const brute = supportEnumeration(A);
      expect(brute.length).toBeGreaterThanOrEqual(1);
      for (const b of brute) {
        expect(Math.abs(b.value - s.value)).toBeLessThanOrEqual(1e-9);
        expectClose(s.row, b.row, 1e-9);
        expectClose(s.col, b.col, 1e-9);
      }
    }
  });

  it('larger random games (up to 12×12, including integer payoffs with many ties) are solved to ~1e-13', () => {
    const rng = new Rng(7);
    let worst = 0;
    for (let trial = 0; trial < 200; trial++) {
      const m = 1 + rng.int(12);
      const n = 1 + rng.int(12);
      const A = Array.from({ length: m }, () => Array.from({ length: n }, () => (trial % 2 ? rng.int(3) - 1 : rng.normal() * 10)));
      const s = solveZeroSum(A, lp);
      worst = Math.max(worst, zsNashConv(A, s.row, s.col));
    }
    expect(worst).toBeLessThanOrEqual(1e-12);
  });

  it('dominated strategies: a pure (saddle-point) equilibrium', () => {
    const s = solveZeroSum([
      [2, 3],
      [1, 0],
    ], lp);
    expect(s.row).toEqual([1, 0]);
    expect(s.col).toEqual([1, 0]);
    expect(s.value).toBe(2);
    // iterated dominance in 3×3: row 2 < row 0, then column 1 > column 0, then row 1 < row 0
    const A = [
      [4, 5, 6],
      [3, 8, 1],
      [2, 1, 0],
    ];
    const t = solveZeroSum(A, lp);
    expectClose(t.row, [1, 0, 0], 1e-15);
    expectClose(t.col, [1, 0, 0], 1e-15);
    expect(t.value).toBeCloseTo(4, 14);
  });

  it('degenerate games: all-equal payoffs, 1×1, 1×n, duplicate rows', () => {
    const eq = solveZeroSum([
      [2.5, 2.5, 2.5],
      [2.5, 2.5, 2.5],
    ], lp);
    expect(eq).toEqual({ row: [0.5, 0.5], col: [1 / 3, 1 / 3, 1 / 3], value: 2.5 });
    expect(solveZeroSum([[-7]], lp)).toEqual({ row: [1], col: [1], value: -7 });
    const line = solveZeroSum([[3, 1, 2]], lp);
    expect(line.row).toEqual([1]);
    expectClose(line.col, [0, 1, 0], 1e-15);
    expect(line.value).toBeCloseTo(1, 15);
    const dup = [
      [1, -1],
      [1, -1],
      [-1, 1],
    ];
    const d = solveZeroSum(dup, lp);
    expect(Math.abs(d.value)).toBeLessThanOrEqual(1e-15);
    expect(d.row[0] + d.row[1]).toBeCloseTo(0.5, 14);
    expect(d.row[2]).toBeCloseTo(0.5, 14);
    expectClose(d.col, [0.5, 0.5], 1e-14);
    expect(zsNashConv(dup, d.row, d.col)).toBeLessThanOrEqual(1e-14);
  });

  it('rejects malformed matrices', () => {
    expect(() => solveZeroSum([], lp)).toThrow(/non-empty/);
    expect(() => solveZeroSum([[1, 2], [3]], lp)).toThrow(/rectangular/);
    expect(() => solveZeroSum([[1, NaN]], lp)).toThrow(/finite/);
  });
});

describe('regretMatching', () => {
  const games: Record<string, number[][]> = {
    rps: [
      [0, -1, 1],
      [1, 0, -1],
      [-1, 1, 0],
    ],
    'weighted rps': [
      [0, -1, 2],
      [1, 0, -1],
      [-2, 1, 0],
    ],
    'matching pennies': [
      [1, -1],
      [-1, 1],
    ],
    'biased 2×2': [
      [3, -1],
      [-2, 1],
    ],
  };
  for (const [name, A] of Object.entries(games)) {
    it(`converges to Nash in zero-sum ${name} (nashConv < 1e-2 within 10k iterations, both RM+ and RM)`, () => {
      for (const plus of [true, false]) {
        const s = regretMatching(A, neg(A), { iterations: 10_000, plus });
        expectProbabilityVector(s.row, A.length);
        expectProbabilityVector(s.col, A[0].length);
        expect(zsNashConv(A, s.row, s.col)).toBeLessThan(1e-2);
      }
    });
  }

  it('RM+ is far more accurate than 1e-2 on a random 8×8 zero-sum game', () => {
    const rng = new Rng(3);
    const A = Array.from({ length: 8 }, () => Array.from({ length: 8 }, () => rng.normal()));
    const rm = regretMatching(A, neg(A), { iterations: 10_000 });
    expect(zsNashConv(A, rm.row, rm.col)).toBeLessThan(1e-3);
  });

  it("general-sum: finds the prisoner's dilemma's dominant-strategy equilibrium and a pure coordination equilibrium", () => {
    // actions: 0 = cooperate, 1 = defect
    const pdRow = [
      [3, 0],
      [5, 1],
    ];
    const pdCol = [
      [3, 5],
      [0, 1],
    ];
    const pd = regretMatching(pdRow, pdCol, { iterations: 1000 });
    expect(pd.row[1]).toBeGreaterThan(0.999);
    expect(pd.col[1]).toBeGreaterThan(0.999);
    expect(nashConv(pdRow, pdCol, pd.row, pd.col).nashConv).toBeLessThan(1e-2);
    const co = [
      [2, 0],
      [0, 1],
    ];
    const c = regretMatching(co, co, { iterations: 1000 });
    expect(nashConv(co, co, c.row, c.col).nashConv).toBeLessThan(1e-2);
    expect(c.row[0]).toBeGreaterThan(0.99);
    expect(c.col[0]).toBeGreaterThan(0.99);
  });

  it('rejects bad iterations', () => {
    expect(() => regretMatching([[1]], [[-1]], { iterations: 0 })).toThrow(/iterations/);
  });
});

describe('nashConv', () => {
  it('is the sum of both best-response gains', () => {
    const A = [
      [1, -1],
      [-1, 1],
    ];
    // row plays heads, column plays (1/2, 1/2): row gains 0, column gains 1 by playing tails
    const r = nashConv(A, neg(A), [1, 0], [0.5, 0.5]);
    expect(r.rowGain).toBe(0);
    expect(r.colGain).toBe(1);
    expect(r.nashConv).toBe(1);
    expect(() => nashConv(A, neg(A), [0.5, 0.6], [0.5, 0.5])).toThrow(/sum to 1/);
  });
});

describe('metaSolve', () => {
  const A = [
    [3, -1],
    [-2, 1],
  ];
  it("dispatches 'lp', 'regret-matching', 'uniform', 'latest', 'auto'", () => {
    const exact = metaSolve(A, neg(A), { method: 'lp' }, lp);
    expectClose(exact.row, [3 / 7, 4 / 7], 1e-15);
    const rm = metaSolve(A, neg(A), { method: 'regret-matching', iterations: 5000 });
    expect(zsNashConv(A, rm.row, rm.col)).toBeLessThan(1e-2);
    expect(metaSolve(A, neg(A), { method: 'uniform' })).toEqual({ row: [0.5, 0.5], col: [0.5, 0.5] });
    expect(metaSolve([[1, 2, 3]], [[0, 0, 0]], { method: 'latest' })).toEqual({ row: [1], col: [0, 0, 1] });
    expect(metaSolve(A, neg(A), { method: 'auto' }, lp)).toEqual(exact);
    const pd = metaSolve(
      [
        [3, 0],
        [5, 1],
      ],
      [
        [3, 5],
        [0, 1],
      ],
      { method: 'auto', iterations: 1000 },
      lp,
    );
    expect(pd.row[1]).toBeGreaterThan(0.999);
  });

  it("'lp' on a non-zero-sum game throws an error that points to regret matching", () => {
    expect(() =>
      metaSolve(
        [
          [3, 0],
          [5, 1],
        ],
        [
          [3, 5],
          [0, 1],
        ],
        { method: 'lp' },
        lp,
      ),
    ).toThrow(/zero-sum.*regret-matching/);
    // within the relative tolerance it is zero-sum
    const B = neg(A).map((r) => r.map((x) => x + 1e-12));
    expect(isZeroSum(A, B)).toBe(true);
    expect(isZeroSum(A, neg(A).map((r) => r.map((x) => x + 1e-6)))).toBe(false);
    expect(() => metaSolve(A, neg(A), { method: 'nope' as never })).toThrow(/unknown method/);
    expect(() => metaSolve(A, [[1, 2]], { method: 'uniform' })).toThrow(/2×2.*1×2/);
    // an LP method without HiGHS: a type error, and at run time a clear one
    expect(() => metaSolve(A, neg(A), { method: 'lp' } as never)).toThrow(/needs the loaded HiGHS instance/);
  });
});

describe('Population', () => {
  /** The attention market's sides: users are the rows, goals the columns. */
  const SIDES = ['user', 'goal'] as const;

  /** A population of 3 × 3 snapshots whose meta-game is weighted RPS: Nash (1/4, 1/2, 1/4) on both sides. */
  function wrpsPopulation(): Population<string> {
    const A = [
      [0, -1, 2],
      [1, 0, -1],
      [-2, 1, 0],
    ];
    const pop = new Population<string>({ sides: SIDES, solver: 'lp', lp });
    for (let k = 0; k < 3; k++) {
      pop.add('user', `u${k}`, { step: k * 100 });
      pop.add('goal', `g${k}`, { step: k * 100 });
    }
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) pop.setPayoff(i, j, A[i][j], -A[i][j], 50);
    return pop;
  }

  it('sampling frequencies match the meta-strategy (within 4σ)', () => {
    const pop = wrpsPopulation();
    expectClose(pop.metaStrategy('goal'), [0.25, 0.5, 0.25], 1e-14);
    expect(pop.nashConv().nashConv).toBeLessThanOrEqual(1e-12);
    const rng = new Rng(11);
    const N = 20_000;
    for (const side of ['user', 'goal'] as const) {
      const counts = new Map<string, number>();
      for (let t = 0; t < N; t++) {
        const m = pop.sampleOpponent(side, rng);
        counts.set(m.payload, (counts.get(m.payload) ?? 0) + 1);
      }
      const p = pop.metaStrategy(side);
      p.forEach((pk, k) => {
        const c = counts.get(`${side[0]}${k}`) ?? 0;
        expect(Math.abs(c - N * pk)).toBeLessThanOrEqual(4 * Math.sqrt(N * pk * (1 - pk)));
      });
    }
  });

  it('grows the table incrementally: missing entries, stale solutions, re-solving when complete', () => {
    const pop = wrpsPopulation();
    const before = pop.metaStrategy('user');
    expect(pop.missingPayoffs()).toEqual([]);
    pop.add('user', 'u3');
    expect(pop.missingPayoffs()).toEqual([
      { rowId: 3, colId: 0 },
      { rowId: 3, colId: 1 },
      { rowId: 3, colId: 2 },
    ]);
    expect(pop.isComplete()).toBe(false);
    // the new snapshot is not sampled until evaluated
    expect(pop.metaStrategy('user')).toEqual([...before, 0]);
    expect(() => pop.nashConv()).toThrow(/3 payoff entries are missing: \(user 3, goal 0\)/);
    expect(pop.payoffTable().rowPayoff[3]).toEqual([NaN, NaN, NaN]);
    // u3 beats every goal snapshot: a dominant strategy, so the meta-game becomes pure
    for (let j = 0; j < 3; j++) pop.accumulatePayoff(3, j, 5, -5, 10);
    pop.accumulatePayoff(3, 0, 3, -3, 10); // running mean: (5·10 + 3·10) / 20 = 4
    expect(pop.payoff(3, 0)).toEqual({ rowId: 3, colId: 0, row: 4, col: -4, n: 20 });
    expect(pop.metaStrategy('user')).toEqual([0, 0, 0, 1]);
    expect(pop.nashConv().nashConv).toBeLessThanOrEqual(1e-12);
    expect(() => pop.setPayoff(9, 0, 1, -1)).toThrow(/no user snapshot with id 9/);
    expect(() => pop.setPayoff(0, 0, 1, -1, 0)).toThrow(/n must be a positive/);
  });

  it("fictitious self-play ('uniform') and self-play ('latest') need no payoffs", () => {
    const fsp = new Population<number>({ sides: SIDES, solver: 'uniform' });
    fsp.add('user', 0);
    fsp.add('goal', 0);
    fsp.add('goal', 1);
    expect(fsp.metaStrategy('goal')).toEqual([0.5, 0.5]);
    const sp = new Population<number>({ sides: SIDES, solver: { method: 'latest' } });
    sp.add('user', 0);
    sp.add('goal', 0);
    sp.add('goal', 1);
    expect(sp.metaStrategy('goal')).toEqual([0, 1]);
    expect(sp.sampleOpponent('goal', new Rng(1)).id).toBe(1);
  });

  it('evicts the oldest snapshot except the first, with its payoffs', () => {
    const pop = new Population<string>({ sides: SIDES, maxSize: 3, solver: 'auto', lp });
    pop.add('goal', 'g0');
    const evictions: number[] = [];
    for (let k = 0; k < 5; k++) {
      const r = pop.add('user', `u${k}`);
      expect(r.id).toBe(k);
      pop.setPayoff(r.id, 0, k, -k);
      evictions.push(...r.evicted.map((m) => m.id));
    }
    expect(pop.list('user').map((m) => m.id)).toEqual([0, 3, 4]);
    expect(evictions).toEqual([1, 2]);
    expect(pop.payoff(1, 0)).toBeUndefined();
    expect(pop.payoffTable().rowPayoff).toEqual([[0], [3], [4]]);
    expect(pop.latest('user')).toBe(4);
    expect(() => pop.get('user', 2)).toThrow(/evicted/);
    expect(() => new Population({ sides: SIDES, maxSize: 1, lp })).toThrow(/≥ 2/);
  });

  it('round-trips through JSON (payloads excluded) and samples identically afterwards', () => {
    const pop = wrpsPopulation();
    pop.metaStrategy('goal'); // solved
    pop.add('goal', 'g3', { label: 'new' }); // stale meta-strategy, one column missing
    pop.metaStrategy('goal');
    const json = JSON.parse(JSON.stringify(pop.toJSON())) as PopulationJSON;
    expect(JSON.stringify(json)).not.toContain('"u0"'); // no payloads
    expect(json.meta?.fresh).toBe(false);
    const back = Population.fromJSON(json, ({ side, id }) => `${side[0]}${id}`, { lp });
    expect(back.toJSON()).toEqual(pop.toJSON());
    expect(back.list('goal').map((m) => [m.payload, m.info])).toEqual(pop.list('goal').map((m) => [m.payload, m.info]));
    for (const side of ['user', 'goal'] as const) expect(back.metaStrategy(side)).toEqual(pop.metaStrategy(side));
    const r1 = new Rng(5);
    const r2 = new Rng(5);
    for (let t = 0; t < 100; t++) expect(back.sampleOpponent('goal', r2).payload).toBe(pop.sampleOpponent('goal', r1).payload);
    // ids continue after a restore
    expect(back.add('user', 'u3').id).toBe(3);
    expect(() => Population.fromJSON({ format: 'other' }, () => '', { lp })).toThrow(/not a buddy-gym population/);
    expect(() => Population.fromJSON({ ...json, version: 99 }, () => '', { lp })).toThrow(/unsupported version 99/);
    expect(() => Population.fromJSON({ ...json, payoffs: [{ rowId: 7, colId: 0, row: 1, col: -1, n: 1 }] }, () => '', { lp })).toThrow(/payoff entry.*no user snapshot with id 7/);
    // the LP solver without HiGHS is refused, not discovered at the first solve
    expect(() => Population.fromJSON(json, () => '')).toThrow(/'lp' solves LPs: pass the loaded HiGHS/);
  });

  it("names its slots by the game's sides (the trade market's), and its JSON records them", () => {
    const pop = new Population<string>({ sides: ['price-setter', 'consumer'], solver: 'regret-matching' });
    expect(pop.sides).toEqual({ row: 'price-setter', col: 'consumer' });
    expect(pop.slotOf('consumer')).toBe('col');
    pop.add('price-setter', 'p0');
    pop.add('consumer', 'c0');
    pop.add('consumer', 'c1');
    pop.setPayoff(0, 1, 2, 1);
    expect(() => pop.add('user', 'u0')).toThrow(/side must be price-setter or consumer, got "user"/);
    expect(() => pop.nashConv()).toThrow(/missing: \(price-setter 0, consumer 0\)/);
    const json = pop.toJSON();
    expect(json.sides).toEqual({ row: 'price-setter', col: 'consumer' });
    expect(json.members).toEqual({ row: [{ id: 0, info: {} }], col: [{ id: 0, info: {} }, { id: 1, info: {} }] });
    const names: string[] = [];
    const back = Population.fromJSON(json, ({ side, id, name }) => (names.push(name), `${side}:${id}`), { sides: ['price-setter', 'consumer'] });
    expect(names).toEqual(['price-setter@0', 'consumer@0', 'consumer@1']);
    expect(back.list('consumer').map((m) => m.payload)).toEqual(['consumer:0', 'consumer:1']);
    // another game's sides, or the same sides swapped, are refused
    expect(() => Population.fromJSON(json, () => '', { sides: ['consumer', 'price-setter'] })).toThrow(/population of price-setter \(rows\) and consumer \(columns\), this game's are consumer and price-setter/);
    expect(() => new Population({ sides: ['user', 'user'], solver: 'uniform' })).toThrow(/two different side names/);
    expect(() => new Population({ sides: SIDES } as never)).toThrow(/'auto' solves LPs/);
    expect(describePopulation(json)).toEqual({ sides: [{ side: 'price-setter', members: 1 }, { side: 'consumer', members: 2 }], solver: { method: 'regret-matching' } });
  });

  it("reads a version 1 population (slots 'user' and 'goal' whatever the game) as rows and columns of the game's sides", () => {
    // What the trade market saved before its slots were named by its sides.
    const v1 = {
      format: 'buddy-gym/population',
      version: 1,
      maxSize: 3,
      solver: { method: 'regret-matching' },
      nextId: { user: 2, goal: 1 },
      members: { user: [{ id: 0, info: { iteration: 0 } }, { id: 1, info: { iteration: 2 } }], goal: [{ id: 0, info: { iteration: 0 } }] },
      payoffs: [
        { user: 0, goal: 0, row: -3, col: 1, n: 3 },
        { user: 1, goal: 0, row: -2, col: 0.5, n: 3 },
      ],
      meta: { user: [[0, 0.25], [1, 0.75]], goal: [[0, 1]], fresh: true },
    };
    expect(() => Population.fromJSON(v1, () => '')).toThrow(/version 1 population .* needs the sides/);
    const names: string[] = [];
    const pop = Population.fromJSON(v1, ({ side, id, name }) => (names.push(name), `${side}:${id}`), { sides: ['price-setter', 'consumer'] });
    expect(names).toEqual(['user@0', 'user@1', 'goal@0']); // the policy names the old checkpoint holds
    expect(pop.list('price-setter').map((m) => [m.payload, m.info])).toEqual([['price-setter:0', { iteration: 0 }], ['price-setter:1', { iteration: 2 }]]);
    expect(pop.payoff(1, 0)).toEqual({ rowId: 1, colId: 0, row: -2, col: 0.5, n: 3 });
    expect(pop.metaStrategy('price-setter')).toEqual([0.25, 0.75]); // the saved solution, still fresh
    expect(pop.add('price-setter', 'p2').id).toBe(2);
    const json = pop.toJSON();
    expect(json.version).toBe(2);
    expect(json.sides).toEqual({ row: 'price-setter', col: 'consumer' });
    expect(describePopulation(v1)).toEqual({ sides: [{ side: 'user', members: 2 }, { side: 'goal', members: 1 }], solver: { method: 'regret-matching' } });
    expect(describePopulation({ format: 'other' })).toBeNull();
  });
});
