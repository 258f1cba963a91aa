import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../agents/backend/index.js';
import { fusedRuntime } from '../agents/policy/fused/runtime.js';
import { Policy } from '../agents/policy/policy.js';
import { genericPolicySpec } from '../agents/policy/specs.js';
import { Box } from '../envs/core/spaces/box.js';
import { Discrete } from '../envs/core/spaces/discrete.js';
import type { RoleSpec } from '../envs/core/kernel.js';
import { Rng } from '../envs/core/rng.js';
import type { Batch } from '../training/learners/batch.js';
import { FusedPpoLearner } from '../training/learners/fused-ppo.js';
import { PPO_DEFAULTS, PpoLearner } from '../training/learners/ppo.js';
import { PolicyActor } from '../training/self-play/actors.js';
import { parseTrainConfig, type TrainConfig } from '../training/self-play/config.js';
import { playEpisode } from '../training/self-play/rollout.js';
import { SelfPlayTrainer } from '../training/self-play/trainer.js';
import { Trajectory } from '../training/self-play/trajectory.js';

/**
 * The fused engine computes the same policies as tfjs: forward passes, log-probabilities,
 * and PPO updates agree to float32 rounding on every network architecture and head; its
 * optimiser state converts to the checkpoint's tfjs form and back; a run's weights do not
 * depend on the thread count; and it allocates nothing per iteration.
 */
beforeAll(async () => {
  await selectBackend('cpu'); // the project's chooser: no tfjs greeting
});

/** Largest |a − b| over the arrays. */
function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]));
  return w;
}

/** One episode of every role played by tfjs policies, as learner batches (real observations). */
function episodeBatches(envId: string): { trainer: SelfPlayTrainer; batches: Batch[] } {
  const trainer = new SelfPlayTrainer(envId, {}, parseTrainConfig({ numEnvs: 4, engine: 'tfjs' }));
  const trajectories = trainer.sides.map((side, r) => {
    const p = trainer.policies[side];
    return new Trajectory(trainer.T, 4 * trainer.vec.roles[r].count, p.obsSize, p.head.actionSize, p.head.actionDtype === 'int32');
  });
  trainer.vec.reset({ seed: 3 });
  playEpisode(trainer.vec, trainer.sides.map((s) => new PolicyActor(trainer.policies[s])), new Rng(3, 3), trajectories, trainer.T);
  return { trainer, batches: trajectories.map((t) => t.toBatch(0.95, 0.95)) };
}

/** The same PPO steps with tfjs and with the fused engine, from the same weights; returns both policies' weights after. */
function bothUpdates(policy: Policy, batch: Batch, steps: number): { tfjs: Float32Array[]; fused: Float32Array[]; before: Float32Array[] } {
  const config = { ...PPO_DEFAULTS, minibatchSize: 64, epochs: 1, entropyCoef: 0.01, learningRate: 1e-3 };
  const part = { ...batch, n: 64 * Math.min(steps, Math.floor(batch.n / 64)) };
  if (part.n === 0) throw new Error(`the batch has ${batch.n} rows, fewer than one minibatch`);
  const before = policy.getWeights();
  const fused = policy.clone().useFused();
  const a = new PpoLearner(policy, config);
  const b = new FusedPpoLearner(fused, config);
  a.update(part, new Rng(5, 5));
  b.update(part, new Rng(5, 5));
  const out = { tfjs: policy.getWeights(), fused: fused.getWeights(), before };
  a.dispose();
  b.dispose();
  fused.dispose();
  return out;
}

