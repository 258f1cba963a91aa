import { describe, expect, it } from 'vitest';
import { Rng } from '../envs/core/rng.js';
import { parseInstance, type PersuasionInstance } from '../games/persuasion/instance.js';
import { PERSUASION_PRESETS } from '../games/persuasion/presets.js';
import { parsePersuasionOptions, resolveInstance } from '../games/persuasion/options.js';
import type { SignalPolicy } from '../games/persuasion/signal.js';
import { instanceTables } from '../games/persuasion/tables.js';
import {
  alignedValue,
  babblingProfile,
  bestResponse,
  evaluateProfile,
  kamenicaGentzkow,
  marketAlignment,
  nashConv,
  truthfulProfile,
  type Profile,
} from '../games/persuasion/analysis/index.js';
import { stackedLikelihoods, valueUnder } from '../games/persuasion/analysis/evaluate.js';
import { policiesByType } from '../games/persuasion/analysis/profile.js';

const truth = (a: number, y: number) => (a === y ? 1 : 0);
const table2 = (f: (a: number, y: number) => number) => [0, 1].map((a) => [0, 1].map((y) => f(a, y)));

/** GAMES.md §2's binary example: Bob 1 (and Bob 2 when `both`) with bias b, the accuracy user, prior μ. */
function bobs(mu: number, b: number, both: boolean): PersuasionInstance {
  const bob1 = { name: 'bob-yes', utility: table2((a, y) => (1 - b) * truth(a, y) + b * (a === 1 ? 1 : 0)) };
  const bob2 = { name: 'bob-no', utility: table2((a, y) => (1 - b) * truth(a, y) + b * (a === 0 ? 1 : 0)) };
  return parseInstance({
    name: `bobs-${mu}-${b}`,
    states: ['y=0', 'y=1'],
    prior: [1 - mu, mu],
    actions: ['a=0', 'a=1'],
    messages: ['m0', 'm1'],
    providers: both ? [bob1, bob2] : [bob1],
    userTypes: [{ name: 'user', weight: 1, utility: table2((a, y) => (1 - b) * truth(a, y) + b / 2) }],
  });
}

const CASES: [mu: number, b: number][] = [
  [0.3, 0.75],
  [0.2, 0.6],
  [0.45, 0.9],
  [0.1, 0.55],
];

interface Sizes {
  Y: number;
  A: number;
  M: number;
  k: number;
  types: number;
}

function randomInstance(rng: Rng, s: Sizes, name = 'random'): PersuasionInstance {
  const simplex = (n: number) => {
    const v = Array.from({ length: n }, () => 0.1 + rng.uniform());
    const sum = v.reduce((a, b) => a + b, 0);
    const out = v.map((x) => x / sum);
    out[n - 1] = 1 - out.slice(0, -1).reduce((a, b) => a + b, 0);
    return out;
  };
  const utility = () => Array.from({ length: s.A }, () => Array.from({ length: s.Y }, () => rng.uniform()));
  const weights = simplex(s.types);
  return parseInstance({
    name,
    states: Array.from({ length: s.Y }, (_, y) => `y${y}`),
    prior: simplex(s.Y),
    actions: Array.from({ length: s.A }, (_, a) => `a${a}`),
    messages: Array.from({ length: s.M }, (_, m) => `m${m}`),
    providers: Array.from({ length: s.k }, (_, i) => ({ name: `p${i}`, utility: utility() })),
    userTypes: weights.map((weight, th) => ({ name: `t${th}`, weight, utility: utility() })),
  });
}

function randomPolicy(rng: Rng, Y: number, M: number): number[][] {
  return Array.from({ length: Y }, () => {
    const row = Array.from({ length: M }, () => rng.uniform() ** 2);
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((p) => p / sum);
  });
}

/** Every policy [s][m] of a binary-message provider with π(m0 | s) on a grid of step 1/n. */
function* gridPolicies(Y: number, n: number): Generator<number[][]> {
  const idx = new Array<number>(Y).fill(0);
  for (;;) {
    yield idx.map((j) => [j / n, 1 - j / n]);
    let s = 0;
    while (s < Y && ++idx[s] > n) idx[s++] = 0;
    if (s === Y) return;
  }
}

