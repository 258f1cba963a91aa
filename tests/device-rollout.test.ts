import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../agents/backend/index.js';
import { GaussianHead, PlackettLuceHead, CategoricalHead } from '../agents/policy/heads/index.js';
import { OwnerMemory, type OwnerMemoryLayout } from '../agents/policy/owner-memory.js';
import { Policy } from '../agents/policy/policy.js';
import { attentionMarketPolicySpecs } from '../games/attention-market/policy-specs.js';
import { AttentionMarketTensorGame, attentionMarketTensor, TensorAttentionMarket } from '../games/attention-market/tensor/index.js';
import type { RoleSpec } from '../envs/core/kernel.js';
import { Rng } from '../envs/core/rng.js';
import type { VecEnv } from '../envs/core/vector-env.js';
import { makeVec } from '../envs/registry.js';
import {
  DeviceOwnerMemory,
  DeviceSelfPlay,
  discountedReturnsOnDevice,
  envActionOnDevice,
  makeNoise,
  sampleOnDevice,
  scaleRewardsOnDevice,
  toTensorBatch,
  disposeTensorBatch,
  type RoundOutcome,
  type TensorGame,
} from '../training/device/index.js';
import type { Batch, TensorBatch } from '../training/learners/batch.js';
import { PpoLearner, PPO_DEFAULTS } from '../training/learners/ppo.js';
import { ReinforceLearner, REINFORCE_DEFAULTS } from '../training/learners/reinforce.js';
import { ReturnScaler } from '../training/learners/return-scaler.js';
import type { RolloutBatch } from '../training/rollouts/source.js';
import { HostRollouts } from '../training/self-play/host-rollouts.js';

beforeAll(async () => {
  await selectBackend('cpu'); // the project's chooser: no tfjs greeting
});

/** A small market: P = 6 pool entries, 2 slots, 5 rounds. */
// independent tastes (tasteClusters 0): the worlds these tests' expectations were recorded on
const MARKET = { dim: 4, users: 2, goals: 3, creationsPerGoal: 2, slots: 2, rounds: 5, tasteClusters: 0 };
const SIZES = { hidden: [16, 16], logStdInit: -1.6 };

function makePolicies(options: typeof MARKET & { feedback?: 'click' | 'rating' }, seed = 1): { goal: Policy; user: Policy } {
  const roles = makeVec('attention-market-v0', { numEnvs: 1, options }).kernel.roles;
  const specs = attentionMarketPolicySpecs(roles, SIZES, { rounds: options.rounds, feedback: options.feedback ?? 'click' });
  return { goal: new Policy(specs.goal, { initSeed: seed }), user: new Policy(specs.user, { initSeed: seed + 1 }) };
}

function disposePolicies(p: { goal: Policy; user: Policy }): void {
  p.goal.dispose();
  p.user.dispose();
}

/** max |a − b| / (1 + |b|) over two arrays of the same length. */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return m;
}

const read = (t: tf.Tensor) => t.dataSync() as Float32Array | Int32Array;

/**
 * The host VecEnv behind the TensorGame contract: the test's stand-in, through which the
 * device rollout must reproduce the host rollout number for number.
 */
