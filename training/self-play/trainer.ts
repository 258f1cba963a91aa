import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { fusedRuntime } from '../../agents/policy/fused/runtime.js';
import { Policy, type PolicyEngine } from '../../agents/policy/policy.js';
import { DeviceSelfPlay } from '../device/self-play.js';
import type { TensorGameFactory } from '../device/tensor-game.js';
import { OptionError } from '../../envs/core/errors.js';
import { Rng, type RngState } from '../../envs/core/rng.js';
import { restoreKernel, snapshotKernel } from '../../envs/core/snapshot.js';
import { VecEnv } from '../../envs/core/vector-env.js';
import { spec as envSpec } from '../../envs/registry.js';
import { game } from '../game/registry.js';
import type { UpdateStats } from '../learners/batch.js';
import { FusedPpoLearner } from '../learners/fused-ppo.js';
import type { Learner } from '../learners/learner.js';
import { PpoLearner, PPO_DEFAULTS } from '../learners/ppo.js';
import { ReinforceLearner, REINFORCE_DEFAULTS } from '../learners/reinforce.js';
import { ReturnScaler, type ReturnScalerState } from '../learners/return-scaler.js';
import { MetricBus } from '../metrics/bus.js';
import { gameTraining } from '../game/registry.js';
import { profileFor, rewardMetric, type TrainingProfile } from '../profiles/index.js';
import { playWorlds } from '../evaluation/worlds.js';
import type { EpisodeStats } from '../rollouts/episode-stats.js';
import { updateFrom, type RolloutSource, type Side } from '../rollouts/source.js';
import { AgentActor, DeviatorActor, PolicyActor, type RoleActor } from './actors.js';
import { entropyCoefs, learningRateOf, parsePairs, trainsAll, type TrainConfig } from './config.js';
import { policySpecsFor } from './policy-specs.js';
import { HostRollouts } from './host-rollouts.js';
import { playEpisode } from './rollout.js';

export type { Side };

/** Everything that is not weights or optimiser moments: the checkpoint's trainer JSON. */
export interface TrainerState {
  envId: string;
  envOptions: unknown;
  config: TrainConfig;
  iteration: number;
  step: number;
  episodes: number;
  rng: { sample: RngState; shuffle: RngState; opponents: RngState };
  returnScalers: Record<Side, ReturnScalerState>;
  /** The vector env's kernel (hidden state and PRNGs), base64. */
  env: string;
  /** PSRO's population (training/population/psro.ts) in population mode; null otherwise. */
  population: unknown;
  summary: Record<string, number>;
}

/** What picks the best checkpoint, and its latest value. */
export interface BestMeasure {
  /** A round metric of the env, or `<side>Reward`. */
  metric: string;
  higherIsBetter: boolean;
  /** Where the value comes from: the periodic evaluation on fixed worlds (mode policies), or the last training episode. */
  source: 'evaluation' | 'training';
}

/** One periodic evaluation: the mode policies on the same fixed worlds every time. */
export interface PeriodicEvaluation {
  iteration: number;
  worlds: number;
  /** The best-checkpoint measure and every round metric, each averaged over the worlds. */
  metrics: Record<string, number>;
}

export interface IterationResult {
  iteration: number;
  step: number;
  learning: Side[];
  episode: EpisodeStats;
  updates: Partial<Record<Side, UpdateStats>>;
  /** Wall time of the rollout and of the updates. */
  rolloutMs: number;
  updateMs: number;
}

/**
 * Who plays a side while it does not learn, when not its own current weights: population
 * mode's PSRO (training/population/psro.ts) draws a snapshot from its meta-strategy.
 */
export interface OpponentSource {
  /** The weights `side` plays in this iteration, drawn with `rng` (the trainer's opponent stream, saved in checkpoints). */
  frozenWeights(side: Side, rng: Rng): readonly Float32Array[];
}

/**
 * Adversarial self-play in any registered env: one policy per side (role), shared by every
 * agent of the role (parameter sharing). One iteration plays one episode (T rounds) in
 * each of the B copies of a VecEnv, then updates each side that learns this iteration on
 * its own transitions. How an env is trained (architectures, baselines, what "best" means)
 * is its TrainingProfile. Schedules:
 * - `simultaneous`: every side learns every iteration from the same episode;
 * - `alternating`: K iterations of one side against the others frozen, then K of the next;
 * - `population` (PSRO, two-sided envs): as alternating, but the frozen side plays the
 *   weights its OpponentSource gives: PSRO (training/population/psro.ts) wraps this trainer,
 *   used as its best-response oracle, and is the only way to run population mode.
 * Metrics stream on `bus.events$`.
 */
