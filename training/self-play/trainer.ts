import type { Agent } from '../../agents/agent.js';
import { ExaggeratingGoal, GreedyUser, HonestGoal, SoftmaxUser } from '../../agents/attention-market/index.js';
import { Policy } from '../../agents/policy/policy.js';
import { attentionMarketPolicySpecs, DEFAULT_SIZES } from '../../agents/policy/specs.js';
import { RandomAgent } from '../../agents/random.js';
import { Rng, type RngState } from '../../envs/core/rng.js';
import { restoreKernel, snapshotKernel } from '../../envs/core/snapshot.js';
import type { VecEnv } from '../../envs/core/vector-env.js';
import { makeVec, spec as envSpec } from '../../envs/registry.js';
import type { Batch, UpdateStats } from '../learners/batch.js';
import { PpoLearner, PPO_DEFAULTS } from '../learners/ppo.js';
import { ReinforceLearner, REINFORCE_DEFAULTS } from '../learners/reinforce.js';
import { ReturnScaler, type ReturnScalerState } from '../learners/return-scaler.js';
import { MetricBus } from '../metrics/bus.js';
import { Population, type PopulationJSON, type PopulationSide } from '../population/index.js';
import { AgentActor, PolicyActor, type RoleActor } from './actors.js';
import { parseTrainConfig, type TrainConfig } from './config.js';
import { playEpisode, type EpisodeStats } from './rollout.js';
import { Trajectory } from './trajectory.js';

export type Side = 'goal' | 'user';
export const SIDES: readonly Side[] = ['goal', 'user'];
/** Role index of each side in the attention market's kernel. */
const ROLE: Record<Side, number> = { goal: 0, user: 1 };

type Learner = PpoLearner | ReinforceLearner;

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
  population: PopulationJSON | null;
  summary: Record<string, number>;
}

export interface IterationResult {
  iteration: number;
  step: number;
  learning: Side[];
  episode: EpisodeStats;
  updates: Partial<Record<Side, UpdateStats>>;
}

const USER_BASELINES: Record<string, () => Agent> = { greedy: () => new GreedyUser(), softmax: () => new SoftmaxUser(), random: () => new RandomAgent() };
const GOAL_BASELINES: Record<string, () => Agent> = { honest: () => new HonestGoal(), exaggerate: () => new ExaggeratingGoal(), random: () => new RandomAgent() };

/**
 * Adversarial self-play of π_user and π_goal in attention-market-v0. One iteration plays
 * one episode (T rounds) in each of the B copies of a VecEnv, then updates each side that
 * learns this iteration on its own transitions (parameter sharing: every User Buddy feeds
 * π_user's batch, every Goal Buddy π_goal's). Schedules:
 * - `simultaneous`: both sides learn every iteration from the same episode;
 * - `alternating`: K iterations of the users against the frozen goals, then K of the goals;
 * - `population` (PSRO): as alternating, but the frozen side is a snapshot drawn from the
 *   meta-game equilibrium of the population; every `snapshotEvery` iterations both current
 *   policies join the population and the empirical payoff table is extended and re-solved.
 * Metrics stream on `bus.events$`.
 */
export class SelfPlayTrainer {
  readonly bus: MetricBus;
  readonly vec: VecEnv;
  readonly policies: Record<Side, Policy>;
  readonly learners: Record<Side, Learner>;
  readonly scalers: Record<Side, ReturnScaler> = { goal: new ReturnScaler(), user: new ReturnScaler() };
  population: Population<Float32Array[]> | null;
  readonly T: number;
  private readonly opponents: Record<Side, Policy>;
  private readonly baselines: Partial<Record<Side, RoleActor>>;
  private readonly rng: { sample: Rng; shuffle: Rng; opponents: Rng };
  iteration = 0;
  step = 0;
  private episodes = 0;
  private evalVec: VecEnv | null = null;
  summary: Record<string, number> = {};

