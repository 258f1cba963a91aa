/**
 * TensorAttentionMarket (games/attention-market/tensor) against the typed-array VecEnv: given
 * the same hidden state and the same feedback draws, observations, rewards and metrics agree
 * to float32 rounding over whole episodes, on the cpu and the wasm backends; plus the game's
 * known results on device-drawn states, the ridge update against the float64 RidgeBank,
 * determinism, bad input, and tensor bookkeeping.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, type BackendName } from '../agents/backend/index.js';
import { AttentionMarketKernel } from '../games/attention-market/kernel.js';
import { parseAttentionMarketOptions, type AttentionMarketOptions } from '../games/attention-market/options.js';
import { RidgeBank } from '../games/attention-market/ridge.js';
import { clusteredTastes, ridgeUpdate, TensorAttentionMarket } from '../games/attention-market/tensor/index.js';
import { clusteredTaste } from '../games/attention-market/tastes.js';
import { ActionError, EnvStateError, OptionError } from '../envs/core/errors.js';
import { makeVec } from '../envs/core/registry.js';
import { Rng } from '../envs/core/rng.js';
import type { VecEnv } from '../envs/core/vector-env.js';
import '../envs/registry.js';

const ID = 'attention-market-v0';

/** |actual − expected| ≤ tol · max(1, |expected|) everywhere, else a message naming the first miss. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (!(Math.abs(actual[i] - e) <= tol * Math.max(1, Math.abs(e)))) {
      throw new Error(`${what}: element ${i} is ${actual[i]}, the VecEnv has ${e} (tolerance ${tol})`);
    }
  }
}

function readAndDispose(t: tf.Tensor): Float32Array | Int32Array {
  const v = t.dataSync() as Float32Array | Int32Array;
  t.dispose();
  return v;
}

/** N distinct indices of [0, P) into out[off ..]. */
function randomSubset(rng: Rng, P: number, N: number, out: Int32Array, off: number): void {
  const idx = Array.from({ length: P }, (_, i) => i);
  for (let n = 0; n < N; n++) {
    const k = n + rng.int(P - n);
    [idx[n], idx[k]] = [idx[k], idx[n]];
    out[off + n] = idx[n];
  }
}

/** Each goal is honest, random in the Box (mostly outside the ball), small, or honest plus noise. */
function fillGoalActions(vec: VecEnv, grounded: Float64Array, o: AttentionMarketOptions, rng: Rng): void {
  const { dim: D, creationsPerGoal: M } = o;
  const act = vec.roles[0].actions as Float32Array;
  for (let bk = 0; bk < act.length / (M * D); bk++) {
    const mode = rng.int(4);
    for (let m = 0; m < M; m++) {
      for (let d = 0; d < D; d++) {
        const g = grounded[bk * D + d];
        const u = 2 * rng.uniform() - 1;
        const v = mode === 0 ? g : mode === 1 ? u : mode === 2 ? 0.2 * u : Math.min(1, Math.max(-1, g + 0.05 * u));
        act[(bk * M + m) * D + d] = v;
      }
    }
  }
}