class VecBridge implements TensorGame {
  readonly batch: number;
  readonly roles: readonly RoleSpec[];
  readonly phaseRoles: readonly number[];
  round = 0;
  private phase = 0;
  /** Each role's rewards summed over the round's phases, as playEpisode sums them. */
  private readonly sums: Float64Array[];
  constructor(readonly vec: VecEnv) {
    this.batch = vec.numEnvs;
    this.roles = vec.kernel.roles;
    this.phaseRoles = vec.kernel.phaseRoles;
    this.sums = vec.roles.map((r) => new Float64Array(this.batch * r.count));
  }
  reset(seed?: number): void {
    this.vec.reset(seed === undefined ? {} : { seed });
    this.round = 0;
    this.phase = 0;
    for (const s of this.sums) s.fill(0);
  }
  observations(): tf.Tensor2D {
    const role = this.vec.roles[this.phaseRoles[this.phase]];
    return tf.tensor2d(role.observations.slice(), [this.batch * role.count, role.obsSize]);
  }
  step(actions: tf.Tensor2D): RoundOutcome | null {
    this.vec.roles[this.phaseRoles[this.phase]].actions.set(actions.dataSync());
    this.vec.step();
    this.vec.roles.forEach((role, r) => role.rewards.forEach((x, i) => (this.sums[r][i] += x)));
    if (++this.phase < this.phaseRoles.length) return null;
    this.phase = 0;
    this.round++;
    const nm = this.vec.metricNames.length;
    const metrics: Record<string, tf.Scalar> = {};
    this.vec.metricNames.forEach((name, m) => {
      let s = 0;
      for (let b = 0; b < this.batch; b++) s += this.vec.metrics[b * nm + m];
      metrics[name] = tf.scalar(s / this.batch);
    });
    const rewards = this.sums.map((s) => tf.tensor1d(Float32Array.from(s)));
    for (const s of this.sums) s.fill(0);
    return { rewards, metrics };
  }
  get done(): boolean {
    return this.vec.truncations[0] === 1;
  }
  dispose(): void {}
}

/** A VecBridge over a fresh attention-market VecEnv: a TensorGameFactory. */
const bridge = (options: unknown, numEnvs: number) => new VecBridge(makeVec('attention-market-v0', { numEnvs, options, autoreset: 'disabled' }));

/** The host rollouts (PolicyActor, playEpisode, Trajectory.toBatch): the reference, seeded at its first episode. */
function hostRollouts(vec: VecEnv, policies: { goal: Policy; user: Policy }, rng: Rng, scalers: { goal: ReturnScaler; user: ReturnScaler }, seed: number) {
  return new HostRollouts({ vec, rounds: MARKET.rounds, seed, rng, gamma: 0.95, gaeLambda: 0.9, policies, scalers });
}

/** The batch of a rollout, as the kind expected. */
function hostBatch(b: RolloutBatch | undefined): Batch {
  if (b?.kind !== 'host') throw new Error(`expected a host batch, got ${b?.kind}`);
  return b.batch;
}
function tensorBatch(b: RolloutBatch | undefined): TensorBatch {
  if (b?.kind !== 'tensors') throw new Error(`expected a tensor batch, got ${b?.kind}`);
  return b.batch;
}

function expectBatchesEqual(device: TensorBatch, host: Batch, tol: number): void {
  expect(device.n).toBe(host.n);
  expect(maxRelDiff(read(device.obs), host.obs)).toBeLessThan(1e-6);
  expect(maxRelDiff(read(device.actions), host.actions)).toBeLessThan(1e-6);
  for (const [d, h] of [
    [device.logProb, host.logProb],
    [device.values, host.values],
    [device.advantages, host.advantages],
    [device.returns, host.returns],
  ] as const) {
    expect(maxRelDiff(read(d), h)).toBeLessThan(tol);
  }
}

describe('noise', () => {
  it('"rng" noise is the draw Policy.act makes; "tfjs" noise is seeded by the Rng and standard', () => {
    const head = new GaussianHead(3);
    const a = new Rng(7);
    const b = new Rng(7);
    const t = makeNoise('rng', a).draw(head, 4);
    const host = new Float32Array(12);
    b.fillNormal(host, 0, 12);
    expect(Array.from(read(t))).toEqual(Array.from(host));
    t.dispose();

    const draw = (seed: number, h: { noise: { kind: 'normal' | 'uniform'; size: number } }) => {
      const x = makeNoise('tfjs', new Rng(seed)).draw(h, 2000);
      const v = Array.from(read(x));
      x.dispose();
      return v;
    };
    const n1 = draw(3, head);
    expect(draw(3, head)).toEqual(n1); // same seed, same noise
    expect(draw(4, head)).not.toEqual(n1);
    const mean = n1.reduce((s, x) => s + x, 0) / n1.length;
    const variance = n1.reduce((s, x) => s + (x - mean) ** 2, 0) / n1.length;
    expect(Math.abs(mean)).toBeLessThan(0.05); // 6000 draws: sd of the mean ≈ 0.013
    expect(Math.abs(variance - 1)).toBeLessThan(0.08);
    const u = draw(3, new PlackettLuceHead(5, 2));
    expect(u.length).toBe(2000 * 5);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(() => makeNoise('gpu' as 'rng', a)).toThrow('noise must be "tfjs" or "rng"');
  });
});

