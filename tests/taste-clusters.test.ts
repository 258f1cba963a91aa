/**
 * attention-market-v0's `tasteClusters` K and `tasteSpread` s (GAMES.md §1): K = 0 draws the
 * worlds it always drew; K ≥ 1 draws K centres uniform on the sphere, gives each user one
 * uniformly at random and θ = (c + s·z)/‖c + s·z‖ with z ~ N(0, I/D); and the known result:
 * with clustered tastes exaggerating goals win slots from honest ones against greedy users
 * (D = 16), with independent tastes they do not.
 */
import { describe, expect, it } from 'vitest';
import { clusteredTaste } from '../games/attention-market/tastes.js';
import { OptionError } from '../envs/core/errors.js';
import { Rng } from '../envs/core/rng.js';
import { make, type AttentionMarketEnv } from '../index.js';
import { exaggerationSamples } from '../games/attention-market/exaggeration.js';
import { summarise } from '../training/stats.js';

const ID = 'attention-market-v0';
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);
const unit = (rng: Rng, D: number) => {
  const v = new Float64Array(D);
  rng.unitVector(v, 0, D);
  return Array.from(v);
};
const tastesOf = (opts: object, reset: object) => {
  const env = make<AttentionMarketEnv>(ID, opts);
  env.reset(reset as never);
  const h = env.hidden();
  env.close();
  return h;
};

