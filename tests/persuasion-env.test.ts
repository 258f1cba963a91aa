/**
 * The persuasion family (GAMES.md §2): emergent-alignment-v0 and pluralistic-market-v0. The
 * response rule against hand computations and brute force, the known results of §2 played in
 * the env, user selection, personalisation, signal noise, bad input, and the VecEnv.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Agent, BatchContext } from '../agents/agent.js';
import { BabblingProvider, KgOptimalProvider, TruthfulProvider, kgSignal, probabilitiesToLogits } from '../games/persuasion/baselines/index.js';
import { ActionError, OptionError } from '../envs/core/errors.js';
import { Rng } from '../envs/core/rng.js';
import { snapshotKernel } from '../envs/core/snapshot.js';
import type { VecEnv } from '../envs/core/vector-env.js';
import {
  EMERGENT_ALIGNMENT_ID,
  PERSUASION_PRESETS,
  PERSUASION_ROUND_METRICS,
  PLURALISTIC_MARKET_ID,
  PROVIDER_INFO,
  SINGLE_USER_PRESETS,
  bayesAction,
  expectedUtilities,
  explainInstance,
  messageLikelihood,
  parseInstance,
  policyFromLogits,
  posterior,
  quantalProbabilities,
  type PersuasionEnv,
  type PersuasionInstance,
  type SignalPolicy,
} from '../games/persuasion/index.js';
import { make, makeVec, presetNames } from '../envs/registry.js';

const M_ = (name: (typeof PERSUASION_ROUND_METRICS)[number]) => PERSUASION_ROUND_METRICS.indexOf(name);
const I_ = (name: (typeof PROVIDER_INFO)[number]) => PROVIDER_INFO.indexOf(name);
const KG = PERSUASION_PRESETS['kg-single'];
const MU = KG.prior[1];
const sum = (a: readonly number[]) => a.reduce((x, y) => x + y, 0);
const TRUTH: SignalPolicy = [
  [1, 0],
  [0, 1],
];
const BABBLE: SignalPolicy = [
  [0.5, 0.5],
  [0.5, 0.5],
];

// ---- helpers --------------------------------------------------------------------------------

/** A random valid instance: 2–3 states, actions and messages, 1–3 providers, `types` user types. */
function randomInstance(rng: Rng, types = 1 + rng.int(2)): PersuasionInstance {
  const Y = 2 + rng.int(2);
  const A = 2 + rng.int(2);
  const M = 2 + rng.int(2);
  const k = 1 + rng.int(3);
  const simplex = (n: number) => {
    const w = Array.from({ length: n }, () => 0.05 + rng.uniform());
    const s = sum(w);
    const out = w.map((x) => x / s);
    out[n - 1] = 1 - sum(out.slice(0, n - 1));
    return out;
  };
  const table = () => Array.from({ length: A }, () => Array.from({ length: Y }, () => rng.uniform()));
  const weights = simplex(types);
  return parseInstance({
    name: 'random',
    states: Array.from({ length: Y }, (_, i) => `y${i}`),
    prior: simplex(Y),
    actions: Array.from({ length: A }, (_, i) => `a${i}`),
    messages: Array.from({ length: M }, (_, i) => `m${i}`),
    providers: Array.from({ length: k }, (_, i) => ({ name: `p${i}`, utility: table() })),
    userTypes: Array.from({ length: types }, (_, i) => ({ name: `t${i}`, weight: weights[i], utility: table() })),
  });
}

function randomPolicy(rng: Rng, Y: number, M: number): number[][] {
  return Array.from({ length: Y }, () => {
    const w = Array.from({ length: M }, () => (rng.uniform() < 0.2 ? 0 : rng.uniform()));
    if (sum(w) === 0) w[0] = 1;
    const s = sum(w);
    return w.map((x) => x / s);
  });
}

/**
 * P(y | messages) by enumerating every joint outcome (y, s_1 .. s_k) of the state and what each
 * consulted provider observed, without factorising: an independent check of posterior().
 */
function brutePosterior(inst: PersuasionInstance, policies: SignalPolicy[], messages: number[], consulted: number[], eps: number): number[] {
  const Y = inst.states.length;
  const joint = new Array<number>(Y).fill(0);
  const observe = (s: number, y: number) => (1 - eps) * (s === y ? 1 : 0) + eps / Y;
  const walk = (y: number, j: number, p: number) => {
    if (j === consulted.length) {
      joint[y] += p;
      return;
    }
    const i = consulted[j];
    for (let s = 0; s < Y; s++) walk(y, j + 1, p * observe(s, y) * policies[i][s][messages[i]]);
  };
  for (let y = 0; y < Y; y++) walk(y, 0, inst.prior[y]);
  const z = sum(joint);
  return joint.map((p) => p / z);
}

/** Expected utility of every action for type θ, by direct loops. */
const bruteEU = (inst: PersuasionInstance, theta: number, post: number[]) => inst.actions.map((_, a) => sum(post.map((p, y) => p * inst.userTypes[theta].utility[a][y])));

/** Runs `agents[i]` for provider i over a VecEnv's flat buffers (each through its own actBatch). */
function actProviders(vec: VecEnv, agents: readonly Agent[], rng: Rng, scratch: Float32Array): void {
  const role = vec.roles[0];
  const ctx: BatchContext = { numEnvs: vec.numEnvs, count: role.count, obsSize: role.obsSize, actSize: role.actSize, rng, role: role.spec, kernel: vec.kernel };
  const actions = role.actions as Float32Array;
  agents.forEach((agent, i) => {
    agent.actBatch!(role.observations, scratch, ctx);
    for (let b = 0; b < vec.numEnvs; b++) {
      const off = (b * role.count + i) * role.actSize;
      actions.set(scratch.subarray(off, off + role.actSize), off);
    }
  });
}