describe('sampleOnDevice', () => {
  it('equals Policy.act given the same noise, for both policies, and the env actions equal writeEnvAction', () => {
    const policies = makePolicies(MARKET);
    const rng = new Rng(11);
    for (const policy of [policies.goal, policies.user]) {
      const n = 24;
      const obs = new Float32Array(n * policy.obsSize);
      for (let i = 0; i < obs.length; i++) obs[i] = rng.uniform() * 2 - 1;
      const hostRng = new Rng(5);
      const host = policy.act(obs, n, hostRng);
      const before = tf.memory().numTensors;
      const obsT = tf.tensor2d(obs, [n, policy.obsSize]);
      const noise = makeNoise('rng', new Rng(5)).draw(policy.head, n);
      const s = sampleOnDevice(policy, obsT, noise);
      expect(Array.from(read(s.actions))).toEqual(Array.from(host.actions));
      expect(maxRelDiff(read(s.logProb), host.logProb)).toBeLessThan(1e-6);
      expect(maxRelDiff(read(s.value), host.value)).toBeLessThan(1e-6);
      const env = new (host.actions instanceof Int32Array ? Int32Array : Float32Array)(n * policy.head.actionSize);
      for (let row = 0; row < n; row++) policy.head.writeEnvAction(host.actions, row, env, row * policy.head.actionSize);
      expect(Array.from(read(s.envAction))).toEqual(Array.from(env));
      tf.dispose([obsT, noise, s.actions, s.logProb, s.value, s.envAction]);
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(() => sampleOnDevice(policies.goal, tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([2, 3]) as tf.Tensor2D)).toThrow(/needs observations \[rows, \d+\]/);
    disposePolicies(policies);
  });

  it('clips Gaussian actions to per-dimension bounds and shifts categorical ones by start', () => {
    const head = new GaussianHead(3, { low: [-1, 0, -Infinity], high: [1, 0.5, 2] });
    const u = new Float32Array([-3, 0.7, -9, 0.2, -0.1, 5]);
    const out = envActionOnDevice(head, tf.tensor2d(u, [2, 3]));
    const host = new Float32Array(6);
    head.writeEnvAction(u, 0, host, 0);
    head.writeEnvAction(u, 1, host, 3);
    expect(Array.from(read(out))).toEqual(Array.from(host));
    expect(Array.from(host)).toEqual([-1, 0.5, -9, expect.closeTo(0.2, 6), 0, 2]);
    const cat = envActionOnDevice(new CategoricalHead(4, { start: -1 }), tf.tensor2d([0, 3], [2, 1], 'int32'));
    expect(Array.from(read(cat))).toEqual([-1, 2]);
    tf.dispose([out, cat]);
  });
});

describe('DeviceOwnerMemory', () => {
  const roles = makeVec('attention-market-v0', { numEnvs: 1, options: MARKET }).kernel.roles;
  const layoutFor = (feedback: 'click' | 'rating'): OwnerMemoryLayout =>
    attentionMarketPolicySpecs(roles, SIZES, { rounds: MARKET.rounds, feedback }).user.memory!;

  it.each(['click', 'rating'] as const)('equals the host OwnerMemory over two episodes (%s feedback)', (feedback) => {
    const L = layoutFor(feedback);
    const rows = 5;
    const rng = new Rng(feedback === 'click' ? 1 : 2);
    const host = new OwnerMemory(L);
    const device = new DeviceOwnerMemory(L);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 2 * MARKET.rounds; step++) {
      const t = step % MARKET.rounds;
      const obs = new Float32Array(rows * L.obsSize);
      for (let r = 0; r < rows; r++) {
        const o = r * L.obsSize;
        for (let i = 0; i < L.obsSize; i++) obs[o + i] = rng.uniform() - 0.5; // other fields: noise the memory must ignore
        obs[o + L.progressOffset] = Math.fround(t / MARKET.rounds);
        for (let n = 0; n < L.slots; n++) {
          obs[o + L.lastSelectionOffset + n] = t === 0 ? -1 : rng.int(L.pool);
          obs[o + L.lastFeedbackOffset + n] = feedback === 'click' ? rng.int(2) : rng.normal();
        }
      }
      const expected = host.augment(obs, rows).slice();
      const input = tf.tensor2d(obs, [rows, L.obsSize]);
      const got = device.augment(input);
      expect(got.shape).toEqual([rows, device.outSize]);
      expect(maxRelDiff(read(got), expected)).toBeLessThan(1e-6);
      tf.dispose([input, got]);
    }
    device.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => device.augment(tf.zeros([1, 3]) as tf.Tensor2D)).toThrow(`observations must be [rows, ${L.obsSize}]`);
  });
});

