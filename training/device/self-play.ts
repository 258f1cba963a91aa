import * as tf from '@tensorflow/tfjs';
import type { Policy } from '../../agents/policy/policy.js';
import { Rng } from '../../envs/core/rng.js';
import type { TensorBatch } from '../learners/batch.js';
import type { ReturnScaler } from '../learners/return-scaler.js';
import { parseAttentionMarketOptions, type AttentionMarketOptions } from '../../games/attention-market/options.js';
import { TensorAttentionMarket } from '../../games/attention-market/tensor/index.js';
import type { TensorMarket } from './market.js';
import { makeNoise, type NoiseKind, type NoiseSource } from './noise.js';
import { DeviceOwnerMemory } from './owner-memory.js';
import type { EpisodeStats } from '../self-play/rollout.js';
import { EpisodeMeter } from './episode-meter.js';
import { TensorRollout } from './rollout-buffer.js';
import { disposeTensorBatch } from './tensor-batch.js';
import { sampleOnDevice, type DeviceSample } from './sampling.js';

export type Side = 'goal' | 'user';
const SIDES: readonly Side[] = ['goal', 'user'];
/** Role index of each side in the attention market. */
const ROLE: Record<Side, number> = { goal: 0, user: 1 };

export interface DeviceSelfPlayOptions {
  /** attention-market-v0 options (validated; defaults for what is left out). */
  envOptions?: unknown;
  /** B, the env copies played together. */
  numEnvs: number;
  /** Seed of the first reset; later episodes continue the env's own PRNG (as the trainer does). */
  seed: number;
  /** The policies being trained; a side that does not learn plays its frozen policy (or an opponent). */
  policies: Record<Side, Policy>;
  /** GAE's γ and λ (the train defaults: 0.95, 0.95). */
  gamma?: number;
  gaeLambda?: number;
  /** The sampling Rng (the trainer's `rng.sample`); default new Rng(seed, 101), as the trainer's. */
  rng?: Rng;
  /** Where the sampling noise comes from (see noise.ts); default 'tfjs'. */
  noise?: NoiseKind;
  /** Builds the batched market; default a TensorAttentionMarket (tests pass a stand-in). */
  makeEnv?: (options: AttentionMarketOptions, numEnvs: number, seed: number) => TensorMarket;
}

export interface DeviceEpisodeOptions {
  /** The sides whose transitions are collected into a batch. */
  learning: readonly Side[];
  /** Who plays a side that does not learn (a frozen snapshot); default that side's policy, unchanged. */
  opponents?: Partial<Record<Side, Policy>>;
  /** Return scalers of the learning sides (updated from two scalars read back per side). */
  scalers?: Partial<Record<Side, ReturnScaler>>;
}

/** One episode's outcome: what `playEpisode` of training/self-play/rollout.ts returns, plus tensor batches. */
export interface DeviceEpisode {
  stats: EpisodeStats;
  /** Per learning side, ready for `learner.updateFromTensors`; owned by the caller (see `dispose`). */
  batches: Partial<Record<Side, TensorBatch>>;
  /** Disposes the batches. */
  dispose(): void;
}

/**
 * Adversarial self-play episodes that stay on the device: both policies' forward passes,
 * sampling (noise per noise.ts), π_user's owner memory, the env (TensorMarket), the
 * rollout buffer, return scaling and GAE are tensor ops. What is read back to the host per
 * episode, and nothing else:
 * - one read of the metric sums (the env's round metrics and every agent's reward, 6 + G + U
 *   numbers for the defaults) at the end of the episode (EpisodeMeter);
 * - per learning side, the batch mean and M2 of its discounted returns (two numbers) for
 *   the ReturnScaler's running moments.
 * The learners' `updateFromTensors` then read back only their statistics.
 *
 * Usage (one iteration):
 *   const episode = selfPlay.playEpisode({ learning: ['goal', 'user'], scalers });
 *   for (const side of learning) stats[side] = learners[side].updateFromTensors(episode.batches[side]!, shuffleRng);
 *   episode.dispose();
 */
export class DeviceSelfPlay {
  readonly env: TensorMarket;
  readonly envOptions: AttentionMarketOptions;
  readonly policies: Record<Side, Policy>;
  readonly gamma: number;
  readonly gaeLambda: number;
  readonly rng: Rng;
  readonly noise: NoiseSource;
  readonly T: number;
  private readonly seed: number;
  private episodes = 0;
  private readonly memories = new Map<Side, DeviceOwnerMemory>();