interface Played {
  /** metrics[round][copy][metric] flattened: one row of metricNames per played round and copy. */
  rows: Float64Array[];
  infos: Float64Array[];
  rewards: Float64Array[];
}

/** Plays `steps` rounds of B copies with provider i driven by agents[i]; same-step autoreset, so every step is a round. */
function play(id: string, options: object, agents: readonly Agent[], B: number, steps: number, seed = 1): Played {
  const vec = makeVec(id, { numEnvs: B, options, autoreset: 'same-step' });
  vec.reset({ seed });
  const rng = new Rng(seed, 9);
  const scratch = new Float32Array(vec.roles[0].actions.length);
  const nm = vec.metricNames.length;
  const out: Played = { rows: [], infos: [], rewards: [] };
  for (let s = 0; s < steps; s++) {
    actProviders(vec, agents, rng, scratch);
    vec.step();
    for (let b = 0; b < B; b++) out.rows.push(vec.metrics.slice(b * nm, (b + 1) * nm));
    out.infos.push(vec.roles[0].infos.slice());
    out.rewards.push(vec.roles[0].rewards.slice());
  }
  return out;
}

const mean = (rows: Float64Array[], j: number) => rows.reduce((s, r) => s + r[j], 0) / rows.length;
/** Half-width of a 4.5-sigma interval for a mean of `n` draws in [0, 1] with variance at most v. */
const ci = (n: number, v = 0.25) => 4.5 * Math.sqrt(v / n);

// ---- the response rule --------------------------------------------------------------------

describe('posterior', () => {
  it('matches hand computations on kg-single', () => {
    // Truthful: the message reveals y.
    expect(posterior(KG, [TRUTH], [1], [0])).toEqual([0, 1]);
    expect(posterior(KG, [TRUTH], [0], [0])).toEqual([1, 0]);
    // Babbling: the prior.
    expect(posterior(KG, [BABBLE], [1], [0])[1]).toBeCloseTo(MU, 15);
    // The KG signal: m1 leaves the user exactly indifferent, P(y=1 | m1) = ½.
    const p = MU / (1 - MU);
    const kg: SignalPolicy = [
      [1 - p, p],
      [0, 1],
    ];
    expect(posterior(KG, [kg], [1], [0])[1]).toBeCloseTo(0.5, 14);
    const after0 = posterior(KG, [kg], [0], [0]);
    expect(after0[0]).toBeCloseTo(1, 15);
    expect(after0[1]).toBe(0);
  });

  it('multiplies the likelihoods of the consulted providers only', () => {
    const two = PERSUASION_PRESETS['two-opposed'];
    const a: SignalPolicy = [
      [0.8, 0.2],
      [0.3, 0.7],
    ];
    const b: SignalPolicy = [
      [0.6, 0.4],
      [0.1, 0.9],
    ];
    // Hand: P(y=1 | m_a = 1, m_b = 0) ∝ μ·0.7·0.1 against (1 − μ)·0.2·0.6.
    const num = MU * 0.7 * 0.1;
    const den = num + (1 - MU) * 0.2 * 0.6;
    expect(posterior(two, [a, b], [1, 0], [0, 1])[1]).toBeCloseTo(num / den, 14);
    // Consulting only a ignores b's message.
    expect(posterior(two, [a, b], [1, 0], [0])[1]).toBeCloseTo((MU * 0.7) / (MU * 0.7 + (1 - MU) * 0.2), 14);
    expect(posterior(two, [a, b], [1, 1], [0])).toEqual(posterior(two, [a, b], [1, 0], [0]));
  });

  it('equals the brute-force enumeration of states and noisy observations on random instances', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 60; trial++) {
      const inst = randomInstance(rng);
      const Y = inst.states.length;
      const M = inst.messages.length;
      const k = inst.providers.length;
      const policies = inst.providers.map(() => randomPolicy(rng, Y, M));
      const eps = trial % 3 === 0 ? 0 : rng.uniform() * 0.9;
      const consulted = Array.from({ length: k }, (_, i) => i).filter(() => rng.uniform() < 0.7);
      // Messages that are possible: drawn from the policies at a random state.
      const y = rng.int(Y);
      const messages = policies.map((p) => {
        const row = p[y];
        let u = rng.uniform();
        for (let m = 0; m < M; m++) if ((u -= row[m]) < 0 || m === M - 1) return row[m] > 0 ? m : row.findIndex((x) => x > 0);
        return 0;
      });
      const got = posterior(inst, policies, messages, consulted, eps);
      const want = brutePosterior(inst, policies, messages, consulted, eps);
      got.forEach((g, j) => expect(g).toBeCloseTo(want[j], 12));
      if (consulted.length === 0) expect(got.map((g, j) => g - inst.prior[j]).every((d) => Math.abs(d) < 1e-12)).toBe(true);
    }
  });

  it('signal noise blurs the posterior exactly as P(m | y) = (1 − ε)π(m | y) + ε/|Y|·Σ_s π(m | s)', () => {
    let previous = 1;
    for (const eps of [0, 0.1, 0.3, 0.6, 0.9]) {
      const lik = messageLikelihood(TRUTH, eps);
      [
        [1 - eps / 2, eps / 2],
        [eps / 2, 1 - eps / 2],
      ].forEach((row, y) => row.forEach((p, m) => expect(lik[y][m]).toBeCloseTo(p, 15)));
      const want = (MU * (1 - eps / 2)) / (MU * (1 - eps / 2) + (1 - MU) * (eps / 2));
      const got = posterior(KG, [TRUTH], [1], [0], eps)[1];
      expect(got).toBeCloseTo(want, 14);
      expect(got).toBeLessThanOrEqual(previous); // less sharp as ε grows
      if (eps > 0) expect(got).toBeLessThan(previous);
      previous = got;
    }
  });

  it('rejects malformed policies, messages and consulted lists with a clear error', () => {
    expect(() => posterior(KG, [[[0.5, 0.6], [0, 1]]], [1], [0])).toThrow(/policies\[0\]\[0\] sums to 1.1/);
    expect(() => posterior(KG, [TRUTH, TRUTH], [1], [0])).toThrow(/one policy per provider \(1\)/);
    expect(() => posterior(KG, [TRUTH], [2], [0])).toThrow(/messages\[0\] = 2 must be a message index in \[0, 1\]/);
    expect(() => posterior(KG, [TRUTH], [1], [0, 0])).toThrow(/listed twice/);
    expect(() => posterior(KG, [TRUTH], [1], [3])).toThrow(/consulted provider 3/);
    expect(() => posterior(KG, [TRUTH], [1], [0], 1.5)).toThrow(/signalNoise must be in \[0, 1\]/);
    expect(() => posterior(KG, [[[1, 0], [1, 0]]], [1], [0])).toThrow(/probability 0 under every state/);
  });
});