/** Plays `episodes` whole episodes of both and checks that they agree after every phase. */
function agree(input: Record<string, unknown>, B: number, seed: number, episodes: number): void {
  const o = parseAttentionMarketOptions(input);
  const { dim: D, users: U, goals: G, creationsPerGoal: M, slots: N, rounds: T } = o;
  const vec = makeVec(ID, { numEnvs: B, options: input, autoreset: 'disabled' });
  const kernel = vec.kernel as AttentionMarketKernel;
  const before = tf.memory().numTensors;
  const env = new TensorAttentionMarket(o, B);
  const rng = new Rng(seed + 1000);
  // Measured worst relative deviations: 1.2e-7 (observations), 6e-7 (rewards), 9e-7 (q after
  // up to T·N float32 Sherman–Morrison steps); the tolerances leave about 10× room.
  const obsTol = 1e-6;
  const rewardTol = 5e-6;
  const estTol = 1e-5;
  const sameObs = (what: string): void => {
    const goalObs = readAndDispose(env.goalObservations());
    expectClose(goalObs, vec.roles[0].observations, obsTol, `${what}: goal observations`);
    const userObs = readAndDispose(env.userObservations());
    const size = env.userObsSize;
    const estimateAt = env.spaces.userObservation.offsets.estimate;
    for (let row = 0; row < B * U; row++) {
      const a = userObs.subarray(row * size, (row + 1) * size);
      const e = vec.roles[1].observations.subarray(row * size, (row + 1) * size);
      expectClose(a.subarray(0, estimateAt), e.subarray(0, estimateAt), obsTol, `${what}: user row ${row} pool and owners`);
      expectClose(a.subarray(estimateAt, estimateAt + D), e.subarray(estimateAt, estimateAt + D), estTol, `${what}: user row ${row} estimate`);
      expectClose(a.subarray(estimateAt + D), e.subarray(estimateAt + D), obsTol, `${what}: user row ${row} selection, feedback, progress`);
    }
  };
  try {
    for (let ep = 0; ep < episodes; ep++) {
      vec.reset(ep === 0 ? { seed } : {});
      env.reset(undefined, { preferences: kernel.preferences, grounded: kernel.grounded });
      sameObs(`episode ${ep} reset`);
      for (let t = 0; t < T; t++) {
        expect(env.round).toBe(t);
        fillGoalActions(vec, kernel.grounded, o, rng);
        const creations = tf.tensor2d(vec.roles[0].actions as Float32Array, [B * G, M * D]);
        vec.step();
        env.stepGoals(creations);
        creations.dispose();
        sameObs(`episode ${ep} round ${t} goal phase`);

        const sel = vec.roles[1].actions as Int32Array;
        for (let row = 0; row < B * U; row++) randomSubset(rng, G * M, N, sel, row * N);
        const draws = new Float64Array(B * U * N);
        for (let i = 0; i < draws.length; i++) draws[i] = Math.fround(o.feedback === 'click' ? rng.uniform() : rng.normal());
        kernel.feedbackDraws = draws;
        const selection = tf.tensor2d(sel, [B * U, N], 'int32');
        const drawTensor = tf.tensor3d(Float32Array.from(draws), [B, U, N]);
        vec.step();
        const res = env.stepUsers(selection, drawTensor);
        selection.dispose();
        drawTensor.dispose();
        const what = `episode ${ep} round ${t} user phase`;
        expectClose(readAndDispose(res.goalReward), vec.roles[0].rewards, rewardTol, `${what}: goal rewards`);
        expectClose(readAndDispose(res.userReward), vec.roles[1].rewards, rewardTol, `${what}: user rewards`);
        kernel.metricNames.forEach((name, m) => {
          let mean = 0;
          for (let b = 0; b < B; b++) mean += kernel.metrics[b * kernel.metricNames.length + m] / B;
          const got = readAndDispose(res.metrics[name as keyof typeof res.metrics])[0];
          expectClose([got], [mean], name === 'estimateError' ? estTol : rewardTol, `${what}: metric ${name}`);
        });
        sameObs(what);
        expect(env.done).toBe(t === T - 1);
        expect(vec.truncations[0]).toBe(t === T - 1 ? 1 : 0);
      }
    }
  } finally {
    kernel.feedbackDraws = null;
    env.dispose();
  }
  expect(tf.memory().numTensors).toBe(before);
}