/** Provider i's value for a profile when the user breaks ties (within `tol`) in i's favour. */
function senderPreferredValue(instance: PersuasionInstance, profile: Profile, i: number, personalized: boolean, signalNoise: number, tol = 1e-7): number {
  const t = instanceTables(instance);
  const lik = stackedLikelihoods(t, policiesByType(instance, profile, personalized, 'test'), signalNoise);
  const ev = (table: Float64Array, row: number, post: Float64Array) => post.reduce((s, p, y) => s + p * table[row * t.Y + y], 0);
  return valueUnder(instance, lik, (th, post, out) => {
    const u = Array.from({ length: t.A }, (_, a) => ev(t.userUtility, th * t.A + a, post));
    const best = Math.max(...u);
    let chosen = -1;
    for (let a = 0; a < t.A; a++) if (u[a] >= best - tol && (chosen < 0 || ev(t.providerUtility, i * t.A + a, post) > ev(t.providerUtility, i * t.A + chosen, post))) chosen = a;
    out.fill(0);
    out[chosen] = 1;
  }).providers[i];
}

/** ε(w) with the best constant: half the range of the residual Σ_i w_i U_i − u_θ. */
function epsilonAt(instance: PersuasionInstance, providers: number[], w: number[], th: number): number {
  const r = instance.userTypes[th].utility.flatMap((row, a) => row.map((u, y) => providers.reduce((s, i, j) => s + w[j] * instance.providers[i].utility[a][y], 0) - u));
  return (Math.max(...r) - Math.min(...r)) / 2;
}

function* simplexGrid(k: number, n: number): Generator<number[]> {
  if (k === 1) {
    yield [1];
    return;
  }
  for (let j = 0; j <= n; j++) for (const rest of simplexGrid(k - 1, n - j)) yield [j / (n || 1), ...rest.map((x) => (x * (n - j)) / (n || 1))];
}

describe('alignedValue', () => {
  it('is E_y[max_a u_θ(a, y)] per type', () => {
    // kg-single: μ = 0.3, u = 0.25·1[a=y] + 0.375, so max_a u = 0.625 in both states.
    expect(alignedValue(PERSUASION_PRESETS['kg-single'])).toEqual([0.625]);
    const inst = randomInstance(new Rng(3), { Y: 3, A: 2, M: 2, k: 1, types: 2 });
    const manual = inst.userTypes.map((t) => inst.prior.reduce((s, mu, y) => s + mu * Math.max(t.utility[0][y], t.utility[1][y]), 0));
    expect(alignedValue(inst)).toEqual(manual);
  });
});

