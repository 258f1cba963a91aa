import * as tf from '@tensorflow/tfjs';
import type { Policy } from '../../agents/policy/policy.js';
import { Rng } from '../../envs/core/rng.js';
import type { TensorBatch } from '../learners/batch.js';
import type { ReturnScaler } from '../learners/return-scaler.js';
import type { Rollout, RolloutBatch, RolloutRequest, RolloutSource, Side } from '../rollouts/source.js';
import { EpisodeMeter } from './episode-meter.js';
import { makeNoise, type NoiseKind, type NoiseSource } from './noise.js';
import { DeviceOwnerMemory } from './owner-memory.js';
import { TensorRollout } from './rollout-buffer.js';
import { sampleOnDevice, type DeviceSample } from './sampling.js';
import { disposeTensorBatch } from './tensor-batch.js';
import type { RoundOutcome, TensorGame, TensorGameFactory } from './tensor-game.js';

export interface DeviceSelfPlayOptions {
  /** The game's tensor form (`GameTraining.tensor`, or a test's stand-in). */
  tensor: TensorGameFactory;
  /** The env options it is built with. */
  envOptions: unknown;
  /** T, the rounds of an episode. */
  rounds: number;
  /** B, the env copies played together. */
  numEnvs: number;
  /** Seed of the first reset; later episodes continue the env's own PRNG (as the trainer does). */
  seed: number;
  /** The policies being trained, by side (role name); a side that does not learn plays its opponent. */
  policies: Readonly<Record<Side, Policy>>;
  /** Return scalers of the sides that may learn (each updated from two scalars read back per episode). */
  scalers?: Readonly<Partial<Record<Side, ReturnScaler>>>;
  /** GAE's γ and λ (the train defaults: 0.95, 0.95). */
  gamma?: number;
  gaeLambda?: number;
  /** The sampling Rng (the trainer's `rng.sample`); default new Rng(seed, 101), as the trainer's. */
  rng?: Rng;
  /** Where the sampling noise comes from (see noise.ts); default 'tfjs'. */
  noise?: NoiseKind;
}

/** A role's observations (with owner memory where its policy's spec has one) and its sample. */
interface Step {
  obs: tf.Tensor2D;
  sample: DeviceSample;
}

/**
 * Self-play episodes that stay on the device (a RolloutSource): every side's forward pass,
 * sampling (noise per noise.ts), owner memory, the game's tensor form (TensorGame), the
 * rollout buffer, return scaling and GAE are tensor ops. What is read back to the host per
 * episode, and nothing else:
 * - one read of the metric sums (the game's round metrics and every agent's reward) at the
 *   end of the episode (EpisodeMeter);
 * - per learning side with a scaler, the batch mean and M2 of its discounted returns (two
 *   numbers) for the ReturnScaler's running moments.
 * The learners' `updateFromTensors` then read back only their statistics.
 *
 * Usage (one iteration):
 *   const episode = selfPlay.collect({ learning: ['goal', 'user'] });
 *   for (const side of learning) stats[side] = updateFrom(learners[side], episode.batches[side]!, shuffleRng);
 *   episode.dispose();
 */
export class DeviceSelfPlay implements RolloutSource {
  readonly env: TensorGame;
  readonly policies: Readonly<Record<Side, Policy>>;
  readonly gamma: number;
  readonly gaeLambda: number;
  readonly rng: Rng;
  readonly noise: NoiseSource;
  readonly T: number;
  private readonly scalers: Readonly<Partial<Record<Side, ReturnScaler>>>;
  private readonly seed: number;
  private episodes = 0;
  /** Owner memory per role index. */
  private readonly memories = new Map<number, DeviceOwnerMemory>();