describe('return scaling on the device', () => {
  // GAE's two backends are tested against each other in gae.test.ts.
  const T = 6;
  const E = 5;
  const rng = new Rng(21);
  const rewards = Float64Array.from({ length: T * E }, () => Math.fround(rng.normal()));
  const done = Uint8Array.from({ length: T * E }, (_, i) => (i >= (T - 1) * E || rng.uniform() < 0.2 ? 1 : 0));

  it('discounted returns and scaleRewardsOnDevice equal ReturnScaler.scale over successive batches', () => {
    const host = new ReturnScaler();
    const device = new ReturnScaler();
    const doneT = tf.tensor2d(Float32Array.from(done), [T, E]);
    // Discounted returns, checked by hand for trajectory 0.
    const g = read(discountedReturnsOnDevice(tf.tensor2d(Float32Array.from(rewards), [T, E]), doneT, 0.9));
    let expected = 0;
    for (let t = T - 1; t >= 0; t--) {
      expected = rewards[t * E] + (done[t * E] ? 0 : 0.9 * expected);
      expect(g[t * E]).toBeCloseTo(expected, 5);
    }
    for (let batch = 0; batch < 3; batch++) {
      const r = rewards.map((x) => x * (batch + 1) + batch);
      const scaled = read(scaleRewardsOnDevice(device, tf.tensor2d(Float32Array.from(r), [T, E]), doneT, 0.9));
      host.scale(r, done, T, E, 0.9);
      expect(maxRelDiff(scaled, r)).toBeLessThan(1e-5);
      expect(device.count).toBe(host.count);
      expect(device.mean).toBeCloseTo(host.mean, 5);
      expect(device.m2 / host.m2).toBeCloseTo(1, 5);
    }
  });
});