  constructor(
    readonly envId: string,
    readonly envOptions: unknown,
    readonly config: TrainConfig,
    bus?: MetricBus,
  ) {
    if (envId !== 'attention-market-v0') throw new RangeError(`self-play training supports attention-market-v0; got "${envId}"`);
    this.bus = bus ?? new MetricBus();
    const market = envSpec(envId).parseOptions(envOptions) as { rounds: number; feedback: 'click' | 'rating' };
    this.T = market.rounds;
    this.vec = makeVec(envId, { numEnvs: config.numEnvs, options: envOptions, autoreset: 'disabled' });
    const specs = attentionMarketPolicySpecs(
      this.vec.kernel.roles,
      { ...DEFAULT_SIZES, hidden: [config.hidden, config.hidden], logStdInit: config.logStdInit },
      config.userMemory ? { rounds: market.rounds, feedback: market.feedback } : undefined,
    );
    this.policies = { goal: new Policy(specs.goal, { initSeed: config.seed * 2 + 1 }), user: new Policy(specs.user, { initSeed: config.seed * 2 + 2 }) };
    this.learners = { goal: this.makeLearner(this.policies.goal, config.entropyCoefGoal), user: this.makeLearner(this.policies.user, config.entropyCoefUser) };
    this.opponents = { goal: this.policies.goal.clone(), user: this.policies.user.clone() };
    this.baselines = {};
    if (config.userOpponent !== 'policy') this.baselines.user = new AgentActor(USER_BASELINES[config.userOpponent]());
    if (config.goalOpponent !== 'policy') this.baselines.goal = new AgentActor(GOAL_BASELINES[config.goalOpponent]());
    this.rng = { sample: new Rng(config.seed, 101), shuffle: new Rng(config.seed, 102), opponents: new Rng(config.seed, 103) };
    this.population = config.population ? new Population<Float32Array[]>({ maxSize: config.populationSize, solver: config.metaSolver }) : null;
  }

  /** Rounds per iteration: one episode in every copy. */
  get stepsPerIteration(): number {
    return this.config.numEnvs * this.T;
  }

  /** Rounds per iteration of a trainer with these env options and copies, without building one. */
  static stepsPerIteration(envId: string, envOptions: unknown, numEnvs: number): number {
    return numEnvs * (envSpec(envId).parseOptions(envOptions) as { rounds: number }).rounds;
  }

  get done(): boolean {
    return this.step >= this.config.steps;
  }

  /** The sides that learn in the next iteration. */
  learningSides(iteration = this.iteration + 1): Side[] {
    const c = this.config;
    if (c.train !== 'both') return [c.train];
    if (c.schedule === 'simultaneous' && !c.population) return ['goal', 'user'];
    // alternating and population: blocks of K iterations, users first
    return [Math.floor((iteration - 1) / c.alternateEvery) % 2 === 0 ? 'user' : 'goal'];
  }

  /** Plays one iteration: rollout, updates, metrics. */
  iterate(): IterationResult {
    const c = this.config;
    const learning = this.learningSides();
    const t0 = performance.now();
    if (this.population && this.population.size('user') === 0) this.snapshot();

    const actors: RoleActor[] = [];
    const trajectories: (Trajectory | null)[] = [];
    for (const side of SIDES) {
      const r = ROLE[side];
      const role = this.vec.roles[r];
      if (learning.includes(side)) {
        actors[r] = new PolicyActor(this.policies[side]);
        const head = this.policies[side].head;
        trajectories[r] = new Trajectory(this.T, this.vec.numEnvs * role.count, this.policies[side].obsSize, head.actionSize, head.actionDtype === 'int32');
      } else {
        actors[r] = this.baselines[side] ?? new PolicyActor(this.frozen(side));
        trajectories[r] = null;
      }
    }
    this.vec.reset(this.episodes === 0 ? { seed: c.seed } : {});
    this.episodes++;
    const episode = playEpisode(this.vec, actors, this.rng.sample, trajectories, this.T);
    const t1 = performance.now();

    const updates: Partial<Record<Side, UpdateStats>> = {};
    for (const side of learning) {
      const batch: Batch = trajectories[ROLE[side]]!.toBatch(c.gamma, c.gaeLambda, this.scalers[side]);
      updates[side] = this.learners[side].update(batch, this.rng.shuffle);
    }
    const t2 = performance.now();
    this.iteration++;
    this.step += this.stepsPerIteration;

    const metrics = { ...episode.metrics, goalReward: episode.meanReward[ROLE.goal], userReward: episode.meanReward[ROLE.user] };
    this.summary = metrics;
    const base = { iteration: this.iteration, step: this.step };
    this.bus.emit({ kind: 'episode', ...base, metrics });
    for (const side of learning) this.bus.emit({ kind: 'update', ...base, policy: side, ...updates[side]! });
    // samplesPerSec counts env steps (rounds over copies), the unit of `step` and of the ETA.
    this.bus.emit({ kind: 'iteration', ...base, totalSteps: c.steps, samplesPerSec: (this.stepsPerIteration / (t2 - t0)) * 1000, rolloutMs: t1 - t0, updateMs: t2 - t1 });

    if (this.population && this.iteration % c.snapshotEvery === 0) this.snapshot();
    return { iteration: this.iteration, step: this.step, learning, episode, updates };
  }