export class SelfPlayTrainer {
  readonly bus: MetricBus;
  readonly vec: VecEnv;
  readonly profile: TrainingProfile;
  /** The sides, in role order. */
  readonly sides: readonly Side[];
  readonly policies: Record<Side, Policy> = {};
  readonly learners: Record<Side, Learner> = {};
  readonly scalers: Record<Side, ReturnScaler> = {};
  readonly T: number;
  private readonly role: Record<Side, number> = {};
  private readonly opponents: Record<Side, Policy> = {};
  /** The baseline agents the `opponents` setting names, with those names. */
  private readonly baselines: Record<Side, { name: string; actor: RoleActor }> = {};
  private readonly rng: { sample: Rng; shuffle: Rng; opponents: Rng };
  iteration = 0;
  step = 0;
  private episodes = 0;
  private evalVec: VecEnv | null = null;
  summary: Record<string, number> = {};
  /** The latest periodic evaluation (evalEvery > 0), if any yet. */
  lastEvaluation: PeriodicEvaluation | null = null;
  /** What picks the best checkpoint. */
  readonly best: Omit<BestMeasure, 'source'> & { source: BestMeasure['source'] };
  /** Where episodes are played, and why (the `rollout` setting, the backend and the env decide). */
  readonly rollout: { kind: 'host' | 'device'; reason: string };
  /** What computes the policies, and why (the `engine` setting, the backend, the learner and the rollouts decide). */
  readonly engine: { kind: PolicyEngine; reason: string };
  /** Where the episodes are played (made on first use). */
  private rollouts: RolloutSource | null = null;
  /** The game's tensor form, where it has one (device rollouts). */
  private readonly tensor: TensorGameFactory | undefined;

  /** The env options, parsed once here (defaults filled in): what the vector envs, the checkpoints and the summaries use. */
  readonly envOptions: unknown;

  constructor(
    readonly envId: string,
    envOptions: unknown,
    readonly config: TrainConfig,
    bus?: MetricBus,
    /** Who plays a frozen side (population mode: PSRO, which builds its trainer with itself here). */
    readonly opponentSource: OpponentSource | null = null,
  ) {
    this.bus = bus ?? new MetricBus();
    const options = (this.envOptions = envSpec(envId).parseOptions(envOptions));
    this.vec = new VecEnv(envSpec(envId).createKernel(options, config.numEnvs), 'disabled');
    const roles = this.vec.kernel.roles;
    this.profile = profileFor(envId, roles);
    this.T = this.profile.rounds(options);
    this.sides = roles.map((r) => r.name);
    this.sides.forEach((side, r) => (this.role[side] = r));
    const problem = (option: 'train' | 'opponents' | 'entropyCoef' | 'population' | 'learningRateBySide' | 'deviators' | 'centralCritic', why: string) => new OptionError('train settings', option, config[option], why);
    const known = (side: string, option: 'train' | 'opponents' | 'entropyCoef' | 'learningRateBySide') => {
      if (!this.sides.includes(side)) throw problem(option, `${envId} has no side "${side}"; its sides are ${this.sides.join(', ')}`);
    };
    if (!trainsAll(config)) known(config.train, 'train');
    if (config.population && !opponentSource) throw problem('population', 'population mode runs through PSRO (Psro.create in training/population/psro.ts), which wraps this trainer');
    const coefs = entropyCoefs(config, this.profile.entropyCoef);
    for (const side of Object.keys(coefs)) known(side, 'entropyCoef');
    for (const [side] of parsePairs(config.learningRateBySide)) known(side, 'learningRateBySide');
    for (const [side, agent] of parsePairs(config.opponents)) {
      known(side, 'opponents');
      if (agent === 'policy') continue;
      const make = this.profile.baselines[side]?.[agent]?.make;
      if (!make) throw problem('opponents', `the ${side} side has no baseline "${agent}"; its agents are policy, ${Object.keys(this.profile.baselines[side] ?? {}).join(', ')}`);
      this.baselines[side] = { name: agent, actor: new AgentActor(make()) };
    }
    if (config.deviators > 0) {
      const count = roles[this.role[config.train]].count;
      if (config.deviators > count) throw problem('deviators', `the ${config.train} side has ${count} agents, so at most ${count} can deviate`);
    }
    this.best = this.bestMeasure();
    this.tensor = gameTraining(envId)?.tensor;
    this.rollout = this.chooseRollout();
    this.engine = this.chooseEngine();
    if (this.engine.kind === 'fused') fusedRuntime().threads = fusedThreads(config.threads);
    const specs = policySpecsFor(this.profile, this.vec.kernel, config, options, (why) => {
      throw problem('centralCritic', why);
    });
    this.sides.forEach((side, r) => {
      this.policies[side] = new Policy(specs[r], { initSeed: policySeed(config.seed, r) });
      if (this.engine.kind === 'fused') this.policies[side].useFused();
      this.learners[side] = this.makeLearner(this.policies[side], coefs[side] ?? 0.01, learningRateOf(config, side));
      this.opponents[side] = this.policies[side].clone();
      this.scalers[side] = new ReturnScaler();
    });
    this.rng = { sample: new Rng(config.seed, 101), shuffle: new Rng(config.seed, 102), opponents: new Rng(config.seed, 103) };
  }