describe('updateFromTensors', () => {
  /** A batch of random transitions for `policy`, with sampled actions. */
  function randomBatch(policy: Policy, n: number, seed: number): Batch {
    const rng = new Rng(seed);
    const obs = Float32Array.from({ length: n * policy.obsSize }, () => rng.uniform() * 2 - 1);
    const s = policy.act(obs, n, rng);
    const advantages = Float32Array.from({ length: n }, () => rng.normal());
    const returns = Float32Array.from({ length: n }, () => rng.normal());
    return { n, obsSize: policy.obsSize, actionSize: policy.head.actionSize, obs, actions: s.actions, logProb: s.logProb, values: s.value, advantages, returns };
  }

  const learners = [
    ['PPO', (p: Policy) => new PpoLearner(p, { ...PPO_DEFAULTS, minibatchSize: 48, epochs: 2, learningRate: 3e-3 })],
    ['REINFORCE', (p: Policy) => new ReinforceLearner(p, { ...REINFORCE_DEFAULTS, learningRate: 3e-3 })],
  ] as const;

  it.each(learners)('%s: gives the weights and statistics of update() on the same batch (Gaussian and Plackett–Luce)', (_name, make) => {
    const policies = makePolicies(MARKET, 3);
    const copies = { goal: policies.goal.clone(), user: policies.user.clone() };
    for (const side of ['goal', 'user'] as const) {
      const batch = randomBatch(policies[side], 130, side === 'goal' ? 1 : 2); // 130 = 2 full minibatches of 48 + a remainder
      const tensors = toTensorBatch(batch);
      const host = make(policies[side]);
      const device = make(copies[side]);
      const initial = policies[side].getWeights();
      const hs = host.update(batch, new Rng(9));
      const ds = device.updateFromTensors(tensors, new Rng(9));
      const hw = policies[side].getWeights();
      const dw = copies[side].getWeights();
      for (let i = 0; i < hw.length; i++) expect(maxRelDiff(dw[i], hw[i])).toBeLessThan(2e-5);
      for (const k of Object.keys(hs) as (keyof typeof hs)[]) expect(ds[k]).toBeCloseTo(hs[k], 4);
      // The weights moved: the comparison is not between two untouched networks.
      expect(Math.max(...hw.map((w, i) => maxRelDiff(w, initial[i])))).toBeGreaterThan(1e-3);
      const leakCheck = tf.memory().numTensors;
      device.updateFromTensors(tensors, new Rng(10));
      expect(tf.memory().numTensors).toBe(leakCheck);
      disposeTensorBatch(tensors);
      host.optimizer.dispose();
      device.optimizer.dispose();
    }
    disposePolicies(policies);
    disposePolicies(copies);
  });

  it('rejects a batch whose shapes do not match', () => {
    const policies = makePolicies(MARKET);
    const batch = toTensorBatch(randomBatch(policies.goal, 10, 1));
    const learner = new PpoLearner(policies.user, PPO_DEFAULTS);
    expect(() => learner.updateFromTensors(batch, new Rng(1))).toThrow('PpoLearner.updateFromTensors: the batch has obsSize');
    const bad = { ...batch, returns: tf.zeros([9]) as tf.Tensor1D };
    expect(() => new ReinforceLearner(policies.goal).updateFromTensors(bad, new Rng(1))).toThrow('batch.returns has shape [9], expected [10]');
    disposeTensorBatch(batch);
    bad.returns.dispose();
    learner.optimizer.dispose();
    disposePolicies(policies);
  });
});