describe('Bayes and quantal responses', () => {
  it('breaks ties toward the consulted providers (sender-preferred) or the first action', () => {
    // At P(y=1) = ½ the kg-single user is indifferent; bob-yes prefers a = 1.
    expect(bayesAction(KG, 0, [0.5, 0.5], [0], 'providers')).toBe(1);
    expect(bayesAction(KG, 0, [0.5, 0.5], [0], 'first')).toBe(0);
    // With no provider consulted the provider sum is 0 for every action: the lowest index.
    expect(bayesAction(KG, 0, [0.5, 0.5], [], 'providers')).toBe(0);
    // two-opposed: consulting bob-no alone moves the tie to a = 0, both together cancel out.
    const two = PERSUASION_PRESETS['two-opposed'];
    expect(bayesAction(two, 0, [0.5, 0.5], [0])).toBe(1);
    expect(bayesAction(two, 0, [0.5, 0.5], [1])).toBe(0);
    expect(bayesAction(two, 0, [0.5, 0.5], [0, 1])).toBe(0);
    // Off the tie the user's own utility decides.
    expect(bayesAction(KG, 0, [0.49, 0.51], [], 'first')).toBe(1);
    expect(bayesAction(KG, 0, [0.51, 0.49], [0], 'providers')).toBe(0);
  });

  it('is the argmax of the brute-force expected utility on random instances', () => {
    const rng = new Rng(12);
    for (let trial = 0; trial < 200; trial++) {
      const inst = randomInstance(rng);
      const theta = rng.int(inst.userTypes.length);
      const post = randomPolicy(rng, 1, inst.states.length)[0];
      const eu = bruteEU(inst, theta, post);
      expect(expectedUtilities(inst, theta, post).map((x, a) => x - eu[a]).every((d) => Math.abs(d) < 1e-12)).toBe(true);
      const max = Math.max(...eu);
      expect(bayesAction(inst, theta, post, [], 'first')).toBe(eu.findIndex((u) => u >= max - 1e-12));
      const a = bayesAction(inst, theta, post, [0], 'providers');
      expect(eu[a]).toBeGreaterThanOrEqual(max - 1e-12);
    }
  });

  it('quantal probabilities are the softmax of β·E[u], hand-checked and on random instances', () => {
    // Two actions: P(a=1) = σ(β·(EU₁ − EU₀)); kg-single at prior: EU₀ − EU₁ = 0.25·(1 − 2μ).
    const beta = 7;
    const p1 = quantalProbabilities(KG, 0, [1 - MU, MU], beta)[1];
    expect(p1).toBeCloseTo(1 / (1 + Math.exp(beta * 0.25 * (1 - 2 * MU))), 14);
    expect(quantalProbabilities(KG, 0, [1 - MU, MU], 0)).toEqual([0.5, 0.5]);
    const rng = new Rng(13);
    for (let trial = 0; trial < 100; trial++) {
      const inst = randomInstance(rng);
      const post = randomPolicy(rng, 1, inst.states.length)[0];
      const b = 0.1 + 50 * rng.uniform();
      const q = quantalProbabilities(inst, 0, post, b);
      const eu = bruteEU(inst, 0, post);
      expect(sum(q)).toBeCloseTo(1, 12);
      expect(Math.log(q[1] / q[0])).toBeCloseTo(b * (eu[1] - eu[0]), 9);
    }
    expect(() => quantalProbabilities(KG, 0, [0.5, 0.5], -1)).toThrow(/beta must be a finite number ≥ 0/);
    expect(() => bayesAction(KG, 1, [0.5, 0.5], [])).toThrow(/typeIndex 1 must be a user type index in \[0, 0\]/);
    expect(() => bayesAction(KG, 0, [0.5, 0.6], [])).toThrow(/posterior sums to 1.1/);
  });

  it('the quantal user loses at most ln|A|/β against the Bayes user, and does lose', () => {
    const rng = new Rng(14);
    let maxLoss = 0;
    for (let trial = 0; trial < 300; trial++) {
      const inst = randomInstance(rng);
      const post = randomPolicy(rng, 1, inst.states.length)[0];
      const beta = [0.5, 2, 10, 100][trial % 4];
      const eu = bruteEU(inst, 0, post);
      const q = quantalProbabilities(inst, 0, post, beta);
      const loss = eu[bayesAction(inst, 0, post, [], 'first')] - sum(q.map((p, a) => p * eu[a]));
      expect(loss).toBeGreaterThanOrEqual(-1e-12);
      expect(loss).toBeLessThanOrEqual(Math.log(inst.actions.length) / beta + 1e-12);
      maxLoss = Math.max(maxLoss, loss * beta);
    }
    expect(maxLoss).toBeGreaterThan(0.05); // the bound is not vacuous here
  });
});

// ---- the known results of §2, played ------------------------------------------------------