  /** The policy that plays a side while it does not learn: its current weights, or a population snapshot. */
  private frozen(side: Side): Policy {
    const opponent = this.opponents[side];
    if (this.population) {
      const member = this.population.sampleOpponent(side, this.rng.opponents);
      opponent.setWeights(member.payload);
    } else {
      opponent.setWeights(this.policies[side].getWeights());
    }
    return opponent;
  }

  /** Adds both current policies to the population, fills the payoff table, re-solves it. */
  private snapshot(): void {
    const pop = this.population!;
    const ids: Record<PopulationSide, number> = { user: 0, goal: 0 };
    for (const side of SIDES) ids[side] = pop.add(side, this.policies[side].getWeights(), { iteration: this.iteration }).id;
    const evalRng = new Rng(this.config.seed + this.iteration, 104);
    for (const { user, goal } of pop.missingPayoffs()) {
      const u = this.opponents.user;
      const g = this.opponents.goal;
      u.setWeights(pop.get('user', user).payload);
      g.setWeights(pop.get('goal', goal).payload);
      const stats = this.evaluate(new PolicyActor(g), new PolicyActor(u), evalRng);
      pop.setPayoff(user, goal, stats.meanReward[ROLE.user], stats.meanReward[ROLE.goal], this.config.numEnvs);
    }
    pop.solve();
    const nash = pop.nashConv();
    this.bus.emit({
      kind: 'evaluation',
      iteration: this.iteration,
      step: this.step,
      label: 'population meta-game (NashConv of its equilibrium)',
      metrics: { nashConv: nash.nashConv, userGain: nash.rowGain, goalGain: nash.colGain, members: pop.size('user') },
    });
  }

  /**
   * One episode in a separate evaluation env (its own PRNG), without learning. The
   * training env and its PRNG are left alone, so evaluating never changes training.
   */
  evaluate(goalActor: RoleActor, userActor: RoleActor, rng: Rng): EpisodeStats {
    // One evaluation env, made on first use (a kernel and its wasm memory per call would be waste).
    this.evalVec ??= makeVec(this.envId, { numEnvs: this.config.numEnvs, options: this.envOptions, autoreset: 'disabled' });
    const vec = this.evalVec;
    vec.reset({ seed: rng.nextUint32() >>> 1 });
    const actors: RoleActor[] = [];
    actors[ROLE.goal] = goalActor;
    actors[ROLE.user] = userActor;
    return playEpisode(vec, actors, rng, [null, null], this.T);
  }

  /** Runs iterations until the step budget is reached. */
  run(onIteration?: (r: IterationResult) => void): void {
    while (!this.done) {
      const r = this.iterate();
      onIteration?.(r);
    }
  }

  private makeLearner(policy: Policy, entropyCoef: number): Learner {
    const c = this.config;
    if (c.learner === 'reinforce') {
      return new ReinforceLearner(policy, { ...REINFORCE_DEFAULTS, learningRate: c.learningRate, valueCoef: c.valueCoef, entropyCoef, maxGradNorm: c.maxGradNorm });
    }
    return new PpoLearner(policy, {
      ...PPO_DEFAULTS,
      learningRate: c.learningRate,
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
      returnScalers: { goal: this.scalers.goal.getState(), user: this.scalers.user.getState() },
      env: Buffer.from(snapshotKernel(this.vec.kernel)).toString('base64'),
      population: this.population ? this.population.toJSON() : null,
      summary: this.summary,
    };
  }

  /** Puts back a population read from a checkpoint (payloads restored by the caller). */
  replacePopulation(population: Population<Float32Array[]>): void {
    if (!this.population) throw new Error('replacePopulation: this trainer is not in population mode');
    this.population = population;
  }

  /** Restores the JSON half of a checkpoint into a trainer built with the same env and config. */
  restoreState(state: TrainerState): void {
    this.iteration = state.iteration;
    this.step = state.step;
    this.episodes = state.episodes;
    this.rng.sample.setState(state.rng.sample);
    this.rng.shuffle.setState(state.rng.shuffle);
    this.rng.opponents.setState(state.rng.opponents);
    for (const side of SIDES) this.scalers[side].setState(state.returnScalers[side]);
    restoreKernel(this.vec.kernel, new Uint8Array(Buffer.from(state.env, 'base64')));
    this.summary = state.summary;
  }

  dispose(): void {
    for (const side of SIDES) {
      this.policies[side].dispose();
      this.opponents[side].dispose();
      this.learners[side].optimizer.dispose();
    }
  }
}