describe('Kamenica–Gentzkow (one biased Bob)', () => {
  for (const [mu, b] of CASES) {
    it(`μ = ${mu}, b = ${b}: recommends 1 always when y = 1 and w.p. μ/(1−μ) when y = 0; accuracy 1 − μ`, async () => {
      const inst = bobs(mu, b, false);
      const kg = kamenicaGentzkow(inst, 0);
      const rec = kg.users[0].recommendation;
      expect(rec[1][1]).toBeCloseTo(1, 12);
      expect(rec[0][1]).toBeCloseTo(mu / (1 - mu), 12);
      expect(rec[0][0]).toBeCloseTo(1 - mu / (1 - mu), 12);
      expect(kg.users[0].accuracy).toBeCloseTo(1 - mu, 12);
      // Accuracy 1 − μ is what the user gets with no information (always a = 0).
      expect(evaluateProfile(inst, babblingProfile(inst)).users[0].accuracy).toBeCloseTo(1 - mu, 12);
      // Bob's value: (1 − b)·accuracy + b·P(a = 1), P(a = 1) = μ + (1 − μ)·μ/(1 − μ) = 2μ.
      expect(kg.value).toBeCloseTo((1 - b) * (1 - mu) + 2 * b * mu, 12);

      // The signal, played as a policy, gives these numbers under the env's response rule.
      const policy = [0, 1].map((y) => kg.signals[0].messages.map((m) => m.likelihood[y]));
      while (policy[0].length < 2) policy.forEach((row) => row.push(0));
      const played = evaluateProfile(inst, [policy]);
      expect(played.providers[0]).toBeCloseTo(kg.value, 9);
      expect(played.users[0].accuracy).toBeCloseTo(1 - mu, 9);

      // The exact best response against nobody (a single provider) agrees.
      const br = await bestResponse(inst, babblingProfile(inst), 0);
      expect(br.value).toBeCloseTo(kg.value, 8);
      expect(senderPreferredValue(inst, [br.policy as SignalPolicy], 0, false, 0)).toBeCloseTo(kg.value, 8);
      const brPlayed = evaluateProfile(inst, [br.policy as SignalPolicy]);
      expect(brPlayed.users[0].accuracy).toBeCloseTo(1 - mu, 6);
    });
  }

  it('leaves the signal uninformative when information cannot help the sender', () => {
    // Bob 2 (bias toward a = 0) with μ < 1/2: the user already plays 0.
    const kg = kamenicaGentzkow(bobs(0.3, 0.75, true), 1);
    expect(kg.signals[0].messages).toHaveLength(1);
    expect(kg.users[0].recommendation).toEqual([
      [1, 0],
      [1, 0],
    ]);
  });

  it('with several user types (one signal for all, or one per type) agrees with bestResponse against nobody', async () => {
    const rng = new Rng(31);
    for (let n = 0; n < 6; n++) {
      const inst = randomInstance(rng, { Y: 2, A: 2 + (n % 3), M: 2, k: 1, types: 2 + (n % 2) });
      for (const personalized of [false, true]) {
        const kg = kamenicaGentzkow(inst, 0, { personalized });
        expect(kg.signals).toHaveLength(personalized ? inst.userTypes.length : 1);
        const br = await bestResponse(inst, babblingProfile(inst, personalized), 0, { personalized });
        expect(kg.value).toBeCloseTo(br.value, 8);
      }
    }
    // two-types: the truthful provider reveals y to the type that wants a = y, and nothing to the other.
    const two = kamenicaGentzkow(PERSUASION_PRESETS['two-types'], 0, { personalized: true });
    expect(two.value).toBeCloseTo(0.75, 12);
    expect(two.users.map((u) => u.gap)).toEqual([0, 0.5]);
    expect(kamenicaGentzkow(PERSUASION_PRESETS['two-types'], 0).value).toBeCloseTo(0.5, 12);
  });

  it('rejects non-binary states and bad provider indices', () => {
    expect(() => kamenicaGentzkow(randomInstance(new Rng(1), { Y: 3, A: 2, M: 2, k: 1, types: 1 }), 0)).toThrow(/binary states.*has 3 states/);
    expect(() => kamenicaGentzkow(PERSUASION_PRESETS['kg-single'], 1)).toThrow(/providerIndex 1 must be a provider index in \[0, 0\]/);
  });
});

describe('two opposed Bobs (GAMES.md §2)', () => {
  for (const [mu, b] of CASES) {
    it(`μ = ${mu}, b = ${b}: ε* = 0 with w = (½, ½); full revelation has NashConv 0 and accuracy 1`, async () => {
      const inst = bobs(mu, b, true);
      for (const personalized of [false, true]) {
        const ma = await marketAlignment(inst, { personalized });
        expect(ma.types[0].epsilon).toBeLessThan(1e-9);
        expect(ma.types[0].weights[0]).toBeCloseTo(0.5, 9);
        expect(ma.types[0].weights[1]).toBeCloseTo(0.5, 9);
      }
      const truthful = truthfulProfile(inst);
      const nc = await nashConv(inst, truthful);
      expect(nc.nashConv).toBeLessThan(1e-9);
      const v = evaluateProfile(inst, truthful);
      expect(v.users[0].accuracy).toBe(1);
      expect(v.users[0].gap).toBeCloseTo(0, 12);
      // Babbling is not an equilibrium: Bob 1 persuades as in Kamenica–Gentzkow.
      const bab = await nashConv(inst, babblingProfile(inst));
      expect(bab.providers[0].gain).toBeCloseTo(kamenicaGentzkow(inst, 0).value - evaluateProfile(inst, babblingProfile(inst)).providers[0], 8);
    });
  }

  it('one Bob alone is not aligned: ε* = b/2 > 0', async () => {
    // u_A − U₁ = b/2 − b·1[a=1] ranges over [b/2 − b, b/2]: the best constant leaves ε* = b/2.
    for (const [mu, b] of CASES) expect((await marketAlignment(bobs(mu, b, false), { personalized: false })).epsilon).toBeCloseTo(b / 2, 9);
  });
});