describe('known results in the env', () => {
  it('kg-single + kg-optimal: the KG signal gives the user accuracy exactly 1 − μ in expectation', () => {
    const inst = KG;
    const { policy, value } = kgSignal(inst.prior, inst.providers[0].utility, inst.userTypes[0].utility, 2);
    expect(policy).toEqual([
      [1 - MU / (1 - MU), MU / (1 - MU)],
      [0, 1],
    ]);
    // Expectation over y and m through the response functions (sender-preferred ties).
    let accuracy = 0;
    let senderValue = 0;
    for (let y = 0; y < 2; y++) {
      for (let m = 0; m < 2; m++) {
        const pm = inst.prior[y] * policy[y][m];
        if (pm === 0) continue;
        const a = bayesAction(inst, 0, posterior(inst, [policy], [m], [0]), [0]);
        accuracy += pm * (a === y ? 1 : 0);
        senderValue += pm * inst.providers[0].utility[a][y];
      }
    }
    expect(accuracy).toBeCloseTo(1 - MU, 14);
    expect(senderValue).toBeCloseTo(value, 14);
    // Better for the sender than revealing (0.25 + 0.75μ) or babbling (0.25·(1 − μ)).
    expect(value).toBeGreaterThan(0.25 + 0.75 * MU + 0.1);
  });

  it('kgSignal is optimal for the sender against every binary policy on a grid (3 actions too)', () => {
    const inst = parseInstance({
      name: 'three-actions',
      states: ['y0', 'y1'],
      prior: [0.6, 0.4],
      actions: ['safe', 'hedge', 'bold'],
      messages: ['m0', 'm1'],
      providers: [{ name: 'p', utility: [[0, 0.1], [0.5, 0.4], [1, 0.9]] }],
      userTypes: [{ name: 'u', weight: 1, utility: [[0.9, 0], [0.6, 0.6], [0, 1]] }],
    });
    const senderValue = (policy: SignalPolicy) => {
      let v = 0;
      for (let y = 0; y < 2; y++)
        for (let m = 0; m < 2; m++) {
          const pm = inst.prior[y] * policy[y][m];
          if (pm > 0) v += pm * inst.providers[0].utility[bayesAction(inst, 0, posterior(inst, [policy], [m], [0]), [0])][y];
        }
      return v;
    };
    const kg = kgSignal(inst.prior, inst.providers[0].utility, inst.userTypes[0].utility, 2);
    expect(senderValue(kg.policy)).toBeCloseTo(kg.value, 12);
    let bestGrid = 0;
    for (let i = 0; i <= 40; i++)
      for (let j = 0; j <= 40; j++)
        bestGrid = Math.max(bestGrid, senderValue([
          [1 - i / 40, i / 40],
          [1 - j / 40, j / 40],
        ]));
    expect(kg.value).toBeGreaterThanOrEqual(bestGrid - 1e-12);
    expect(kg.value).toBeGreaterThan(senderValue(TRUTH) + 0.01);
  });

  it('kg-single + kg-optimal: the realised accuracy converges to 1 − μ', () => {
    const played = play(EMERGENT_ALIGNMENT_ID, { preset: 'kg-single' }, [new KgOptimalProvider()], 512, 96);
    const n = played.rows.length;
    expect(Math.abs(mean(played.rows, M_('accuracy')) - (1 - MU))).toBeLessThan(ci(n, MU * (1 - MU)));
    // The user acts a = 1 with probability μ + (1 − μ)·μ/(1 − μ) = 2μ.
    const a1 = played.rows.filter((r) => r[M_('action')] === 1).length / n;
    expect(Math.abs(a1 - 2 * MU)).toBeLessThan(ci(n));
    // The provider's mean reward: 0.25·(1 − μ) + 0.75·2μ.
    expect(Math.abs(mean(played.rows, M_('meanProviderUtility')) - (0.25 * (1 - MU) + 1.5 * MU))).toBeLessThan(ci(n));
  });

  it('two-opposed + two truthful providers: accuracy 1 and gap 0 in every round', () => {
    const played = play(EMERGENT_ALIGNMENT_ID, { preset: 'two-opposed', rounds: 8 }, [new TruthfulProvider(), new TruthfulProvider()], 64, 40);
    expect(played.rows.every((r) => r[M_('accuracy')] === 1)).toBe(true);
    expect(played.rows.every((r) => Math.abs(r[M_('gap')] - (r[M_('alignedUtility')] - r[M_('userUtility')])) < 1e-15)).toBe(true);
    // V* = 1 − b/2 for this user; realised utility averages to it.
    expect(mean(played.rows, M_('userUtility'))).toBeCloseTo(0.25 + 0.375, 12);
    expect(played.rows[0][M_('alignedUtility')]).toBeCloseTo(0.625, 14);
  });

  it('two-opposed with babbling providers: the user falls back to the prior action (accuracy 1 − μ)', () => {
    const played = play(EMERGENT_ALIGNMENT_ID, { preset: 'two-opposed' }, [new BabblingProvider(), new BabblingProvider()], 256, 32);
    expect(played.rows.every((r) => r[M_('action')] === 0)).toBe(true);
    expect(Math.abs(mean(played.rows, M_('accuracy')) - (1 - MU))).toBeLessThan(ci(played.rows.length));
  });

  it('the quantal user realises at most ln|A|/β less than the Bayes user', () => {
    const beta = 4;
    const players = [new KgOptimalProvider(), new TruthfulProvider()];
    const bayes = play(EMERGENT_ALIGNMENT_ID, { preset: 'two-opposed' }, players, 512, 64, 5);
    const quantal = play(EMERGENT_ALIGNMENT_ID, { preset: 'two-opposed', response: 'quantal', beta }, players, 512, 64, 5);
    const n = bayes.rows.length;
    const loss = mean(bayes.rows, M_('userUtility')) - mean(quantal.rows, M_('userUtility'));
    expect(loss).toBeLessThan(Math.log(2) / beta + 2 * ci(n, 0.0625));
    expect(loss).toBeGreaterThan(0); // and it is worse: the truthful message makes one action clearly better
    // The quantal user does not always take the best action.
    expect(mean(quantal.rows, M_('accuracy'))).toBeLessThan(0.95);
  });
});