  /**
   * What picks the best checkpoint: with one learning side, its own reward (the deviators'
   * with deviators); with every side learning, the profile's measure. Taken from the periodic
   * evaluation when there is one, else from the training episodes.
   */
  private bestMeasure(): BestMeasure {
    const c = this.config;
    const source = c.evalEvery > 0 ? 'evaluation' : 'training';
    if (trainsAll(c)) return { ...this.profile.best, source };
    return { metric: rewardMetric(c.train), higherIsBetter: true, source };
  }

  /** The value of the best-checkpoint measure now (NaN before any evaluation or iteration). */
  bestValue(): number {
    const from = this.best.source === 'evaluation' ? this.lastEvaluation?.metrics : this.summary;
    return from?.[this.best.metric] ?? Number.NaN;
  }

  /**
   * The fused engine computes PPO's policies on the CPU several times faster than tfjs's wasm
   * or cpu backend (BENCHMARKS.md, `npm run bench`): `auto` takes it unless the episodes are
   * played on the device (a GPU backend) or the learner is REINFORCE, which only tfjs runs.
   */
  private chooseEngine(): { kind: PolicyEngine; reason: string } {
    const c = this.config;
    const unsupported = c.learner !== 'ppo' ? `the ${c.learner} learner runs on tfjs` : this.rollout.kind === 'device' ? 'device rollouts keep the policies on the device' : null;
    if (c.engine === 'fused') {
      if (unsupported) throw new OptionError('train settings', 'engine', c.engine, `the fused engine is not available here: ${unsupported}; use "tfjs" or "auto"`);
      return { kind: 'fused', reason: 'fused (WebAssembly SIMD kernels), as the engine setting asks' };
    }
    if (c.engine === 'tfjs') return { kind: 'tfjs', reason: `tfjs (${tf.getBackend()}), as the engine setting asks` };
    if (unsupported) return { kind: 'tfjs', reason: `tfjs (${tf.getBackend()}): ${unsupported}` };
    if (onGpu()) return { kind: 'tfjs', reason: `tfjs (${onGpu()})` };
    return { kind: 'fused', reason: `fused (WebAssembly SIMD kernels, ${fusedThreads(c.threads)} thread(s): faster than tfjs on ${tf.getBackend()}, a CPU backend, by the bench)` };
  }

  /**
   * The tensor env plays whole episodes on the device (policies, env steps, rollout buffer,
   * GAE) so that a GPU backend copies nothing to the host but metric scalars; on a CPU
   * backend the typed-array VecEnv is faster, so `auto` picks by backend. The device path
   * covers games with a tensor form (GameTraining.tensor), policies on every side and no
   * population.
   */
  private chooseRollout(): { kind: 'host' | 'device'; reason: string } {
    const c = this.config;
    const unsupported =
      !this.tensor
        ? `${this.envId} has no tensor env`
        : c.population
          ? 'population mode evaluates snapshots on the host'
          : c.centralCritic
            ? 'the centralised critic reads the host kernel'
          : Object.keys(this.baselines).length > 0
            ? 'a baseline agent plays a side (opponents setting)'
            : c.deviators > 0
              ? 'deviators mix a policy and its peers within a side (host actors)'
              : null;
    if (c.rollout === 'device') {
      if (unsupported) throw new OptionError('train settings', 'rollout', c.rollout, `device rollouts are not available here: ${unsupported}; use "host" or "auto"`);
      return { kind: 'device', reason: 'device (tensor env), as the rollout setting asks' };
    }
    if (c.rollout === 'host') return { kind: 'host', reason: 'host (typed-array vector env), as the rollout setting asks' };
    const gpu = onGpu();
    if (!gpu) return { kind: 'host', reason: `host (typed-array vector env: ${tf.getBackend()} is a CPU backend)` };
    if (unsupported) return { kind: 'host', reason: `host (typed-array vector env: ${unsupported})` };
    return { kind: 'device', reason: `device (tensor env on ${gpu})` };
  }