const OPTION_SETS: Record<string, unknown>[] = [
  {}, // the defaults: click, D 16, U 4, G 8, M 2, N 3, T 32
  { feedback: 'rating', dim: 5, users: 3, goals: 5, creationsPerGoal: 1, slots: 1, rounds: 12, costWeight: 0.5, creationCost: 0.1, ratingNoise: 0.3 },
  { feedback: 'click', dim: 7, users: 2, goals: 3, creationsPerGoal: 3, slots: 9, rounds: 10, learnFrom: 'grounded', ridgePrior: 0.2, feedbackSharpness: 2 },
  { feedback: 'rating', dim: 2, users: 1, goals: 4, creationsPerGoal: 2, slots: 5, rounds: 10, goalReward: 'regret', estimator: 'none' },
  { feedback: 'click', dim: 1, users: 3, goals: 2, creationsPerGoal: 2, slots: 2, rounds: 8, feedbackSharpness: 0, goalReward: 'regret', costWeight: 2 },
];

/** Honest goals (e = g from the observation) and users that rank by θ·e: both in tf ops. */
function honestCreations(env: TensorAttentionMarket): tf.Tensor2D {
  return tf.tidy(() => {
    const obs = env.goalObservations();
    return tf.tile(tf.slice(obs, [0, 0], [-1, env.D]), [1, env.M]) as tf.Tensor2D;
  });
}
function oracleSelection(env: TensorAttentionMarket): tf.Tensor2D {
  return tf.tidy(() => {
    const { batch: B, U, P, D, N } = env;
    const pool = tf.reshape(tf.slice(env.userObservations(), [0, 0], [-1, P * D]), [B * U, P, D]);
    const theta = tf.reshape(env.preferences, [B * U, D, 1]);
    return tf.topk(tf.reshape(tf.matMul(pool, theta), [B * U, P]), N).indices as tf.Tensor2D;
  });
}

/** cpu and wasm always; TENSOR_ENV_BACKENDS=cpu,wasm,webgpu adds others where they start. */
const BACKENDS = (process.env.TENSOR_ENV_BACKENDS ?? 'cpu,wasm').split(',') as BackendName[];