describe('DeviceSelfPlay', () => {
  it('reproduces the host rollouts (playEpisode + Trajectory.toBatch) through a VecEnv stand-in, over two episodes', () => {
    const B = 3;
    const policies = makePolicies(MARKET, 5);
    const hostVec = makeVec('attention-market-v0', { numEnvs: B, options: MARKET, autoreset: 'disabled' });
    const hostScalers = { goal: new ReturnScaler(), user: new ReturnScaler() };
    const deviceScalers = { goal: new ReturnScaler(), user: new ReturnScaler() };
    const hostSource = hostRollouts(hostVec, policies, new Rng(4, 101), hostScalers, 4);
    const dsp = new DeviceSelfPlay({ tensor: bridge, envOptions: MARKET, rounds: MARKET.rounds, numEnvs: B, seed: 4, policies, scalers: deviceScalers, gamma: 0.95, gaeLambda: 0.9, noise: 'rng' });
    expect(dsp.stepsPerEpisode).toBe(B * MARKET.rounds);
    for (let episode = 0; episode < 2; episode++) {
      // Both through the RolloutSource interface the trainer sees.
      const host = hostSource.collect({ learning: ['goal', 'user'] });
      const device = dsp.collect({ learning: ['goal', 'user'] });
      expectBatchesEqual(tensorBatch(device.batches.goal), hostBatch(host.batches.goal), 1e-5);
      expectBatchesEqual(tensorBatch(device.batches.user), hostBatch(host.batches.user), 1e-5);
      for (const [name, v] of Object.entries(host.stats.metrics)) expect(device.stats.metrics[name]).toBeCloseTo(v, 5);
      expect(Object.keys(device.stats.metrics)).toEqual(Object.keys(host.stats.metrics));
      device.stats.meanReward.forEach((v, r) => expect(v).toBeCloseTo(host.stats.meanReward[r], 5));
      device.stats.agentReward.forEach((a, r) => a.forEach((v, i) => expect(v).toBeCloseTo(host.stats.agentReward[r][i], 5)));
      expect(deviceScalers.user.count).toBe(hostScalers.user.count);
      expect(deviceScalers.goal.mean).toBeCloseTo(hostScalers.goal.mean, 5);
      device.dispose();
    }
    dsp.dispose();
    disposePolicies(policies);
  });

  it('plays TensorAttentionMarket as the host plays the kernel, given the same hidden state (rating feedback without noise)', () => {
    const B = 2;
    const options = { ...MARKET, feedback: 'rating' as const, ratingNoise: 0 };
    const policies = makePolicies(options, 7);
    const hostVec = makeVec('attention-market-v0', { numEnvs: B, options, autoreset: 'disabled' });
    hostVec.reset({ seed: 8 });
    const kernel = hostVec.kernel as unknown as { preferences: Float64Array; grounded: Float64Array };
    const hidden = { preferences: Float32Array.from(kernel.preferences), grounded: Float32Array.from(kernel.grounded) };
    const scalers = () => ({ goal: new ReturnScaler(), user: new ReturnScaler() });
    const played = hostRollouts(hostVec, policies, new Rng(8, 101), scalers(), 8).collect({ learning: ['goal', 'user'] });
    const host = { stats: played.stats, goal: hostBatch(played.batches.goal), user: hostBatch(played.batches.user) };
    const dsp = new DeviceSelfPlay({
      envOptions: options,
      rounds: options.rounds,
      numEnvs: B,
      seed: 8,
      policies,
      scalers: scalers(),
      gamma: 0.95,
      gaeLambda: 0.9,
      noise: 'rng',
      tensor: (o, numEnvs) => {
        const market = new TensorAttentionMarket(o, numEnvs);
        const reset = market.reset.bind(market);
        market.reset = (s?: number) => reset(s, hidden);
        return new AttentionMarketTensorGame(market);
      },
    });
    const episode = dsp.collect({ learning: ['goal', 'user'] });
    const device = { stats: episode.stats, goal: tensorBatch(episode.batches.goal), user: tensorBatch(episode.batches.user) };
    // The env keeps float32 where the kernel keeps float64: observations agree to rounding.
    expect(maxRelDiff(read(device.user.actions), host.user.actions)).toBe(0);
    expect(maxRelDiff(read(device.goal.obs), host.goal.obs)).toBeLessThan(1e-4);
    expect(maxRelDiff(read(device.user.obs), host.user.obs)).toBeLessThan(1e-4);
    expect(maxRelDiff(read(device.user.advantages), host.user.advantages)).toBeLessThan(1e-3);
    expect(maxRelDiff(read(device.goal.returns), host.goal.returns)).toBeLessThan(1e-3);
    for (const [name, v] of Object.entries(host.stats.metrics)) expect(device.stats.metrics[name]).toBeCloseTo(v, 3);
    episode.dispose();
    dsp.dispose();
    disposePolicies(policies);
  });

  it('trains on TensorAttentionMarket without leaking tensors, and the users learn to use their memory', () => {
    // No env estimate (q = 0): a user can only find its preferred goals through its own
    // memory of their ratings, so the untrained policy picks at random and learning shows.
    const options = { ...MARKET, rounds: 4, estimator: 'none' as const, feedback: 'rating' as const };
    const policies = makePolicies(options, 9);
    const dsp = new DeviceSelfPlay({ tensor: attentionMarketTensor, envOptions: options, rounds: options.rounds, numEnvs: 8, seed: 3, policies, scalers: { user: new ReturnScaler() } });
    const learner = new PpoLearner(policies.user, { ...PPO_DEFAULTS, learningRate: 1e-2, minibatchSize: 64, epochs: 4, entropyCoef: 0 });
    const shuffle = new Rng(3, 102);
    const regret: number[] = [];
    let tensors = 0;
    for (let it = 0; it < 15; it++) {
      const episode = dsp.collect({ learning: ['user'] });
      expect(episode.batches.goal).toBeUndefined();
      learner.updateFromTensors(tensorBatch(episode.batches.user), shuffle);
      episode.dispose();
      regret.push(episode.stats.metrics.meanNormalizedRegret);
      if (it === 1) tensors = tf.memory().numTensors; // after Adam has made its moments
      if (it > 1) expect(tf.memory().numTensors).toBe(tensors);
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(regret.slice(0, 5))).toBeGreaterThan(0.35); // about random picks
    expect(mean(regret.slice(-5))).toBeLessThan(0.75 * mean(regret.slice(0, 5)));
    expect(() => dsp.collect({ learning: ['buyer'] })).toThrow('unknown side "buyer" (the sides are goal, user)');
    dsp.dispose();
    learner.optimizer.dispose();
    disposePolicies(policies);
  });

  it('reads back only metric scalars: one read per episode, one per scaled side (two numbers), one per update', () => {
    const policies = makePolicies(MARKET, 13);
    const dsp = new DeviceSelfPlay({ tensor: attentionMarketTensor, envOptions: MARKET, rounds: MARKET.rounds, numEnvs: 4, seed: 2, policies, scalers: { goal: new ReturnScaler(), user: new ReturnScaler() } });
    const learner = new PpoLearner(policies.goal, { ...PPO_DEFAULTS, minibatchSize: 32, epochs: 2 });
    // Every Tensor.data()/dataSync()/array() goes through the engine's read or readSync
    // (kernels that read their inputs use the backend directly, and are not counted).
    const engine = tf.engine() as unknown as { readSync: (id: object) => unknown; read: (id: object) => Promise<unknown> };
    const { readSync, read: readAsync } = engine;
    let reads = 0;
    engine.readSync = (id) => (reads++, readSync.call(engine, id));
    engine.read = (id) => (reads++, readAsync.call(engine, id));
    try {
      const scaled = dsp.collect({ learning: ['goal', 'user'] });
      expect(reads).toBe(1 + 2);
      reads = 0;
      learner.updateFromTensors(tensorBatch(scaled.batches.goal), new Rng(1));
      expect(reads).toBe(1);
      scaled.dispose();
      reads = 0;
      dsp.collect({ learning: [] }).dispose();
      expect(reads).toBe(1);
    } finally {
      engine.readSync = readSync;
      engine.read = readAsync;
    }
    dsp.dispose();
    learner.optimizer.dispose();
    disposePolicies(policies);
  });

  it('rejects policies that do not fit the market', () => {
    const policies = makePolicies(MARKET);
    const make = (envOptions: object, numEnvs = 2) => new DeviceSelfPlay({ tensor: attentionMarketTensor, envOptions, rounds: MARKET.rounds, numEnvs, seed: 0, policies });
    const before = tf.memory().numTensors;
    expect(() => make({ ...MARKET, dim: 5 })).toThrow(/the goal policy "goal" reads \d+ observation numbers/);
    expect(tf.memory().numTensors).toBe(before); // the tensor env it made is disposed
    expect(() => make(MARKET, 0)).toThrow('numEnvs must be a positive integer');
    expect(() => make({ ...MARKET, slots: 99 })).toThrow('slots');
    disposePolicies(policies);
  });
});