  constructor(options: DeviceSelfPlayOptions) {
    const { seed, policies, numEnvs } = options;
    if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new RangeError(`DeviceSelfPlay: numEnvs must be a positive integer, got ${numEnvs}`);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`DeviceSelfPlay: seed must be a non-negative integer, got ${seed}`);
    this.gamma = options.gamma ?? 0.95;
    this.gaeLambda = options.gaeLambda ?? 0.95;
    for (const [name, v] of [['gamma', this.gamma], ['gaeLambda', this.gaeLambda]] as const) {
      if (!(v >= 0 && v <= 1)) throw new RangeError(`DeviceSelfPlay: ${name} must be in [0, 1], got ${v}`);
    }
    this.envOptions = parseAttentionMarketOptions(options.envOptions ?? {});
    this.T = this.envOptions.rounds;
    this.seed = seed;
    this.policies = policies;
    this.rng = options.rng ?? new Rng(seed, 101);
    this.noise = makeNoise(options.noise ?? 'tfjs', this.rng);
    this.env = (options.makeEnv ?? defaultMarket)(this.envOptions, numEnvs, seed);
    if (this.env.batch !== numEnvs) throw new RangeError(`DeviceSelfPlay: the market has ${this.env.batch} copies, numEnvs is ${numEnvs}`);
    for (const side of SIDES) this.checkPlayer(side, policies[side]);
  }

  /**
   * Plays one episode (T rounds) in every copy: resets the env (with the seed the first
   * time), then each round the goal phase and the user phase. Returns the episode's metric
   * means and, for each learning side, a TensorBatch with GAE advantages and returns.
   */
  playEpisode(options: DeviceEpisodeOptions): DeviceEpisode {
    const learning = new Set(options.learning);
    for (const side of learning) if (!SIDES.includes(side)) throw new RangeError(`DeviceSelfPlay: unknown side ${JSON.stringify(side)} (expected goal or user)`);
    const players = {} as Record<Side, Policy>;
    for (const side of SIDES) {
      const opponent = options.opponents?.[side];
      if (opponent && learning.has(side)) throw new Error(`DeviceSelfPlay: side "${side}" learns, so it cannot be played by an opponent`);
      players[side] = opponent ?? this.policies[side];
      this.checkPlayer(side, players[side]);
    }
    const env = this.env;
    const T = this.T;
    const counts = SIDES.map((side) => env.roles[ROLE[side]].count);
    const buffers: Partial<Record<Side, TensorRollout>> = {};
    for (const side of learning) {
      const p = players[side];
      buffers[side] = new TensorRollout(T, env.batch * counts[ROLE[side]], p.obsSize, p.head.actionSize);
    }
    env.reset(this.episodes === 0 ? this.seed : undefined);
    this.episodes++;

    const meter = new EpisodeMeter(env.batch, counts);
    const batches: Partial<Record<Side, TensorBatch>> = {};
    try {
      let t = 0;
      for (; t < T && !env.done; t++) {
        const goal = this.act('goal', players.goal, env.goalObservations());
        env.stepGoals(goal.sample.envAction);
        this.keep('goal', t, goal, buffers);
        const user = this.act('user', players.user, env.userObservations());
        const out = env.stepUsers(user.sample.envAction);
        this.keep('user', t, user, buffers);
        const rewards = [out.goalReward, out.userReward];
        meter.add(out.metrics, rewards);
        tf.dispose(Object.values(out.metrics));
        for (const side of SIDES) {
          const r = rewards[ROLE[side]];
          if (buffers[side]) buffers[side]!.reward(t, r, env.done);
          else r.dispose();
        }
      }
      if (t !== T || !env.done) throw new Error(`DeviceSelfPlay: the episode lasted ${env.round} rounds${env.done ? '' : ' and did not end'}, expected ${T}`);
      const stats = meter.finish();
      for (const side of learning) batches[side] = buffers[side]!.toBatch(this.gamma, this.gaeLambda, options.scalers?.[side]);
      return { stats, batches, dispose: () => disposeBatches(batches) };
    } catch (e) {
      disposeBatches(batches);
      throw e;
    } finally {
      meter.dispose();
      for (const side of SIDES) buffers[side]?.dispose();
    }
  }

  /** Env steps (rounds over copies) of one episode: the trainer's unit of `step`. */
  get stepsPerEpisode(): number {
    return this.T * this.env.batch;
  }

  /** Disposes the market and π_user's owner memory (not the policies). */
  dispose(): void {
    for (const m of this.memories.values()) m.dispose();
    this.memories.clear();
    this.env.dispose();
  }

  /** The side's observations (with owner memory where its spec has one) and its sample. */
  private act(side: Side, policy: Policy, raw: tf.Tensor2D): { obs: tf.Tensor2D; sample: DeviceSample } {
    let obs = raw;
    const layout = policy.spec.memory;
    if (layout) {
      let memory = this.memories.get(side);
      if (!memory || memory.layout !== layout) {
        memory?.dispose();
        memory = new DeviceOwnerMemory(layout);
        this.memories.set(side, memory);
      }
      obs = memory.augment(raw);
      raw.dispose();
    }
    const noise = this.noise.draw(policy.head, obs.shape[0]);
    try {
      return { obs, sample: sampleOnDevice(policy, obs, noise) };
    } finally {
      noise.dispose();
    }
  }

  /** Hands the round's observations and sample to the side's buffer, or disposes them. */
  private keep(side: Side, t: number, step: { obs: tf.Tensor2D; sample: DeviceSample }, buffers: Partial<Record<Side, TensorRollout>>): void {
    step.sample.envAction.dispose();
    const buffer = buffers[side];
    if (buffer) buffer.record(t, step.obs, step.sample);
    else tf.dispose([step.obs, step.sample.actions, step.sample.logProb, step.sample.value]);
  }

  private checkPlayer(side: Side, policy: Policy): void {
    const role = this.env.roles[ROLE[side]];
    const envObs = role.observationSpace.flatSize as number;
    const extra = policy.spec.memory ? policy.spec.network.obsSize - policy.spec.memory.obsSize : 0;
    if (policy.obsSize - extra !== envObs) {
      throw new RangeError(`DeviceSelfPlay: the ${side} policy "${policy.spec.name}" reads ${policy.obsSize - extra} observation numbers, the env's ${role.name} observation has ${envObs}`);
    }
  }
}

function disposeBatches(batches: Partial<Record<Side, TensorBatch>>): void {
  for (const b of Object.values(batches)) if (b) disposeTensorBatch(b);
}

function defaultMarket(options: AttentionMarketOptions, numEnvs: number, seed: number): TensorMarket {
  return new TensorAttentionMarket(options, numEnvs, { seed });
}