describe.each(BACKENDS)('TensorAttentionMarket on the %s backend', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
    expect(tf.getBackend()).toBe(backend);
  });

  it.each(OPTION_SETS.map((o, i) => [i, o] as const))('agrees with the VecEnv over whole episodes, option set %i (%o)', (_, input) => {
    agree(input, 3, 11, input.rounds === undefined ? 1 : 2);
  });

  it('keeps the ridge estimate as the float64 RidgeBank does (q = A⁻¹b, A⁻¹ the inverse of αI + Σxxᵀ)', () => {
    const R = 3;
    const D = 6;
    const N = 4;
    const alpha = 0.5;
    const rng = new Rng(5);
    const bank = new RidgeBank(R, D);
    for (let i = 0; i < R; i++) bank.reset(i, alpha);
    let ainv = tf.tile(tf.expandDims(tf.mul(tf.eye(D), 1 / alpha), 0), [R, 1, 1]) as tf.Tensor3D;
    let q = tf.zeros([R, D]) as tf.Tensor2D;
    for (let round = 0; round < 20; round++) {
      const x = new Float32Array(R * N * D).map(() => Math.fround(rng.normal() * 0.5));
      const t = new Float32Array(R * N).map(() => Math.fround(rng.normal()));
      for (let i = 0; i < R; i++) for (let n = 0; n < N; n++) bank.update(i, x, (i * N + n) * D, t[i * N + n]);
      const next = tf.tidy(() => ridgeUpdate(ainv, q, tf.tensor3d(x, [R, N, D]), tf.tensor2d(t, [R, N])));
      ainv.dispose();
      q.dispose();
      ({ ainv, q } = next);
    }
    expectClose(q.dataSync(), bank.estimate, 2e-4, 'q');
    const a = ainv.dataSync();
    const expectedA = new Float64Array(R * D * D);
    for (let i = 0; i < R; i++) for (let r = 0; r < D; r++) for (let c = 0; c < D; c++) expectedA[(i * D + r) * D + c] = bank.ainv[i * bank.dp * bank.dp + r * bank.dp + c];
    expectClose(a, expectedA, 2e-5, 'A⁻¹');
    for (let i = 0; i < R; i++) for (let r = 0; r < D; r++) for (let c = 0; c < r; c++) expect(a[(i * D + r) * D + c]).toBe(a[(i * D + c) * D + r]);
    ainv.dispose();
    q.dispose();
  });

  it('honest goals and oracle users: zero regret and zero generation cost every round, on drawn states', () => {
    const env = new TensorAttentionMarket(parseAttentionMarketOptions({ dim: 3, goals: 5, slots: 4, rounds: 5 }), 16, { seed: 3 });
    env.reset();
    for (let t = 0; t < env.T; t++) {
      const c = honestCreations(env);
      env.stepGoals(c);
      c.dispose();
      const s = oracleSelection(env);
      const res = env.stepUsers(s);
      s.dispose();
      expect(Array.from(readAndDispose(res.userReward)).every((r) => r === 0)).toBe(true);
      expect(readAndDispose(res.metrics.meanRegret)[0]).toBe(0);
      expect(readAndDispose(res.metrics.meanGenerationCost)[0]).toBe(0);
      expect(readAndDispose(res.metrics.honesty)[0]).toBe(0);
      // Visibility: each goal's reward is its slots won (cost 0), and the B·U·N slots are all filled.
      const rewards = readAndDispose(res.goalReward);
      expect(Array.from(rewards).reduce((a, b) => a + b, 0)).toBe(env.batch * env.U * env.N);
      for (const m of Object.values(res.metrics)) m.dispose();
    }
    // Drawn preferences and grounded embeddings are unit rows.
    for (const t of [env.preferences, env.grounded]) {
      const v = t.dataSync();
      for (let row = 0; row < v.length / env.D; row++) {
        let n2 = 0;
        for (let d = 0; d < env.D; d++) n2 += v[row * env.D + d] ** 2;
        expect(Math.abs(Math.sqrt(n2) - 1)).toBeLessThan(1e-5);
      }
    }
    env.dispose();
  });

  it('keeps tf.memory().numTensors flat over a long run with drawn noise', () => {
    const env = new TensorAttentionMarket(parseAttentionMarketOptions({ rounds: 6 }), 8, { seed: 1 });
    const play = (): void => {
      env.reset();
      while (!env.done) {
        const c = honestCreations(env);
        env.stepGoals(c);
        c.dispose();
        const s = oracleSelection(env);
        const res = env.stepUsers(s);
        s.dispose();
        tf.dispose([res.goalReward, res.userReward, ...Object.values(res.metrics)]);
      }
    };
    play();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) play();
    expect(tf.memory().numTensors).toBe(before);
    env.dispose();
  });
});