  /** Rounds per iteration: one episode in every copy. */
  get stepsPerIteration(): number {
    return this.config.numEnvs * this.T;
  }

  /** Rounds per iteration of a trainer with these env options and copies, without building one. */
  static stepsPerIteration(envId: string, envOptions: unknown, numEnvs: number): number {
    const g = game(envId);
    const options = g.env.parseOptions(envOptions);
    return numEnvs * profileFor(envId, g.roles(options)).rounds(options);
  }

  /** The sides (role names, in role order) of an env with these options, without building a trainer. */
  static sidesOf(envId: string, envOptions: unknown): Side[] {
    const g = game(envId);
    return g.roles(g.env.parseOptions(envOptions)).map((r) => r.name);
  }

  get done(): boolean {
    return this.step >= this.config.steps;
  }

  /** The sides that learn in the next iteration. */
  learningSides(iteration = this.iteration + 1): Side[] {
    const c = this.config;
    if (!trainsAll(c)) return [c.train];
    if (c.schedule === 'simultaneous' && !c.population) return [...this.sides];
    // alternating and population: blocks of K iterations, one side after another
    const order = this.profile.alternation ?? this.sides;
    return [order[Math.floor((iteration - 1) / c.alternateEvery) % order.length]];
  }

  /** Plays one iteration: rollout, updates, metrics. */
  iterate(): IterationResult {
    const learning = this.learningSides();
    const t0 = performance.now();

    this.rollouts ??= this.makeRollouts();
    const played = this.rollouts.collect({ learning, opponent: (side) => this.frozen(side) });
    this.episodes++;
    const t1 = performance.now();
    const updates: Partial<Record<Side, UpdateStats>> = {};
    try {
      for (const side of learning) {
        this.learners[side].setLearningRate(this.learningRate(side));
        updates[side] = updateFrom(this.learners[side], played.batches[side]!, this.rng.shuffle);
      }
    } finally {
      played.dispose();
    }
    return this.finishIteration(learning, played.stats, updates, t0, t1);
  }

  /**
   * The rollout source `rollout.kind` names. Host: the trainer's VecEnv, seeded at the first
   * episode of a run (a resumed run continues the kernel's restored PRNG). Device: the game's
   * tensor form, seeded by the episodes played so far (a resumed run meets new worlds).
   */
  private makeRollouts(): RolloutSource {
    const c = this.config;
    const common = { rounds: this.T, rng: this.rng.sample, gamma: c.gamma, gaeLambda: c.gaeLambda, policies: this.policies, scalers: this.scalers };
    if (this.rollout.kind === 'device') {
      return new DeviceSelfPlay({ ...common, tensor: this.tensor!, envOptions: this.envOptions, numEnvs: c.numEnvs, seed: c.seed + this.episodes, noise: 'rng' });
    }
    const baselines: Partial<Record<Side, RoleActor>> = {};
    for (const [side, b] of Object.entries(this.baselines)) baselines[side] = b.actor;
    return new HostRollouts({
      ...common,
      vec: this.vec,
      seed: this.episodes === 0 ? c.seed : undefined,
      baselines,
      deviators: c.deviators > 0 ? { count: c.deviators, peers: (side) => this.peers(side, false) } : undefined,
    });
  }

  /** The side's learning rate in the coming iteration: its setting, decayed linearly when annealLr (1 at the first iteration, 1/N at the last). */
  learningRate(side: Side): number {
    const c = this.config;
    const base = learningRateOf(c, side);
    if (!c.annealLr) return base;
    const total = Math.ceil(c.steps / this.stepsPerIteration);
    return base * Math.max(1 / total, 1 - this.iteration / total);
  }