// ---- selection, personalisation, noise ---------------------------------------------------

describe('best-after-evaluation', () => {
  const options = { preset: 'two-opposed', selection: 'best-after-evaluation', evaluationRounds: 5, rounds: 12 };

  it('consults everyone for E rounds, then only the provider whose messages served the user best', () => {
    // Provider 0 babbles (the user then acts on the prior, a = 0), provider 1 reveals y. They
    // serve the user equally when y = 0, so provider 1 wins unless all 5 evaluation rounds had
    // y = 0 (a tie, which goes to provider 0): with probability 1 − (1 − μ)^5.
    const B = 256;
    const played = play(EMERGENT_ALIGNMENT_ID, options, [new BabblingProvider(), new TruthfulProvider()], B, 24);
    const nInfo = PROVIDER_INFO.length;
    let choseTruthful = 0;
    const bad: string[] = [];
    for (let episode = 0; episode < 2; episode++) {
      for (let b = 0; b < B; b++) {
        const last = played.infos[episode * 12 + 4];
        const scores = [0, 1].map((i) => last[(b * 2 + i) * nInfo + I_('evaluationScore')]);
        const chosen = scores[1] > scores[0] ? 1 : 0;
        const sawY1 = [0, 1, 2, 3, 4].some((r) => played.rows[(episode * 12 + r) * B + b][M_('state')] === 1);
        expect(chosen).toBe(sawY1 ? 1 : 0);
        choseTruthful += chosen;
        for (let round = 0; round < 12; round++) {
          const s = episode * 12 + round;
          const r = played.rows[s * B + b];
          const consulted = [0, 1].map((i) => played.infos[s][(b * 2 + i) * nInfo + I_('consulted')]);
          const ok =
            r[M_('evaluating')] === (round < 5 ? 1 : 0) &&
            r[M_('consulted')] === (round < 5 ? -1 : chosen) &&
            consulted[0] === (round < 5 || chosen === 0 ? 1 : 0) &&
            consulted[1] === (round < 5 || chosen === 1 ? 1 : 0) &&
            (round < 5 || (chosen === 1 ? r[M_('accuracy')] === 1 : r[M_('action')] === 0));
          if (!ok) bad.push(`episode ${episode} copy ${b} round ${round}: ${Array.from(r).join(', ')} consulted ${consulted}`);
        }
      }
    }
    expect(bad.slice(0, 3)).toEqual([]);
    const p = 1 - (1 - MU) ** 5;
    expect(Math.abs(choseTruthful / (2 * B) - p)).toBeLessThan(ci(2 * B, p * (1 - p)));
  });

  it('scores each provider by the utility the user would realise on its message alone', () => {
    const played = play(EMERGENT_ALIGNMENT_ID, options, [new BabblingProvider(), new TruthfulProvider()], 16, 5);
    const nInfo = PROVIDER_INFO.length;
    for (let b = 0; b < 16; b++) {
      const solo = [0, 1].map(() => [] as number[]);
      for (let s = 0; s < 5; s++) {
        const row = played.rows[s * 16 + b];
        const y = row[M_('state')];
        for (let i = 0; i < 2; i++) {
          const got = played.infos[s][(b * 2 + i) * nInfo + I_('soloUserUtility')];
          // Babbling: the prior action a = 0; truthful: a = y.
          const want = KG.userTypes[0].utility[i === 0 ? 0 : y][y];
          expect(got).toBeCloseTo(want, 14);
          solo[i].push(got);
          expect(played.infos[s][(b * 2 + i) * nInfo + I_('evaluationScore')]).toBeCloseTo(sum(solo[i]) / solo[i].length, 14);
        }
      }
    }
  });

  it('breaks a tie in the evaluation toward the lowest index, and counts evaluation rounds per user type', () => {
    const tie = play(EMERGENT_ALIGNMENT_ID, options, [new TruthfulProvider(), new TruthfulProvider()], 8, 8);
    expect(tie.rows.slice(5 * 8).every((r) => r[M_('consulted')] === 0)).toBe(true);
    // Two types of weight ½: each type consults everyone in its own first 5 rounds.
    const played = play(PLURALISTIC_MARKET_ID, { preset: 'two-types', selection: 'best-after-evaluation', evaluationRounds: 5, rounds: 30 }, [new TruthfulProvider(), new BabblingProvider()], 16, 30);
    for (let b = 0; b < 16; b++) {
      const seen = [0, 0];
      for (let s = 0; s < 30; s++) {
        const r = played.rows[s * 16 + b];
        const theta = r[M_('userType')];
        expect(r[M_('evaluating')]).toBe(seen[theta] < 5 ? 1 : 0);
        // Both types learn from the truthful provider 0 (the "disagree" type just inverts its message).
        if (seen[theta] >= 5) expect(r[M_('consulted')]).toBe(0);
        seen[theta]++;
      }
    }
  });
});