describe('on wasm', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('a device iteration reproduces the host one (bridge env), updates, and leaks nothing', () => {
    expect(tf.getBackend()).toBe('wasm');
    const B = 2;
    const policies = makePolicies(MARKET, 11);
    const hostVec = makeVec('attention-market-v0', { numEnvs: B, options: MARKET, autoreset: 'disabled' });
    const scalers = () => ({ goal: new ReturnScaler(), user: new ReturnScaler() });
    const host = hostRollouts(hostVec, policies, new Rng(6, 101), scalers(), 6).collect({ learning: ['goal', 'user'] });
    const dsp = new DeviceSelfPlay({ tensor: bridge, envOptions: MARKET, rounds: MARKET.rounds, numEnvs: B, seed: 6, policies, scalers: scalers(), gamma: 0.95, gaeLambda: 0.9, noise: 'rng' });
    const learner = new PpoLearner(policies.user, { ...PPO_DEFAULTS, minibatchSize: 8 });
    const episode = dsp.collect({ learning: ['goal', 'user'] });
    expectBatchesEqual(tensorBatch(episode.batches.user), hostBatch(host.batches.user), 1e-5);
    expectBatchesEqual(tensorBatch(episode.batches.goal), hostBatch(host.batches.goal), 1e-5);
    const stats = learner.updateFromTensors(tensorBatch(episode.batches.user), new Rng(1));
    expect(Number.isFinite(stats.policyLoss) && Number.isFinite(stats.gradNorm)).toBe(true);
    episode.dispose();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const e = dsp.collect({ learning: ['user'] });
      learner.updateFromTensors(tensorBatch(e.batches.user), new Rng(i));
      e.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    dsp.dispose();
    learner.optimizer.dispose();
    disposePolicies(policies);
  });
});

