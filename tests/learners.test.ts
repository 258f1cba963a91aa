import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../agents/backend/index.js';
import { Policy } from '../agents/policy/policy.js';
import { CategoricalHead, GaussianHead } from '../agents/policy/heads/index.js';
import { Rng } from '../envs/core/rng.js';
import { applyClippedGradients } from '../training/learners/gradients.js';
import { PpoLearner, PPO_DEFAULTS } from '../training/learners/ppo.js';
import { ReinforceLearner, REINFORCE_DEFAULTS } from '../training/learners/reinforce.js';
import { ReturnScaler } from '../training/learners/return-scaler.js';
import type { Batch } from '../training/learners/batch.js';

beforeAll(async () => {
  await selectBackend('cpu'); // the project's chooser: no tfjs greeting
});

describe('ReturnScaler', () => {
  it('divides rewards by the running std of discounted returns, merging batches exactly', () => {
    const s = new ReturnScaler();
    const r1 = new Float64Array([1, 2, 3, 4]); // T = 2, E = 2
    const done = new Uint8Array([0, 0, 1, 1]);
    const copy = r1.slice();
    s.scale(r1, done, 2, 2, 0.5);
    // returns: e0: t1 = 3, t0 = 1 + 0.5·3 = 2.5; e1: t1 = 4, t0 = 2 + 0.5·4 = 4
    const rets = [3, 2.5, 4, 4];
    const mean = rets.reduce((a, b) => a + b) / 4;
    const std = Math.sqrt(rets.reduce((a, b) => a + (b - mean) ** 2, 0) / 4 + 1e-8);
    copy.forEach((v, i) => expect(r1[i]).toBeCloseTo(v / std, 12));
    expect(s.count).toBe(4);
    expect(s.mean).toBeCloseTo(mean, 12);
  });
});

describe('applyClippedGradients', () => {
  it('scales gradients down to the max global norm, and leaves small ones alone', () => {
    const v = tf.variable(tf.tensor1d([0, 0]));
    const opt = tf.train.sgd(1);
    const norm = tf.tidy(() => applyClippedGradients(opt, { [v.name]: tf.tensor1d([3, 4]) }, 1));
    expect(norm.dataSync()[0]).toBeCloseTo(5, 5);
    expect(Array.from(v.dataSync())).toEqual([expect.closeTo(-0.6, 5), expect.closeTo(-0.8, 5)]);
    tf.tidy(() => applyClippedGradients(opt, { [v.name]: tf.tensor1d([0.1, 0]) }, 1));
    expect(v.dataSync()[0]).toBeCloseTo(-0.7, 5);
    tf.dispose([norm, v]);
    opt.dispose();
  });
});

/** A contextual bandit: obs = one-hot context c ∈ {0,1,2}, reward 1 for action (c + 1) mod 4, else 0. */
function banditBatch(policy: Policy, rng: Rng, n: number): { batch: Batch; meanReward: number } {
  const obs = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) obs[i * 3 + rng.int(3)] = 1;
  const r = policy.act(obs, n, rng);
  const adv = new Float32Array(n);
  const ret = new Float32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = obs.subarray(i * 3, i * 3 + 3).indexOf(1);
    const reward = r.actions[i] === (c + 1) % 4 ? 1 : 0;
    total += reward;
    ret[i] = reward;
    adv[i] = reward - r.value[i];
  }
  return { batch: { n, obsSize: 3, actionSize: 1, obs, actions: r.actions, logProb: r.logProb, values: r.value, advantages: adv, returns: ret }, meanReward: total / n };
}

describe.each([
  ['PPO', (p: Policy) => new PpoLearner(p, { ...PPO_DEFAULTS, learningRate: 3e-3, minibatchSize: 64 })],
  ['REINFORCE', (p: Policy) => new ReinforceLearner(p, { ...REINFORCE_DEFAULTS, learningRate: 1e-2 })],
])('%s', (_name, makeLearner) => {
  it('learns a contextual bandit (reward from 0.25 to > 0.9) without leaking tensors', () => {
    const head = new CategoricalHead(4);
    const policy = new Policy({ name: `bandit_${_name}`, network: { arch: 'mlp', obsSize: 3, hidden: [16] }, head: head.toJSON() }, { initSeed: 1 });
    const learner = makeLearner(policy);
    const rng = new Rng(3);
    const before = banditBatch(policy, rng, 256).meanReward;
    learner.update(banditBatch(policy, rng, 256).batch, rng);
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 60; i++) learner.update(banditBatch(policy, rng, 256).batch, rng);
    expect(tf.memory().numTensors).toBe(tensors);
    const after = banditBatch(policy, rng, 1024).meanReward;
    expect(before).toBeLessThan(0.45);
    expect(after).toBeGreaterThan(0.9);
    policy.dispose();
    learner.optimizer.dispose();
  });
});

it('a Gaussian policy learns to move its mean toward a rewarded target with PPO', () => {
  const head = new GaussianHead(2, { low: -1, high: 1 });
  const policy = new Policy({ name: 'gauss', network: { arch: 'mlp', obsSize: 1, hidden: [8], gaussian: { size: 2, logStdInit: -1 } }, head: head.toJSON() }, { initSeed: 2 });
  const learner = new PpoLearner(policy, { ...PPO_DEFAULTS, learningRate: 1e-2, minibatchSize: 128, entropyCoef: 0 });
  const rng = new Rng(4);
  const target = [0.5, -0.3];
  const meanDistance = () => {
    const r = policy.act(new Float32Array(64).fill(1), 64, rng);
    let d = 0;
    for (let i = 0; i < 64; i++) d += Math.hypot(r.actions[2 * i] - target[0], r.actions[2 * i + 1] - target[1]);
    return d / 64;
  };
  const start = meanDistance();
  for (let it = 0; it < 60; it++) {
    const n = 256;
    const obs = new Float32Array(n).fill(1);
    const r = policy.act(obs, n, rng);
    const ret = new Float32Array(n);
    const adv = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      ret[i] = -Math.hypot(r.actions[2 * i] - target[0], r.actions[2 * i + 1] - target[1]);
      adv[i] = ret[i] - r.value[i];
    }
    learner.update({ n, obsSize: 1, actionSize: 2, obs, actions: r.actions, logProb: r.logProb, values: r.value, advantages: adv, returns: ret }, rng);
  }
  const end = meanDistance();
  expect(end).toBeLessThan(start * 0.5);
  policy.dispose();
  learner.optimizer.dispose();
});