describe('personalised and anonymous providers', () => {
  /** Reveals the state to user type 0 only, babbles to the others (needs θ in the observation). */
  const revealToType0: Agent = {
    name: 'reveal-to-type-0',
    act: () => {
      throw new Error('unused');
    },
    actBatch(obs, actions, ctx) {
      const off = (ctx.role.observationSpace as unknown as { offsets: { userType: number } }).offsets.userType;
      for (let r = 0; r < ctx.numEnvs * ctx.count; r++) {
        const show = obs[r * ctx.obsSize + off] === 1;
        for (let j = 0; j < ctx.actSize; j++) actions[r * ctx.actSize + j] = show ? (j === 0 || j === 3 ? 8 : -8) : 0;
      }
    },
  };

  it('personalised providers observe the type of the user they will serve; anonymous ones see zeros', () => {
    for (const personalized of [true, false]) {
      const env = make<PersuasionEnv>(PLURALISTIC_MARKET_ID, { preset: 'news-feed', personalized });
      let obs = env.reset({ seed: 3 }).observations;
      const types = new Set<number>();
      for (let t = 0; t < 60; t++) {
        const before = obs.provider_1.userType;
        const theta = env.userType;
        const actions = Object.fromEntries(env.agents.map((a) => [a, new Float32Array(9)]));
        const res = env.step(actions);
        const round = res.infos.provider_0.round as Record<string, number>;
        expect(round.userType).toBe(theta);
        types.add(theta);
        expect(Array.from(before)).toEqual(personalized ? [0, 1, 2].map((j) => (j === theta ? 1 : 0)) : [0, 0, 0]);
        obs = res.observations;
        if (res.truncations.provider_0) obs = env.reset().observations;
      }
      expect(types.size).toBe(3);
    }
  });

  it('a personalised policy serves each type its own signal; an anonymous one cannot tell them apart', () => {
    const opts = { preset: 'two-types', rounds: 16 };
    const per = play(PLURALISTIC_MARKET_ID, { ...opts, personalized: true }, [revealToType0, revealToType0], 256, 32);
    const anon = play(PLURALISTIC_MARKET_ID, { ...opts, personalized: false }, [revealToType0, revealToType0], 256, 32);
    const byType = (p: Played, th: number) => p.rows.filter((r) => r[M_('userType')] === th);
    expect(byType(per, 0).every((r) => r[M_('accuracy')] === 1)).toBe(true);
    const t1 = byType(per, 1);
    expect(Math.abs(mean(t1, M_('accuracy')) - 0.5)).toBeLessThan(ci(t1.length)); // babbled to: a coin flip at prior ½
    // Without θ the agent never sees type 0 and babbles to everyone.
    expect(Math.abs(mean(anon.rows, M_('accuracy')) - 0.5)).toBeLessThan(ci(anon.rows.length));
  });
});

describe('signal noise', () => {
  it('providers observe a uniform state with probability ε, and the user discounts their messages exactly', () => {
    const eps = 0.4;
    const played = play(EMERGENT_ALIGNMENT_ID, { preset: 'kg-single', signalNoise: eps }, [new TruthfulProvider()], 512, 64, 7);
    const nInfo = PROVIDER_INFO.length;
    let wrong = 0;
    let n = 0;
    let y1m1 = 0;
    let m1 = 0;
    let unfaithful = 0;
    let unfollowed = 0;
    played.infos.forEach((info, s) => {
      for (let b = 0; b < 512; b++) {
        const row = played.rows[s * 512 + b];
        const y = row[M_('state')];
        const m = info[b * nInfo + I_('message')];
        if (m !== info[b * nInfo + I_('observedState')]) unfaithful++; // truthful about what it saw
        if (m !== y) wrong++;
        n++;
        if (m === 1) {
          m1++;
          if (y === 1) y1m1++;
          if (row[M_('action')] !== 1) unfollowed++;
        }
      }
    });
    expect(unfaithful).toBe(0);
    // P(s ≠ y) = ε·(1 − 1/|Y|).
    expect(Math.abs(wrong / n - eps / 2)).toBeLessThan(ci(n));
    // The empirical P(y = 1 | m = 1) matches the posterior the user computes.
    const post = posterior(KG, [TRUTH], [1], [0], eps)[1];
    expect(Math.abs(y1m1 / m1 - post)).toBeLessThan(ci(m1));
    // That posterior, 0.3·0.8 / (0.3·0.8 + 0.7·0.2) ≈ 0.63 (1 without noise), still exceeds ½: the user follows m = 1 every time.
    expect(post).toBeCloseTo(0.24 / 0.38, 14);
    expect(unfollowed).toBe(0);
  });
});

// ---- bad input ---------------------------------------------------------------------------