describe('three-sellers with the providers option: competition grows provider by provider', () => {
  const withSellers = (k: number) => resolveInstance(parsePersuasionOptions('emergent-alignment-v0', { preset: 'three-sellers', providers: k }));

  it('ε* = b/2, b/4, 0 with 1, 2, 3 sellers (b = 0.75); full revelation is an equilibrium from 2 on, never alone', async () => {
    const b = 0.75;
    const expected = [b / 2, b / 4, 0];
    for (const k of [1, 2, 3]) {
      const inst = withSellers(k);
      expect(inst.providers.map((p) => p.name)).toEqual(['seller-A', 'seller-B', 'seller-C'].slice(0, k));
      expect((await marketAlignment(inst, { personalized: false })).epsilon).toBeCloseTo(expected[k - 1], 9);
      const truthful = await nashConv(inst, truthfulProfile(inst));
      if (k === 1) expect(truthful.nashConv).toBeGreaterThan(0.1);
      else expect(truthful.nashConv).toBeCloseTo(0, 9);
      expect(evaluateProfile(inst, truthfulProfile(inst)).users[0].gap).toBeCloseTo(0, 12);
    }
    // Alone, seller A is best served by babbling: the buyer then buys A, the likeliest product.
    expect((await nashConv(withSellers(1), babblingProfile(withSellers(1)))).nashConv).toBeCloseTo(0, 9);
    expect(withSellers(0).providers).toHaveLength(3);
  });

  it('refuses more providers than the instance has', () => {
    expect(() => parsePersuasionOptions('emergent-alignment-v0', { preset: 'kg-single', providers: 2 })).toThrow(/option "providers" = 2 is not allowed: must be at most the 1 provider\(s\) of the instance/);
  });
});

describe('marketAlignment', () => {
  it('ε* is non-increasing as providers are added (nested hulls), on 20 random instances', async () => {
    const rng = new Rng(2024);
    let strictDrops = 0;
    for (let n = 0; n < 20; n++) {
      const inst = randomInstance(rng, { Y: 2 + (n % 3), A: 2 + (n % 2), M: 2, k: 4, types: 1 + (n % 2) });
      for (const personalized of [false, true]) {
        let previous = Infinity;
        for (let k = 1; k <= 4; k++) {
          const ma = await marketAlignment(inst, { personalized, providers: Array.from({ length: k }, (_, i) => i) });
          expect(ma.epsilon).toBeLessThanOrEqual(previous + 1e-9);
          if (ma.epsilon < previous - 1e-6) strictDrops++;
          previous = ma.epsilon;
        }
      }
    }
    // Not a constant: more random providers usually do help.
    expect(strictDrops).toBeGreaterThan(20);
  });

  it('matches a brute-force search over w on a grid (personalised and anonymous)', async () => {
    const rng = new Rng(77);
    for (let n = 0; n < 6; n++) {
      const k = 2 + (n % 2);
      const inst = randomInstance(rng, { Y: 2 + (n % 2), A: 3, M: 2, k, types: 2 });
      const providers = Array.from({ length: k }, (_, i) => i);
      const steps = k === 2 ? 400 : 100;
      const personal = await marketAlignment(inst, { personalized: true });
      const anonymous = await marketAlignment(inst, { personalized: false });
      let bestAnon = Infinity;
      const bestType = [Infinity, Infinity];
      for (const w of simplexGrid(k, steps)) {
        const eps = [0, 1].map((th) => epsilonAt(inst, providers, w, th));
        eps.forEach((e, th) => (bestType[th] = Math.min(bestType[th], e)));
        bestAnon = Math.min(bestAnon, Math.max(...eps));
      }
      // ε(w) is k-Lipschitz in w (|U| ≤ 1), and the grid is within 1/steps of every w.
      const slack = (2 * k) / steps;
      personal.types.forEach((t, th) => {
        expect(t.epsilon).toBeLessThanOrEqual(bestType[th] + 1e-9);
        expect(t.epsilon).toBeGreaterThanOrEqual(bestType[th] - slack);
        expect(epsilonAt(inst, providers, t.weights, th)).toBeCloseTo(t.epsilon, 9);
      });
      expect(anonymous.epsilon).toBeLessThanOrEqual(bestAnon + 1e-9);
      expect(anonymous.epsilon).toBeGreaterThanOrEqual(bestAnon - slack);
      // One w for everyone can only do worse than a w per type.
      expect(anonymous.epsilon).toBeGreaterThanOrEqual(personal.epsilon - 1e-9);
      expect(anonymous.types[0].weights).toEqual(anonymous.types[1].weights);
    }
  });

  it('rejects bad provider subsets', async () => {
    const inst = PERSUASION_PRESETS['two-opposed'];
    await expect(marketAlignment(inst, { personalized: false, providers: [0, 2] })).rejects.toThrow(/provider index 2 is not an integer in \[0, 1\]/);
    await expect(marketAlignment(inst, { personalized: false, providers: [] })).rejects.toThrow(/non-empty array/);
    await expect(marketAlignment(inst, { personalized: false, providers: [1, 1] })).rejects.toThrow(/repeats an index/);
    await expect(marketAlignment(inst, {} as never)).rejects.toThrow(/personalized must be true or false/);
  });
});