describe('fused engine = tfjs', () => {
  it.each(['attention-market-v0', 'trade-market-v0', 'consensus-game-v0', 'emergent-alignment-v0'])(
    '%s: head parameters, values and log-probabilities agree on an episode, and so do up to 6 PPO steps',
    (envId) => {
      const { trainer, batches } = episodeBatches(envId);
      trainer.sides.forEach((side, r) => {
        const p = trainer.policies[side];
        const batch = batches[r];
        const n = Math.min(256, batch.n);
        const obs = batch.obs.subarray(0, n * p.obsSize);
        const actions = batch.actions.subarray(0, n * p.head.actionSize);
        const want = tf.tidy(() => {
          const { params, value } = p.forward(tf.tensor2d(obs, [n, p.obsSize]));
          const lp = p.head.logProb(params, tf.tensor2d(actions, [n, p.head.actionSize], p.head.actionDtype));
          return { params: params.dataSync(), value: value.dataSync(), logProb: lp.dataSync() };
        });
        const fused = p.clone().useFused();
        const params = fused.fused.headParams(obs, n);
        const value = fused.fused.values(obs, n);
        const logProb = new Float64Array(n);
        fused.fused.head.evaluate(params, n, actions, logProb, new Float64Array(n));
        const scale = Math.max(1, ...Array.from(want.params, Math.abs));
        expect(maxAbs(params, want.params) / scale, `${side} params`).toBeLessThan(1e-5);
        expect(maxAbs(value, want.value), `${side} values`).toBeLessThan(1e-5);
        expect(maxAbs(logProb, want.logProb), `${side} log-probabilities`).toBeLessThan(1e-4);
        fused.dispose();
        const after = bothUpdates(p, batch, 6);
        after.tfjs.forEach((w, i) => {
          // each step moves a weight by up to the learning rate; the engines agree far below it
          expect(maxAbs(after.fused[i], w), `${side} weight ${i}`).toBeLessThan(2e-6);
          expect(maxAbs(w, after.before[i]), `${side} weight ${i} moved`).toBeGreaterThan(0);
        });
      });
      trainer.dispose();
    },
  );

  it('a categorical head (a Discrete space) agrees too, in sampling, log-probabilities and updates', () => {
    const role = { name: 'chooser', observationSpace: new Box(-1, 1, [5]), actionSpace: new Discrete(4), count: 1 } as unknown as RoleSpec;
    const policy = new Policy(genericPolicySpec(role), { initSeed: 9 });
    const fused = policy.clone().useFused();
    const n = 128;
    const rng = new Rng(1, 1);
    const obs = Float32Array.from({ length: n * 5 }, () => rng.uniform() * 2 - 1);
    const a = policy.act(obs, n, new Rng(2, 2));
    const b = fused.act(obs, n, new Rng(2, 2));
    expect(Array.from(b.actions)).toEqual(Array.from(a.actions));
    expect(maxAbs(b.logProb, a.logProb)).toBeLessThan(1e-5);
    const batch: Batch = {
      n,
      obsSize: 5,
      actionSize: 1,
      obs,
      actions: a.actions,
      logProb: a.logProb,
      values: a.value,
      advantages: Float32Array.from({ length: n }, () => rng.uniform() * 2 - 1),
      returns: Float32Array.from({ length: n }, () => rng.uniform()),
    };
    const after = bothUpdates(policy, batch, 2);
    after.tfjs.forEach((w, i) => expect(maxAbs(after.fused[i], w)).toBeLessThan(2e-6));
    fused.dispose();
    policy.dispose();
  });

  it('the optimiser state goes to the checkpoint form (a tfjs Adam) and back without loss', async () => {
    const { trainer, batches } = episodeBatches('trade-market-v0');
    const p = trainer.policies['price-setter'].clone().useFused();
    const learner = new FusedPpoLearner(p, { ...PPO_DEFAULTS, minibatchSize: 64 });
    learner.update(batches[0], new Rng(1, 1));
    const { optimizer, owned } = await learner.exportOptimizer();
    expect(owned).toBe(true);
    expect(optimizer.iterations).toBe(learner.adam.steps);
    const fresh = new FusedPpoLearner(p.clone(), { ...PPO_DEFAULTS, minibatchSize: 64 });
    await fresh.adam.fromTfjs(optimizer);
    optimizer.dispose();
    const rt = fusedRuntime();
    const block = learner.adam.block;
    expect(fresh.adam.steps).toBe(learner.adam.steps);
    expect([fresh.adam.accBeta1, fresh.adam.accBeta2]).toEqual([learner.adam.accBeta1, learner.adam.accBeta2]);
    expect(rt.f32(fresh.adam.m, block.size)).toEqual(rt.f32(learner.adam.m, block.size));
    expect(rt.f32(fresh.adam.v, block.size)).toEqual(rt.f32(learner.adam.v, block.size));
    learner.dispose();
    fresh.dispose();
    trainer.dispose();
  });

  it('the tfjs learner refuses a policy on the fused engine (its updates would not reach the weights)', () => {
    const role = { name: 'x', observationSpace: new Box(-1, 1, [3]), actionSpace: new Box(-1, 1, [2]), count: 1 } as unknown as RoleSpec;
    const policy = new Policy(genericPolicySpec(role), { initSeed: 1 }).useFused();
    expect(() => new PpoLearner(policy)).toThrow(/fused engine/);
    policy.dispose();
  });
});

describe('fused engine in the trainer', () => {
  const train = (settings: Partial<TrainConfig>, iterations: number) => {
    const t = new SelfPlayTrainer('attention-market-v0', {}, parseTrainConfig({ numEnvs: 4, ...settings }));
    for (let i = 0; i < iterations; i++) t.iterate();
    return t;
  };

  it('auto picks it for PPO on a CPU backend and says why; REINFORCE stays on tfjs; asking for it with REINFORCE is refused', () => {
    const ppo = new SelfPlayTrainer('trade-market-v0', {}, parseTrainConfig({}));
    expect(ppo.engine.kind).toBe('fused');
    expect(ppo.engine.reason).toMatch(/fused .*cpu, a CPU backend/);
    ppo.dispose();
    const reinforce = new SelfPlayTrainer('trade-market-v0', {}, parseTrainConfig({ learner: 'reinforce' }));
    expect(reinforce.engine).toEqual({ kind: 'tfjs', reason: 'tfjs (cpu): the reinforce learner runs on tfjs' });
    reinforce.dispose();
    expect(() => new SelfPlayTrainer('trade-market-v0', {}, parseTrainConfig({ learner: 'reinforce', engine: 'fused' }))).toThrow(/engine.*not available here: the reinforce learner runs on tfjs/);
  });

  it('a run gives bit-identical weights on 1 and 2 threads', () => {
    const one = train({ threads: 1, engine: 'fused' }, 2);
    const two = train({ threads: 2, engine: 'fused' }, 2);
    for (const side of one.sides) expect(two.policies[side].getWeights()).toEqual(one.policies[side].getWeights());
    one.dispose();
    two.dispose();
    fusedRuntime().threads = 1;
  });

  it('allocates nothing per iteration once warm, and releases everything on dispose', () => {
    const rt = fusedRuntime();
    const before = rt.allocatedBytes;
    const t = train({ engine: 'fused' }, 1);
    const warm = rt.allocatedBytes;
    for (let i = 0; i < 3; i++) t.iterate();
    expect(rt.allocatedBytes).toBe(warm);
    t.dispose();
    expect(rt.allocatedBytes).toBe(before);
  });
});