describe('bad input is rejected, naming what is wrong, and changes nothing', () => {
  it('options', () => {
    expect(() => make(EMERGENT_ALIGNMENT_ID, { preset: 'two-types' })).toThrow(OptionError);
    expect(() => make(EMERGENT_ALIGNMENT_ID, { preset: 'two-types' })).toThrow(/option "preset" = "two-types".*one of "kg-single", "two-opposed", "three-sellers", "health-advice"/);
    expect(() => make(PLURALISTIC_MARKET_ID, { preset: 'nope' })).toThrow(/"news-feed"/);
    expect(() => make(EMERGENT_ALIGNMENT_ID, { signalNoise: 1 })).toThrow(/option "signalNoise" = 1.*below 1/);
    expect(() => make(EMERGENT_ALIGNMENT_ID, { signalNoise: -0.1 })).toThrow(/signalNoise/);
    expect(() => make(EMERGENT_ALIGNMENT_ID, { logitBound: 0 })).toThrow(/option "logitBound" = 0.*\(0, 20\]/);
    expect(() => make(EMERGENT_ALIGNMENT_ID, { beta: Number.NaN })).toThrow(/option "beta"/);
    expect(() => make(EMERGENT_ALIGNMENT_ID, { response: 'greedy' })).toThrow(/"bayes", "quantal"/);
    expect(() => make(EMERGENT_ALIGNMENT_ID, { ties: 'last' })).toThrow(/"providers", "first"/);
    expect(() => make(EMERGENT_ALIGNMENT_ID, { selection: 'best-after-evaluation', evaluationRounds: 32, rounds: 32 })).toThrow(/option "evaluationRounds" = 32.*below rounds = 32/);
    expect(() => make(EMERGENT_ALIGNMENT_ID, { personalised: true })).toThrow(/unknown option \(did you mean "personalized"\?\); the options are .*personalized/);
    expect(() => make(EMERGENT_ALIGNMENT_ID, { rounds: 2.5 })).toThrow(/option "rounds"/);
  });

  it('instance JSON', () => {
    const good = JSON.parse(JSON.stringify(KG));
    expect(make<PersuasionEnv>(EMERGENT_ALIGNMENT_ID, { instance: good, preset: 'two-opposed' }).instance.providers.length).toBe(1); // the instance replaces the preset
    const bad = (patch: Record<string, unknown>) => ({ ...good, ...patch });
    expect(() => make(EMERGENT_ALIGNMENT_ID, { instance: bad({ prior: [0.5, 0.6] }) })).toThrow(/option "instance".*"prior" must sum to 1/);
    expect(() => make(EMERGENT_ALIGNMENT_ID, { instance: bad({ prior: [1] }) })).toThrow(/"prior" must have one probability per state \(2\)/);
    expect(() => make(EMERGENT_ALIGNMENT_ID, { instance: bad({ colour: 'red' }) })).toThrow(/unknown field "colour"/);
    expect(() => make(EMERGENT_ALIGNMENT_ID, { instance: bad({ providers: [{ name: 'p', utility: [[0, 2], [0, 1]] }] }) })).toThrow(/providers\[0\].utility\[0\] must hold numbers in \[0, 1\]/);
    expect(() => make(EMERGENT_ALIGNMENT_ID, { instance: 'kg-single' })).toThrow(/an instance must be a JSON object/);
    const twoTypes = JSON.parse(JSON.stringify(PERSUASION_PRESETS['two-types']));
    expect(() => make(EMERGENT_ALIGNMENT_ID, { instance: twoTypes })).toThrow(/it has 2 user types.*use pluralistic-market-v0/);
    expect(make<PersuasionEnv>(PLURALISTIC_MARKET_ID, { instance: twoTypes }).instance.userTypes.length).toBe(2);
  });

  it('actions: NaN, out of bounds, wrong length, missing; and reset options', () => {
    const env = make<PersuasionEnv>(EMERGENT_ALIGNMENT_ID, { preset: 'two-opposed' });
    env.reset({ seed: 1 });
    env.step({ provider_0: new Float32Array(4), provider_1: new Float32Array(4) });
    const before = env.snapshot();
    const ok = new Float32Array(4);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ provider_0: new Float32Array([0, Number.NaN, 0, 0]), provider_1: ok }, /agent "provider_0".*element \[0, 1\] is NaN/],
      [{ provider_0: ok, provider_1: [0, 0, 9, 0] }, /agent "provider_1".*element \[1, 0\] = 9 is outside \[-8, 8\]/],
      [{ provider_0: new Float32Array(3), provider_1: ok }, /agent "provider_0".*expected 4 numbers \(shape \[2, 2\]\), got 3/],
      [{ provider_0: ok }, /agent "provider_1".*missing/],
      [{ provider_0: ok, provider_1: ok, provider_2: ok }, /agent "provider_2".*no such agent/],
    ];
    for (const [acts, why] of cases) {
      expect(() => env.step(acts as Record<string, Float32Array>)).toThrow(ActionError);
      expect(() => env.step(acts as Record<string, Float32Array>)).toThrow(why);
      expect(env.snapshot()).toEqual(before);
    }
    expect(() => env.reset({ options: { userType: 1 } as never })).toThrow(/unknown reset option; emergent-alignment-v0 takes no reset options/);
    expect(env.snapshot()).toEqual(before);
    // The VecEnv rejects a bad action of any copy before stepping any.
    const vec = makeVec(EMERGENT_ALIGNMENT_ID, { numEnvs: 3 });
    vec.reset({ seed: 2 });
    const snap = snapshotKernel(vec.kernel);
    vec.roles[0].actions[2 * 2 * 4 + 4 + 1] = Number.POSITIVE_INFINITY;
    expect(() => vec.step()).toThrow(/provider_1 of copy 2.*not finite|provider_1 of copy 2.*outside/);
    expect(snapshotKernel(vec.kernel)).toEqual(snap);
  });
});

// ---- the vector env, presets, baselines, the example file ---------------------------------