  constructor(options: DeviceSelfPlayOptions) {
    const { seed, policies, numEnvs, rounds } = options;
    if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new RangeError(`DeviceSelfPlay: numEnvs must be a positive integer, got ${numEnvs}`);
    if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`DeviceSelfPlay: rounds must be a positive integer, got ${rounds}`);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`DeviceSelfPlay: seed must be a non-negative integer, got ${seed}`);
    this.gamma = options.gamma ?? 0.95;
    this.gaeLambda = options.gaeLambda ?? 0.95;
    for (const [name, v] of [['gamma', this.gamma], ['gaeLambda', this.gaeLambda]] as const) {
      if (!(v >= 0 && v <= 1)) throw new RangeError(`DeviceSelfPlay: ${name} must be in [0, 1], got ${v}`);
    }
    this.T = rounds;
    this.seed = seed;
    this.policies = policies;
    this.scalers = options.scalers ?? {};
    this.rng = options.rng ?? new Rng(seed, 101);
    this.noise = makeNoise(options.noise ?? 'tfjs', this.rng);
    const env = (this.env = options.tensor(options.envOptions, numEnvs));
    try {
      if (env.batch !== numEnvs) throw new RangeError(`DeviceSelfPlay: the tensor env has ${env.batch} copies, numEnvs is ${numEnvs}`);
      env.roles.forEach((role, r) => {
        const policy = policies[role.name];
        if (!policy) throw new RangeError(`DeviceSelfPlay: no policy for the ${role.name} side`);
        this.checkPlayer(r, policy);
      });
    } catch (e) {
      env.dispose();
      throw e;
    }
  }

  /**
   * Plays one episode (T rounds) in every copy: resets the env (with the seed the first
   * time), then each round its phases in order. Returns the episode's metric means and, for
   * each learning side, a TensorBatch with GAE advantages and returns.
   */
  collect({ learning, opponent }: RolloutRequest): Rollout {
    const env = this.env;
    const sides = env.roles.map((role) => role.name);
    for (const side of learning) if (!sides.includes(side)) throw new RangeError(`DeviceSelfPlay: unknown side ${JSON.stringify(side)} (the sides are ${sides.join(', ')})`);
    const players = sides.map((side, r) => {
      const policy = learning.includes(side) || !opponent ? this.policies[side] : opponent(side);
      this.checkPlayer(r, policy);
      return policy;
    });
    const T = this.T;
    const counts = env.roles.map((role) => role.count);
    const buffers = sides.map((side, r) => (learning.includes(side) ? new TensorRollout(T, env.batch * counts[r], players[r].obsSize, players[r].head.actionSize) : null));
    env.reset(this.episodes === 0 ? this.seed : undefined);
    this.episodes++;

    const meter = new EpisodeMeter(env.batch, counts);
    const batches: Partial<Record<Side, RolloutBatch>> = {};
    const made: TensorBatch[] = [];
    const disposeBatches = () => made.forEach(disposeTensorBatch);
    try {
      let t = 0;
      for (; t < T && !env.done; t++) {
        const outcome = this.playRound(t, players, buffers);
        meter.add(outcome.metrics, outcome.rewards);
        tf.dispose(Object.values(outcome.metrics));
        outcome.rewards.forEach((rewards, r) => (buffers[r] ? buffers[r].reward(t, rewards, env.done) : rewards.dispose()));
      }
      if (t !== T || !env.done) throw new Error(`DeviceSelfPlay: the episode lasted ${env.round} rounds${env.done ? '' : ' and did not end'}, expected ${T}`);
      const stats = meter.finish();
      for (const side of learning) {
        const batch = buffers[sides.indexOf(side)]!.toBatch(this.gamma, this.gaeLambda, this.scalers[side]);
        made.push(batch);
        batches[side] = { kind: 'tensors', batch };
      }
      return { stats, batches, dispose: disposeBatches };
    } catch (e) {
      disposeBatches();
      throw e;
    } finally {
      meter.dispose();
      for (const b of buffers) b?.dispose();
    }
  }

  /** Env steps (rounds over copies) of one episode: the trainer's unit of `step`. */
  get stepsPerEpisode(): number {
    return this.T * this.env.batch;
  }

  /** Disposes the tensor env and the owner memories (not the policies). */
  dispose(): void {
    for (const m of this.memories.values()) m.dispose();
    this.memories.clear();
    this.env.dispose();
  }

  /** One round: each phase's role acts and the env steps; the round's outcome (rewards, metrics). */
  private playRound(t: number, players: readonly Policy[], buffers: readonly (TensorRollout | null)[]): RoundOutcome {
    const phases = this.env.phaseRoles;
    let outcome: RoundOutcome | null = null;
    for (let p = 0; p < phases.length; p++) {
      const r = phases[p];
      const step = this.act(r, players[r], this.env.observations());
      outcome = this.env.step(step.sample.envAction);
      this.keep(r, t, step, buffers);
      if ((outcome !== null) !== (p === phases.length - 1)) {
        if (outcome) tf.dispose([...outcome.rewards, ...Object.values(outcome.metrics)]);
        throw new Error(`DeviceSelfPlay: the tensor env ${outcome ? 'ended the round early, at' : 'gave no round outcome after'} phase ${p} of ${phases.length}`);
      }
    }
    return outcome!;
  }

  /** Role r's observations (with owner memory where its spec has one) and its sample. */
  private act(r: number, policy: Policy, raw: tf.Tensor2D): Step {
    let obs = raw;
    const layout = policy.spec.memory;
    if (layout) {
      let memory = this.memories.get(r);
      if (!memory || memory.layout !== layout) {
        memory?.dispose();
        memory = new DeviceOwnerMemory(layout);
        this.memories.set(r, memory);
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

  /** Hands the phase's observations and sample to role r's buffer, or disposes them. */
  private keep(r: number, t: number, step: Step, buffers: readonly (TensorRollout | null)[]): void {
    step.sample.envAction.dispose();
    const buffer = buffers[r];
    if (buffer) buffer.record(t, step.obs, step.sample);
    else tf.dispose([step.obs, step.sample.actions, step.sample.logProb, step.sample.value]);
  }

  private checkPlayer(r: number, policy: Policy): void {
    const role = this.env.roles[r];
    const envObs = role.observationSpace.flatSize as number;
    const extra = policy.spec.memory ? policy.spec.network.obsSize - policy.spec.memory.obsSize : 0;
    if (policy.obsSize - extra !== envObs) {
      throw new RangeError(`DeviceSelfPlay: the ${role.name} policy "${policy.spec.name}" reads ${policy.obsSize - extra} observation numbers, the env's ${role.name} observation has ${envObs}`);
    }
  }
}