  /** Counts the iteration, streams its metrics, evaluates periodically. */
  private finishIteration(learning: Side[], episode: EpisodeStats, updates: Partial<Record<Side, UpdateStats>>, t0: number, t1: number): IterationResult {
    const c = this.config;
    const t2 = performance.now();
    this.iteration++;
    this.step += this.stepsPerIteration;

    const metrics: Record<string, number> = { ...episode.metrics };
    for (const side of this.sides) metrics[rewardMetric(side)] = episode.meanReward[this.role[side]];
    this.summary = metrics;
    const base = { iteration: this.iteration, step: this.step };
    this.bus.emit({ kind: 'episode', ...base, metrics });
    for (const side of learning) this.bus.emit({ kind: 'update', ...base, policy: side, ...updates[side]! });
    // samplesPerSec counts env steps (rounds over copies), the unit of `step` and of the ETA.
    this.bus.emit({ kind: 'iteration', ...base, totalSteps: c.steps, samplesPerSec: (this.stepsPerIteration / (t2 - t0)) * 1000, rolloutMs: t1 - t0, updateMs: t2 - t1 });

    if (c.evalEvery > 0 && (this.iteration % c.evalEvery === 0 || this.done)) this.evaluatePeriodically();
    return { iteration: this.iteration, step: this.step, learning, episode, updates, rolloutMs: t1 - t0, updateMs: t2 - t1 };
  }

  /** The policy that plays a side while it does not learn: its current weights, or what the opponent source gives. */
  private frozen(side: Side): Policy {
    const opponent = this.opponents[side];
    opponent.setWeights(this.opponentSource ? this.opponentSource.frozenWeights(side, this.rng.opponents) : this.policies[side].getWeights());
    return opponent;
  }

  /**
   * The deterministic (mode) policies on `evalWorlds` fixed worlds, against the opponents of
   * training (sides that do not learn keep their baseline or policy; deviators stay
   * deviators): the measure that picks the best checkpoint, and every round metric. Its own
   * env and Rng, so training is unchanged by it.
   */
  evaluatePeriodically(): PeriodicEvaluation {
    const c = this.config;
    const trained = trainsAll(c) ? this.sides : [c.train];
    const actors = this.sides.map((side) => {
      const mode = new PolicyActor(this.policies[side], { deterministic: true });
      if (!trained.includes(side)) return this.baselines[side]?.actor ?? mode;
      if (c.deviators > 0) return new DeviatorActor(this.peers(side, true), mode, Array.from({ length: c.deviators }, (_, i) => i));
      return mode;
    });
    const worlds = playWorlds(actors, { envId: this.envId, envOptions: this.envOptions, worlds: c.evalWorlds, rounds: this.T, seed: c.seed + PERIODIC_EVAL_SEED, batch: Math.min(c.evalWorlds, 256) });
    const mean = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const metrics: Record<string, number> = {};
    for (const name of worlds.metricNames) metrics[name] = mean(worlds.metric(name));
    for (const side of this.sides) {
      const own = c.deviators > 0 && side === c.train ? Array.from({ length: c.deviators }, (_, i) => worlds.agentReward(side, i)) : [worlds.reward(side)];
      metrics[rewardMetric(side)] = own.reduce((s, xs) => s + mean(xs), 0) / own.length;
    }
    this.lastEvaluation = { iteration: this.iteration, worlds: c.evalWorlds, metrics };
    this.bus.emit({ kind: 'evaluation', iteration: this.iteration, step: this.step, label: `periodic evaluation (mode policies, ${c.evalWorlds} fixed worlds)`, metrics });
    return this.lastEvaluation;
  }

  /**
   * Who plays the learning side's agents that do not deviate (deviators setting): its
   * baseline, or ("<side>=policy") the side's policy as it was when the run started (or as
   * `freezePeers` last set it), frozen.
   */
  private peers(side: Side, deterministic: boolean): RoleActor {
    return this.baselines[side]?.actor ?? new PolicyActor(this.opponents[side], { name: `frozen ${side}`, deterministic });
  }

  /** The frozen policy the non-deviating agents of `side` play takes these weights (e.g. the policy a best response deviates from). */
  freezePeers(side: Side, weights: readonly Float32Array[]): void {
    this.opponents[side].setWeights(weights);
  }