describe('the trainer picks where episodes are played', () => {
  it('plays on the host on a CPU backend (auto), on the device when asked, without leaking tensors', async () => {
    const { SelfPlayTrainer } = await import('../training/self-play/trainer.js');
    const { parseTrainConfig } = await import('../training/self-play/config.js');
    await tf.setBackend('cpu');
    const options = { rounds: 3, users: 2, goals: 2, dim: 3, slots: 2, feedback: 'rating' as const, ratingNoise: 0 };
    const settings = { numEnvs: 4, hidden: 8, epochs: 1, minibatchSize: 8, steps: 4 * 3 * 5 };
    const auto = new SelfPlayTrainer('attention-market-v0', options, parseTrainConfig(settings));
    expect(auto.rollout.kind).toBe('host');
    expect(auto.rollout.reason).toMatch(/cpu is a CPU backend/);
    auto.dispose();
    const device = new SelfPlayTrainer('attention-market-v0', options, parseTrainConfig({ ...settings, rollout: 'device' }));
    expect(device.rollout.kind).toBe('device');
    device.iterate(); // makes the tensor env, whose state tensors stay
    const before = tf.memory().numTensors;
    device.run();
    expect(device.iteration).toBe(5);
    expect(Number.isFinite(device.summary.meanRegret)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    device.dispose();
    expect(() => new SelfPlayTrainer('trade-market-v0', {}, parseTrainConfig({ ...settings, rollout: 'device' }))).toThrow(/device rollouts are not available here: trade-market-v0 has no tensor env/);
    expect(() => new SelfPlayTrainer('attention-market-v0', options, parseTrainConfig({ ...settings, rollout: 'device', train: 'user', opponents: 'goal=honest' }))).toThrow(
      /a baseline agent plays a side/,
    );
    // Deviators need the host's actors (a policy and its peers within one side): refused, not ignored.
    expect(() => new SelfPlayTrainer('attention-market-v0', options, parseTrainConfig({ ...settings, rollout: 'device', train: 'goal', deviators: 1, opponents: 'goal=policy' }))).toThrow(
      /device rollouts are not available here: deviators mix a policy and its peers/,
    );
  });
});