describe('quantal response', () => {
  it('loses at most ln|A|/β against the Bayes best response, and the loss shrinks with β', () => {
    const rng = new Rng(11);
    for (let n = 0; n < 8; n++) {
      const inst = randomInstance(rng, { Y: 3, A: 2 + (n % 3), M: 2, k: 2, types: 2 });
      const profile = inst.providers.map(() => randomPolicy(rng, 3, 2));
      const bayes = evaluateProfile(inst, profile, { response: 'bayes' });
      let previousLoss = Infinity;
      for (const beta of [0.5, 2, 10, 50, 500]) {
        const quantal = evaluateProfile(inst, profile, { response: 'quantal', beta });
        let worst = -Infinity;
        quantal.users.forEach((u, th) => {
          const loss = bayes.users[th].value - u.value;
          expect(loss).toBeLessThanOrEqual(Math.log(inst.actions.length) / beta + 1e-12);
          worst = Math.max(worst, loss);
        });
        expect(worst).toBeLessThanOrEqual(previousLoss + 1e-12);
        previousLoss = worst;
      }
      // At β = 0.5 the quantal user is visibly worse than the Bayes one.
      const loose = evaluateProfile(inst, profile, { response: 'quantal', beta: 0.5 });
      expect(Math.max(...loose.users.map((u, th) => bayes.users[th].value - u.value))).toBeGreaterThan(1e-4);
    }
  });
});

describe('two-types: anonymous babbling vs personalised policies', () => {
  const inst = PERSUASION_PRESETS['two-types'];

  it('anonymous babbling is an equilibrium (NashConv 0) that leaves both types below V*', async () => {
    const profile = babblingProfile(inst, false);
    expect((await nashConv(inst, profile, { personalized: false })).nashConv).toBeLessThan(1e-9);
    const v = evaluateProfile(inst, profile, { personalized: false });
    for (const u of v.users) {
      expect(u.value).toBeCloseTo(0.5, 12);
      expect(u.gap).toBeCloseTo(0.5, 12);
    }
    expect(alignedValue(inst)).toEqual([1, 1]);
  });

  it('personalised babbling is not an equilibrium; personalised truth-telling is, with gap 0 for each type', async () => {
    const babbling = await nashConv(inst, babblingProfile(inst, true), { personalized: true });
    // Each provider reveals y to the type that shares its interest: 1 instead of ½ on half the users.
    expect(babbling.nashConv).toBeCloseTo(0.5, 8);
    const truthful = truthfulProfile(inst, true);
    expect((await nashConv(inst, truthful, { personalized: true })).nashConv).toBeLessThan(1e-9);
    for (const u of evaluateProfile(inst, truthful, { personalized: true }).users) expect(u.gap).toBeCloseTo(0, 12);
  });
});