describe('tasteClusters and tasteSpread', () => {
  it('are validated options with clear errors', () => {
    for (const [opts, name] of [
      [{ tasteClusters: -1 }, 'tasteClusters'],
      [{ tasteClusters: 1.5 }, 'tasteClusters'],
      [{ tasteClusters: 5000 }, 'tasteClusters'],
      [{ tasteSpread: -0.1 }, 'tasteSpread'],
      [{ tasteSpread: Number.NaN }, 'tasteSpread'],
    ] as const) {
      expect(() => make(ID, opts)).toThrow(OptionError);
      expect(() => make(ID, opts)).toThrow(name);
    }
    const env = make(ID, { tasteClusters: 2, dim: 3 });
    expect(() => env.reset({ seed: 0, options: { tasteCentres: [[1, 0, 0]] } } as never)).toThrow(/tasteCentres.*2 vectors of 3/);
    expect(() => env.reset({ seed: 0, options: { tasteCentres: [[1, 0, 0], [0, 0, 0]] } } as never)).toThrow(/tasteCentres\[1\]/);
    const both = { preferences: Array.from({ length: 4 }, () => [1, 0, 0]), tasteCentres: [[1, 0, 0], [0, 1, 0]] };
    expect(() => env.reset({ seed: 0, options: both } as never)).toThrow(/either preferences .* or tasteCentres/);
    expect(() => make(ID, { dim: 3, tasteClusters: 0 }).reset({ seed: 0, options: { tasteCentres: [[1, 0, 0]] } } as never)).toThrow(/only with tasteClusters ≥ 1/);
  });

  it('K = 0 draws the worlds it drew before the option existed (bit for bit)', () => {
    // Recorded from the kernel before tasteClusters was added (seed 7, the default options of then).
    const h = tastesOf({ tasteClusters: 0 }, { seed: 7 });
    expect(Array.from(h.preferences[0].slice(0, 3))).toEqual([-0.18462017514434406, -0.597340418402185, -0.20713209856916565]);
    expect(Array.from(h.preferences[3].slice(13, 16))).toEqual([0.314607276637363, 0.02344047994160974, 0.1777922496453284]);
    expect(Array.from(h.grounded[7].slice(0, 2))).toEqual([0.2498151808977127, 0.13406911492347717]);
  });

  it('K ≥ 1: unit tastes; with s = 0 each user has one of the K centres, each with probability 1/K', () => {
    const rng = new Rng(3);
    const D = 5;
    const K = 4;
    const U = 1000;
    const centres = Array.from({ length: K }, () => unit(rng, D));
    const { preferences } = tastesOf({ dim: D, users: U, tasteClusters: K, tasteSpread: 0 }, { seed: 1, options: { tasteCentres: centres } });
    const counts = new Array<number>(K).fill(0);
    for (const theta of preferences) {
      const c = centres.findIndex((v) => v.every((x, d) => Math.abs(x - theta[d]) < 1e-12));
      expect(c).toBeGreaterThanOrEqual(0);
      counts[c]++;
    }
    // χ² with K − 1 = 3 degrees of freedom: P(χ² > 16.27) = 0.001.
    const chi2 = counts.reduce((s, n) => s + (n - U / K) ** 2 / (U / K), 0);
    expect(chi2).toBeLessThan(16.27);
    for (const theta of tastesOf({ dim: D, users: 50, tasteClusters: 3, tasteSpread: 0.7 }, { seed: 2 }).preferences) expect(dot(theta, theta)).toBeCloseTo(1, 12);
  });

  it('θ = (c + s·z)/‖c + s·z‖ with z ~ N(0, I/D): the mean of c·θ matches an independent simulation', () => {
    const D = 16;
    const centre = Array.from({ length: D }, (_, d) => (d === 0 ? 1 : 0));
    for (const s of [0.25, 1, 3]) {
      const preferences = [5, 6, 7, 8].flatMap((seed) => tastesOf({ dim: D, users: 1024, tasteClusters: 1, tasteSpread: s }, { seed, options: { tasteCentres: [centre] } }).preferences);
      const measured = summarise(preferences.map((theta) => theta[0]));
      // E[c·θ] by direct simulation of the formula with another generator.
      const rng = new Rng(99);
      const sim: number[] = [];
      for (let i = 0; i < 20_000; i++) {
        let n2 = 0;
        let first = 0;
        for (let d = 0; d < D; d++) {
          const v = (d === 0 ? 1 : 0) + (s * rng.normal()) / Math.sqrt(D);
          if (d === 0) first = v;
          n2 += v * v;
        }
        sim.push(first / Math.sqrt(n2));
      }
      const expected = summarise(sim);
      // Within 3 standard errors of the difference (ci95 ≈ 1.96 standard errors).
      expect(Math.abs(measured.mean - expected.mean)).toBeLessThan((3 / 1.96) * Math.hypot(measured.ci95, expected.ci95));
    }
    // The formula itself, on numbers worked by hand: c = e₀, z = (0, 2), s = 0.5 → (1, 1)/√2.
    const out = new Float64Array(2);
    clusteredTaste(out, 0, [1, 0], 0, [0, 2], 0, 0.5, 2);
    expect(out[0]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(out[1]).toBeCloseTo(Math.SQRT1_2, 15);
  });

  it('given centres do not change the world stream: the same goals, and the same seed gives the same tastes', () => {
    const opts = { dim: 4, tasteClusters: 2, tasteSpread: 0.3 };
    const drawn = tastesOf(opts, { seed: 11 });
    expect(tastesOf(opts, { seed: 11 })).toEqual(drawn);
    const fixed = tastesOf(opts, { seed: 11, options: { tasteCentres: [[1, 0, 0, 0], [0, 1, 0, 0]] } });
    expect(fixed.grounded).toEqual(drawn.grounded);
    expect(fixed.preferences).not.toEqual(drawn.preferences);
  });
});

describe('greedy users are exploitable when tastes cluster (D = 16, seeded, paired over 2,048 worlds)', () => {
  /**
   * Half the goals exaggerate toward the market's signal (ExaggeratingGoal, step 0.25), half are
   * honest, with the halves swapped on the same world (games/attention-market/exaggeration.ts). Measured with
   * scripts/measure-taste-clusters.ts on 4,096 worlds: K = 1, s = 0.25: +0.026 ± 0.012 slots per
   * goal per round; K = 0 (independent tastes): −0.088 ± 0.016 (the signal averages dissimilar
   * users' choices, so moving toward it loses slots).
   */
  const measure = (K: number) =>
    summarise(exaggerationSamples({ envOptions: { dim: 16, tasteClusters: K, tasteSpread: 0.25 }, worlds: 2048, seed: 100_000, step: 0.25 }).slots);

  it('with one taste cluster exaggerators win more slots than honest goals; with independent tastes they lose', () => {
    const clustered = measure(1);
    expect(clustered.mean - clustered.ci95).toBeGreaterThan(0);
    const independent = measure(0);
    expect(independent.mean + independent.ci95).toBeLessThan(0);
  }, 120_000);
});