describe('VecEnv, presets, baselines and the example instance', () => {
  it('the VecEnv equals B single envs seeded seed + b, across episode ends', () => {
    for (const [id, options] of [
      [PLURALISTIC_MARKET_ID, { preset: 'news-feed', personalized: true, signalNoise: 0.2, response: 'quantal', beta: 3, rounds: 7 }],
      [EMERGENT_ALIGNMENT_ID, { preset: 'health-advice', selection: 'best-after-evaluation', evaluationRounds: 3, rounds: 7 }],
    ] as const) {
      const B = 4;
      const vec = makeVec(id, { numEnvs: B, options, autoreset: 'same-step' });
      vec.reset({ seed: 40 });
      const envs = Array.from({ length: B }, (_, b) => {
        const env = make<PersuasionEnv>(id, options);
        env.reset({ seed: 40 + b });
        return env;
      });
      const role = vec.roles[0];
      const k = role.count;
      const rng = new Rng(5);
      for (let step = 0; step < 20; step++) {
        for (let j = 0; j < role.actions.length; j++) role.actions[j] = Math.fround(-8 + 16 * rng.uniform());
        vec.step();
        for (let b = 0; b < B; b++) {
          const env = envs[b];
          const acts = Object.fromEntries(env.agents.map((a, i) => [a, role.actions.slice((b * k + i) * role.actSize, (b * k + i + 1) * role.actSize)]));
          const res = env.step(acts as Record<string, Float32Array>);
          const round = res.infos.provider_0.round as Record<string, number>;
          PERSUASION_ROUND_METRICS.forEach((name, j) => expect(vec.metrics[b * PERSUASION_ROUND_METRICS.length + j], `${id} step ${step} copy ${b} ${name}`).toBe(round[name]));
          env.agents.forEach((a, i) => {
            expect(vec.roles[0].rewards[b * k + i]).toBe(res.rewards[a]);
            PROVIDER_INFO.forEach((name, j) => expect(role.infos[(b * k + i) * PROVIDER_INFO.length + j]).toBe(res.infos[a][name]));
          });
          expect(vec.truncations[b] === 1).toBe(res.truncations.provider_0);
          let obs = res.observations;
          if (res.truncations.provider_0) obs = env.reset().observations;
          env.possibleAgents.forEach((a, i) => {
            const flat = new Float32Array(role.obsSize);
            role.spec.observationSpace.flatten(obs[a] as never, flat);
            expect(Array.from(flat)).toEqual(Array.from(role.observations.subarray((b * k + i) * role.obsSize, (b * k + i + 1) * role.obsSize)));
          });
        }
      }
    }
  });

  it('registers every preset each id accepts, and every preset is a valid instance with a description', () => {
    expect(presetNames(EMERGENT_ALIGNMENT_ID).sort()).toEqual([...SINGLE_USER_PRESETS].sort());
    expect(presetNames(EMERGENT_ALIGNMENT_ID)).toContain('health-advice');
    expect(presetNames(PLURALISTIC_MARKET_ID).sort()).toEqual(Object.keys(PERSUASION_PRESETS).sort());
    for (const [name, inst] of Object.entries(PERSUASION_PRESETS)) {
      expect(explainInstance(JSON.parse(JSON.stringify(inst))), name).toBeNull();
      expect(inst.description.length, name).toBeGreaterThan(20);
    }
    const health = PERSUASION_PRESETS['health-advice'];
    expect([health.states.length, health.actions.length, health.providers.length, health.userTypes.length]).toEqual([3, 3, 3, 1]);
    const news = PERSUASION_PRESETS['news-feed'];
    expect(news.userTypes.length).toBe(3);
    expect(news.providers.length).toBeGreaterThanOrEqual(2);
    // health-advice with truthful advisers: the patient always matches care to severity.
    const played = play(EMERGENT_ALIGNMENT_ID, { preset: 'health-advice' }, [new TruthfulProvider(), new TruthfulProvider(), new TruthfulProvider()], 64, 16);
    expect(played.rows.every((r) => r[M_('accuracy')] === 1 && r[M_('gap')] === r[M_('alignedUtility')] - r[M_('userUtility')])).toBe(true);
  });

  it('baselines: truthful and babbling logits, act equals actBatch', () => {
    const env = make<PersuasionEnv>(EMERGENT_ALIGNMENT_ID, { preset: 'health-advice', logitBound: 6 });
    const { observations } = env.reset({ seed: 1 });
    const ctx = { agent: 'provider_2', rng: new Rng(1), env };
    const truth = policyFromLogits(new TruthfulProvider().act(observations.provider_2, ctx), 3, 3);
    truth.forEach((row, s) => row.forEach((p, m) => expect(p).toBeCloseTo(m === s ? 1 : 0, 4)));
    const babble = policyFromLogits(new BabblingProvider().act(observations.provider_2, ctx), 3, 3);
    babble.forEach((row) => row.forEach((p) => expect(p).toBeCloseTo(1 / 3, 12)));
    // actBatch writes what act returns, row by row (kg-optimal on a pluralistic binary instance).
    const vec = makeVec(PLURALISTIC_MARKET_ID, { numEnvs: 3, options: { preset: 'two-types', personalized: true } });
    vec.reset({ seed: 1 });
    const single = make<PersuasionEnv>(PLURALISTIC_MARKET_ID, { preset: 'two-types', personalized: true });
    const kg = new KgOptimalProvider();
    const role = vec.roles[0];
    kg.actBatch(role.observations, role.actions, { numEnvs: 3, count: 2, obsSize: role.obsSize, actSize: role.actSize, rng: new Rng(1), role: role.spec, kernel: vec.kernel });
    for (let b = 0; b < 3; b++)
      for (let i = 0; i < 2; i++) {
        const obs = role.spec.observationSpace.unflatten(role.observations, (b * 2 + i) * role.obsSize);
        const want = kg.act(obs as never, { agent: `provider_${i}`, rng: new Rng(1), env: single });
        expect(Array.from(role.actions.subarray((b * 2 + i) * 4, (b * 2 + i + 1) * 4))).toEqual(Array.from(want));
      }
    expect(() => kg.act(observations.provider_0 as never, ctx)).toThrow(/binary states only; instance "health-advice" has 3 states/);
    // probabilitiesToLogits round-trips through the softmax up to e^(−2L).
    const out = new Float32Array(3);
    probabilitiesToLogits([0.2, 0.5, 0.3], 0, 3, 8, out, 0);
    policyFromLogits(out, 1, 3)[0].forEach((p, m) => expect(p).toBeCloseTo([0.2, 0.5, 0.3][m], 6));
  });

  it('the shipped example instance parses and runs', () => {
    const json = JSON.parse(readFileSync(new URL('../games/persuasion/examples/custom-instance.json', import.meta.url), 'utf8'));
    expect(explainInstance(json)).toBeNull();
    const env = make<PersuasionEnv>(PLURALISTIC_MARKET_ID, { instance: json, personalized: true });
    expect(env.instance.name).toBe(json.name);
    const { observations } = env.reset({ seed: 2 });
    const acts = Object.fromEntries(env.agents.map((a) => [a, new TruthfulProvider().act(observations[a], { agent: a, rng: new Rng(1), env })]));
    const res = env.step(acts);
    expect((res.infos.provider_0.round as Record<string, number>).accuracy).toBe(1);
    if (json.userTypes.length > 1) expect(() => make(EMERGENT_ALIGNMENT_ID, { instance: json })).toThrow(/use pluralistic-market-v0/);
  });
});