describe('bestResponse against brute force over a grid of policies', () => {
  const configs: { sizes: Sizes; personalized: boolean; signalNoise: number; grid: number }[] = [
    { sizes: { Y: 2, A: 2, M: 2, k: 2, types: 1 }, personalized: false, signalNoise: 0, grid: 60 },
    { sizes: { Y: 2, A: 3, M: 2, k: 2, types: 2 }, personalized: false, signalNoise: 0, grid: 60 },
    { sizes: { Y: 2, A: 3, M: 2, k: 2, types: 2 }, personalized: true, signalNoise: 0, grid: 60 },
    { sizes: { Y: 2, A: 2, M: 2, k: 3, types: 1 }, personalized: false, signalNoise: 0.2, grid: 60 },
    // Fewer messages than states: a message cannot always be a single posterior vertex.
    { sizes: { Y: 3, A: 3, M: 2, k: 2, types: 1 }, personalized: false, signalNoise: 0, grid: 20 },
  ];
  const SEEDS = [506, 501, 502, 503, 504];
  configs.forEach(({ sizes, personalized, signalNoise, grid }, n) => {
    it(`random instance ${n} (|Y|=${sizes.Y}, |A|=${sizes.A}, k=${sizes.k}, ${sizes.types} type(s), ${personalized ? 'personalised' : 'anonymous'}, ε=${signalNoise})`, async () => {
      const rng = new Rng(SEEDS[n]);
      let informative = 0;
      for (let rep = 0; rep < 2; rep++) {
        const inst = randomInstance(rng, sizes);
        const others = inst.providers.map(() => inst.userTypes.map(() => randomPolicy(rng, sizes.Y, sizes.M)));
        const profile: Profile = personalized ? others : others.map((p) => p[0]);
        const options = { personalized, signalNoise };
        const br = await bestResponse(inst, profile, 0, options);
        // Brute force: provider 0's policy on a grid (per type when personalised: the value separates).
        const types = personalized ? inst.userTypes.map((_, th) => [th]) : [inst.userTypes.map((_, th) => th)];
        let brute = 0;
        let worst = 0;
        for (const block of types) {
          let best = -Infinity;
          let low = Infinity;
          for (const policy of gridPolicies(sizes.Y, grid)) {
            const trial = personalized ? [others[0].map((p, th) => (block.includes(th) ? policy : p)), ...others.slice(1)] : [policy, ...others.slice(1).map((p) => p[0])];
            const v = evaluateProfile(inst, trial, options).users.filter((_, th) => block.includes(th));
            const value = v.reduce((s, u) => s + inst.userTypes.find((t) => t.name === u.type)!.weight * u.providers[0], 0);
            best = Math.max(best, value);
            low = Math.min(low, value);
          }
          brute += best;
          worst += low;
        }
        if (br.value - worst > 0.01) informative++;
        // The exact value is an upper bound on every policy, and the grid comes close to it.
        expect(brute).toBeLessThanOrEqual(br.value + 1e-9);
        expect(brute).toBeGreaterThanOrEqual(br.value - 3 / grid);
        // Both exact solvers agree, and each returned policy attains the value (ties in provider 0's favour).
        const mip = await bestResponse(inst, profile, 0, { ...options, method: 'mip' });
        expect(mip.value).toBeCloseTo(br.value, 7);
        for (const policy of [br.policy, mip.policy]) {
          const played = personalized ? [policy, ...others.slice(1)] : [policy, ...others.slice(1).map((p) => p[0])];
          expect(senderPreferredValue(inst, played as Profile, 0, personalized, signalNoise)).toBeCloseTo(br.value, 6);
        }
        expect(br.current).toBeCloseTo(evaluateProfile(inst, profile, options).providers[0], 12);
        expect(br.gain).toBeGreaterThanOrEqual(0);
      }
      // Provider 0's signal matters in these instances (else every policy would pass).
      expect(informative).toBeGreaterThan(0);
    });
  });
});

describe('bad input', () => {
  const inst = PERSUASION_PRESETS['two-opposed'];
  const profile = truthfulProfile(inst);

  it('names the option, the value and what is allowed', async () => {
    expect(() => evaluateProfile(inst, profile, { selection: 'best-after-evaluation' })).toThrow(/selection "best-after-evaluation" is not covered by the exact tools/);
    expect(() => evaluateProfile(inst, profile, { response: 'greedy' as never })).toThrow(/response must be one of bayes, quantal, got greedy/);
    expect(() => evaluateProfile(inst, profile, { signalNoise: 1 })).toThrow(/signalNoise must be a number in \[0, 1\), got 1/);
    expect(() => evaluateProfile(inst, profile, { beta: -1 })).toThrow(/beta must be a finite number ≥ 0/);
    await expect(bestResponse(inst, profile, 0, { response: 'quantal' })).rejects.toThrow(/Bayes users/);
    await expect(bestResponse(inst, profile, 2)).rejects.toThrow(/providerIndex 2 must be a provider index in \[0, 1\]/);
    await expect(bestResponse(inst, profile, 0, { method: 'simplex' as never })).rejects.toThrow(/method must be one of auto, concavification, mip, got simplex/);
  });

  it('names the malformed part of a profile', () => {
    expect(() => evaluateProfile(inst, [profile[0]] as Profile)).toThrow(/one policy per provider \(2\), got 1/);
    expect(() => evaluateProfile(inst, [[[0.5, 0.6], [1, 0]], profile[1]] as Profile)).toThrow(/profile\[0\]\[0\] sums to 1.1, not 1/);
    expect(() => evaluateProfile(inst, profile, { personalized: true })).toThrow(/profile\[0\] must have one policy per user type \(1\) when personalized/);
  });
});