describe('TensorAttentionMarket: random draws, errors, bookkeeping', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  /** A few rounds of honest goals and random users (selection from a seeded host Rng); returns every output. */
  function trajectory(env: TensorAttentionMarket, seed: number | undefined, rounds: number): number[] {
    const rng = new Rng(77);
    const out: number[] = [];
    env.reset(seed);
    out.push(...env.preferences.dataSync(), ...env.grounded.dataSync());
    for (let t = 0; t < rounds; t++) {
      const c = honestCreations(env);
      env.stepGoals(c);
      c.dispose();
      const sel = new Int32Array(env.batch * env.U * env.N);
      for (let row = 0; row < env.batch * env.U; row++) randomSubset(rng, env.P, env.N, sel, row * env.N);
      const selection = tf.tensor2d(sel, [env.batch * env.U, env.N], 'int32');
      const res = env.stepUsers(selection);
      selection.dispose();
      out.push(...readAndDispose(res.userReward), ...readAndDispose(res.goalReward));
      for (const m of Object.values(res.metrics)) out.push(readAndDispose(m)[0]);
      out.push(...readAndDispose(env.userObservations()));
    }
    return out;
  }

  it('same seed, same trajectory; another seed, another hidden state', () => {
    const o = parseAttentionMarketOptions({ dim: 4, rounds: 4 });
    const a = new TensorAttentionMarket(o, 4, { seed: 9 });
    const b = new TensorAttentionMarket(o, 4);
    const first = trajectory(a, undefined, 4);
    expect(trajectory(b, 9, 4)).toEqual(first);
    expect(trajectory(a, 9, 4)).toEqual(first);
    expect(trajectory(a, 10, 4).slice(0, 10)).not.toEqual(first.slice(0, 10));
    // reset() without a seed goes on with the stream: a new episode, not a replay.
    expect(trajectory(b, undefined, 1).slice(0, 10)).not.toEqual(first.slice(0, 10));
    a.dispose();
    b.dispose();
  });

  it('tasteClusters = 0 draws the tastes and goals it drew before the option existed', () => {
    // Recorded before tasteClusters was added: dim 4, batch 2, seed 9.
    const env = new TensorAttentionMarket({ dim: 4, tasteClusters: 0 }, 2, { seed: 9 });
    env.reset();
    expect(Array.from(env.preferences.dataSync().slice(0, 3))).toEqual([0.7401001453399658, -0.37073415517807007, -0.5398082733154297]);
    expect(Array.from(env.grounded.dataSync().slice(-2))).toEqual([-0.4270131587982178, 0.28923705220222473]);
    env.dispose();
  });

  it("clusteredTastes agrees with the kernel's clusteredTaste on the same centres, assignment and z", () => {
    const rng = new Rng(21);
    const [B, K, U, D, s] = [3, 4, 5, 6, 0.7];
    const centres = new Float64Array(B * K * D);
    for (let i = 0; i < B * K; i++) rng.unitVector(centres, i * D, D);
    const assignment = Int32Array.from({ length: B * U }, () => rng.int(K));
    const z = new Float64Array(B * U * D);
    rng.fillNormal(z, 0, z.length, 0, 1 / Math.sqrt(D));
    const host = new Float64Array(B * U * D);
    for (let row = 0; row < B * U; row++) clusteredTaste(host, row * D, centres, (Math.floor(row / U) * K + assignment[row]) * D, z, row * D, s, D);
    const device = tf.tidy(() =>
      clusteredTastes(tf.tensor3d(Float32Array.from(centres), [B, K, D]), tf.tensor2d(assignment, [B, U], 'int32'), tf.tensor3d(Float32Array.from(z), [B, U, D]), s),
    );
    expectClose(readAndDispose(device), host, 1e-6, 'θ');
  });

  it('tasteClusters ≥ 1: unit tastes clustered as the kernel clusters them (mean cosine between users of a copy)', () => {
    const o = parseAttentionMarketOptions({ dim: 16, users: 8, tasteClusters: 2, tasteSpread: 0.5 });
    const B = 256;
    const pairCosines = (theta: ArrayLike<number>): number[] => {
      const out: number[] = [];
      for (let b = 0; b < B; b++) {
        let sum = 0;
        for (let i = 0; i < o.users; i++) for (let j = i + 1; j < o.users; j++) for (let d = 0; d < o.dim; d++) sum += theta[((b * o.users + i) * o.dim) + d] * theta[((b * o.users + j) * o.dim) + d];
        out.push(sum / ((o.users * (o.users - 1)) / 2));
      }
      return out;
    };
    const env = new TensorAttentionMarket(o, B, { seed: 3 });
    env.reset();
    const theta = env.preferences.dataSync();
    env.dispose();
    for (let row = 0; row < B * o.users; row++) {
      let n2 = 0;
      for (let d = 0; d < o.dim; d++) n2 += theta[row * o.dim + d] ** 2;
      expect(n2).toBeCloseTo(1, 5);
    }
    const vec = makeVec(ID, { numEnvs: B, options: o });
    vec.reset({ seed: 3 });
    const kernelCos = pairCosines((vec.kernel as AttentionMarketKernel).preferences);
    vec.close();
    const mean = (x: number[]) => x.reduce((a, v) => a + v, 0) / x.length;
    const se = (x: number[]) => Math.sqrt(x.reduce((a, v) => a + (v - mean(x)) ** 2, 0) / (x.length - 1) / x.length);
    const device = pairCosines(theta);
    // Two users share a centre with probability 1/2: E[cos] ≈ ½·E[c·θ]² ≈ 0.4 here, far from 0 (independent tastes).
    expect(mean(device)).toBeGreaterThan(0.3);
    expect(Math.abs(mean(device) - mean(kernelCos))).toBeLessThan(4 * Math.hypot(se(device), se(kernelCos)));
  });

  it('draws click feedback with probability σ(β r) and ratings with noise s', () => {
    for (const feedback of ['click', 'rating'] as const) {
      const o = parseAttentionMarketOptions({ feedback, dim: 4, goals: 4, creationsPerGoal: 1, slots: 2, rounds: 3, feedbackSharpness: 3, ratingNoise: 0.2 });
      const env = new TensorAttentionMarket(o, 512, { seed: 4 });
      env.reset();
      let num = 0;
      let den = 0;
      let n = 0;
      for (let t = 0; t < o.rounds; t++) {
        const c = honestCreations(env);
        env.stepGoals(c);
        c.dispose();
        const s = oracleSelection(env);
        tf.dispose(Object.values(env.stepUsers(s)).flatMap((v) => (v instanceof tf.Tensor ? [v] : Object.values(v))));
        // r of each selection, recomputed on the host from θ, g and the selection.
        const sel = s.dataSync();
        s.dispose();
        const theta = env.preferences.dataSync();
        const g = env.grounded.dataSync();
        const obs = readAndDispose(env.userObservations());
        const fb = env.spaces.userObservation.offsets.lastFeedback;
        for (let row = 0; row < env.batch * env.U; row++) {
          const b = Math.floor(row / env.U);
          for (let k = 0; k < env.N; k++) {
            const goal = sel[row * env.N + k];
            let r = 0;
            for (let d = 0; d < env.D; d++) r += theta[row * env.D + d] * g[(b * env.G + goal) * env.D + d];
            const y = obs[row * env.userObsSize + fb + k];
            if (feedback === 'click') {
              expect(y === 0 || y === 1).toBe(true);
              num += y;
              den += 1 / (1 + Math.exp(-3 * r));
            } else {
              num += (y - r) ** 2;
              den += y - r;
            }
            n++;
          }
        }
      }
      if (feedback === 'click') {
        // 3072 Bernoulli draws: the click count is within 4 standard deviations of Σσ.
        expect(Math.abs(num - den)).toBeLessThan(4 * Math.sqrt(n / 4));
      } else {
        expect(Math.abs(den / n)).toBeLessThan(0.02); // mean noise ≈ 0
        expect(Math.sqrt(num / n)).toBeGreaterThan(0.18);
        expect(Math.sqrt(num / n)).toBeLessThan(0.22);
      }
      env.dispose();
    }
  });

  it('has the VecEnv roles and observation sizes', () => {
    const o = parseAttentionMarketOptions({ dim: 3, users: 2, goals: 3, creationsPerGoal: 2, slots: 2 });
    const env = new TensorAttentionMarket(o, 2);
    const kernel = new AttentionMarketKernel(o, 2);
    expect(env.roles.map((r) => [r.name, r.count, r.observationSpace.flatSize, r.actionSpace.flatSize])).toEqual(
      kernel.roles.map((r) => [r.name, r.count, r.observationSpace.flatSize, r.actionSpace.flatSize]),
    );
    env.reset(0);
    const g = env.goalObservations();
    const u = env.userObservations();
    expect(g.shape).toEqual([2 * 3, kernel.goalObsSize]);
    expect(u.shape).toEqual([2 * 2, kernel.userObsSize]);
    tf.dispose([g, u]);
    env.dispose();
  });

  it('rejects bad options, bad calls and bad tensors with clear errors, leaving the state as it was', () => {
    expect(() => new TensorAttentionMarket({ slots: 99 } as AttentionMarketOptions, 2)).toThrow(OptionError);
    expect(() => new TensorAttentionMarket({ feedback: 'smile' } as unknown as AttentionMarketOptions, 2)).toThrow(/option "feedback" = "smile" is not allowed/);
    const o = parseAttentionMarketOptions({ dim: 2, users: 2, goals: 2, creationsPerGoal: 2, slots: 2, rounds: 1 });
    expect(() => new TensorAttentionMarket(o, 0)).toThrow(/batch must be an integer in \[1, 1048576\], got 0/);
    expect(() => new TensorAttentionMarket(o, 2, { seed: -1 })).toThrow(/seed must be a non-negative safe integer/);
    const before = tf.memory().numTensors;
    const env = new TensorAttentionMarket(o, 2, { validate: true });
    const t = {
      good: tf.zeros([4, 4]) as tf.Tensor2D,
      narrow: tf.zeros([4, 3]) as tf.Tensor2D,
      ints: tf.zeros([4, 4], 'int32') as tf.Tensor2D,
      nan: tf.fill([4, 4], NaN) as tf.Tensor2D,
      selection: tf.tensor2d([0, 1, 2, 3, 1, 0, 0, 2], [4, 2], 'int32'),
      duplicate: tf.tensor2d([0, 1, 2, 3, 1, 1, 0, 2], [4, 2], 'int32'),
      outOfRange: tf.tensor2d([0, 1, 2, 3, 1, 0, 0, 4], [4, 2], 'int32'),
      shortDraws: tf.zeros([5]),
    };
    expect(() => env.goalObservations()).toThrow(/goalObservations\(\) before reset\(\)/);
    expect(() => env.reset(0, { preferences: [1, 2, 3], grounded: new Float32Array(8) })).toThrow(/hidden.preferences must hold 8 numbers \(\[2, 2, 2\], row-major\), got 3/);
    env.reset(0);
    expect(() => env.stepGoals(t.narrow)).toThrow(/stepGoals: creations must have shape \[4, 4\], got \[4, 3\]/);
    expect(() => env.stepGoals(t.ints)).toThrow(/creations must have dtype float32, got int32/);
    expect(() => env.stepGoals(new Float32Array(16) as unknown as tf.Tensor2D)).toThrow(/creations must be a tf.Tensor of shape \[4, 4\] \(float32\)/);
    expect(() => env.stepGoals(t.nan)).toThrow(ActionError);
    expect(() => env.stepGoals(t.nan)).toThrow(/action of agent "goal_0 of copy 0"/);
    expect(() => env.stepUsers(t.selection)).toThrow(/stepUsers\(\) out of turn: a round is stepGoals\(\) then stepUsers\(\), and stepGoals\(\) is next/);
    env.stepGoals(t.good);
    expect(() => env.stepGoals(t.good)).toThrow(/and stepUsers\(\) is next/);
    const userObs = readAndDispose(env.userObservations());
    expect(() => env.stepUsers(t.duplicate)).toThrow(/action of agent "user_0 of copy 1": index 1 appears twice/);
    expect(() => env.stepUsers(t.outOfRange)).toThrow(/action of agent "user_1 of copy 1"/);
    expect(() => env.stepUsers(t.selection, t.shortDraws)).toThrow(/feedbackDraws must have shape \[2, 2, 2\] \(or any shape of 8 elements\), got \[5\]/);
    expect(env.round).toBe(0);
    expect(readAndDispose(env.userObservations())).toEqual(userObs);
    const res = env.stepUsers(t.selection);
    tf.dispose([res.goalReward, res.userReward, ...Object.values(res.metrics)]);
    expect(env.done).toBe(true);
    expect(() => env.stepGoals(t.good)).toThrow(/after the episode ended \(1 rounds\); call reset\(\)/);
    env.dispose();
    expect(() => env.reset(0)).toThrow(/reset\(\) after dispose\(\)/);
    tf.dispose(Object.values(t));
    expect(tf.memory().numTensors).toBe(before);
  });
});