  /**
   * One episode in a separate evaluation env (its own PRNG), without learning. The
   * training env and its PRNG are left alone, so evaluating never changes training.
   */
  evaluate(actors: readonly RoleActor[], rng: Rng): EpisodeStats {
    // One evaluation env, made on first use (a kernel and its wasm memory per call would be waste).
    this.evalVec ??= new VecEnv(envSpec(this.envId).createKernel(this.envOptions, this.config.numEnvs), 'disabled');
    const vec = this.evalVec;
    vec.reset({ seed: rng.nextUint32() >>> 1 });
    return playEpisode(vec, actors, rng, actors.map(() => null), this.T);
  }

  /** Runs iterations until the step budget is reached. */
  run(onIteration?: (r: IterationResult) => void): void {
    while (!this.done) {
      const r = this.iterate();
      onIteration?.(r);
    }
  }

  private makeLearner(policy: Policy, entropyCoef: number, learningRate: number): Learner {
    const c = this.config;
    if (c.learner === 'reinforce') {
      return new ReinforceLearner(policy, { ...REINFORCE_DEFAULTS, learningRate, valueCoef: c.valueCoef, entropyCoef, maxGradNorm: c.maxGradNorm });
    }
    const ppo = this.engine.kind === 'fused' ? FusedPpoLearner : PpoLearner;
    return new ppo(policy, {
      ...PPO_DEFAULTS,
      targetKl: c.targetKl,
      learningRate,
      epochs: c.epochs,
      minibatchSize: c.minibatchSize,
      clip: c.clip,
      valueCoef: c.valueCoef,
      entropyCoef,
      maxGradNorm: c.maxGradNorm,
    });
  }

  /** The JSON half of a checkpoint (weights and optimiser moments are saved beside it). */
  state(): TrainerState {
    return {
      envId: this.envId,
      envOptions: this.envOptions ?? {},
      config: this.config,
      iteration: this.iteration,
      step: this.step,
      episodes: this.episodes,
      rng: { sample: this.rng.sample.getState(), shuffle: this.rng.shuffle.getState(), opponents: this.rng.opponents.getState() },
      returnScalers: Object.fromEntries(this.sides.map((side) => [side, this.scalers[side].getState()])),
      env: Buffer.from(snapshotKernel(this.vec.kernel)).toString('base64'),
      population: null,
      summary: this.summary,
    };
  }

  /** Restores the JSON half of a checkpoint into a trainer built with the same env and config. */
  restoreState(state: TrainerState): void {
    this.iteration = state.iteration;
    this.step = state.step;
    this.episodes = state.episodes;
    this.rng.sample.setState(state.rng.sample);
    this.rng.shuffle.setState(state.rng.shuffle);
    this.rng.opponents.setState(state.rng.opponents);
    for (const side of this.sides) this.scalers[side].setState(state.returnScalers[side]);
    restoreKernel(this.vec.kernel, new Uint8Array(Buffer.from(state.env, 'base64')));
    this.summary = state.summary;
    // Remade from the restored state (episodes played, env) at the next iteration.
    this.rollouts?.dispose();
    this.rollouts = null;
  }

  /** The baseline agent (and its name) playing `side` when it does not learn, if the `opponents` setting names one. */
  baseline(side: Side): { name: string; actor: RoleActor } | undefined {
    return this.baselines[side];
  }

  dispose(): void {
    this.rollouts?.dispose();
    for (const side of this.sides) {
      this.learners[side].dispose();
      this.policies[side].dispose();
      this.opponents[side].dispose();
    }
  }
}


/** Periodic evaluations play worlds seeded from config.seed + this (training uses config.seed onward). */
const PERIODIC_EVAL_SEED = 500_000_000;

/** The initial-weights seed of role r's policy (goal 2s+1, user 2s+2 in the attention market, as before). */
function policySeed(seed: number, r: number): number {
  return seed * 2 + 1 + r;
}

/** Threads of the fused engine: the setting, or (0) one per core, at most 4. */
export function fusedThreads(setting: number): number {
  return setting > 0 ? setting : Math.max(1, Math.min(4, availableParallelism()));
}

/** The GPU the current tfjs backend computes on, in words, or null on a CPU backend. */
function onGpu(): string | null {
  const name = tf.getBackend();
  if (name === 'webgpu') return 'webgpu';
  if (name === 'tensorflow' && (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true) return 'tensorflow-gpu (CUDA)';
  return null;
}
