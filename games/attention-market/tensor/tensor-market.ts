import * as tf from '@tensorflow/tfjs';
import { ActionError, EnvStateError } from '../../../envs/core/errors.js';
import { agentId } from '../../../envs/core/kernel-env.js';
import type { RoleSpec } from '../../../envs/core/kernel.js';
import { assertSeed, Rng } from '../../../envs/core/rng.js';
import { attentionMarketRoles, ROUND_METRICS } from '../kernel.js';
import { ATTENTION_MARKET_ID, parseAttentionMarketOptions, type AttentionMarketOptions } from '../options.js';
import { attentionMarketSpaces, type AttentionMarketSpaces } from '../spaces.js';
import { flatRows } from './flat-layout.js';
import { drawClusteredTastes, drawUnitRows, fitUnitBall, squaredNorms } from './hidden-state.js';
import { repeatTo } from './tuned-ops.js';
import { ridgeUpdate } from './ridge.js';

/** Two relevance sums closer than this count as equal (normalised regret is then 0), as in the kernel. */
const TIE = 1e-12;
/** Stream id of the generator that derives the seeds of the tf.random* draws (the kernel uses 0 and 1). */
const SEED_STREAM = 2;

export type RoundMetricName = (typeof ROUND_METRICS)[number];

export interface TensorAttentionMarketOpts {
  /** Seed of the first reset() that is given none (default 0). */
  seed?: number;
  /**
   * Read every action back and check it against its space before stepping (an ActionError
   * names the agent and what was wrong). Off by default: it costs a device→host round trip.
   */
  validate?: boolean;
}

/** A hidden state to use instead of drawing one: θ [B, U, D] and g [B, G, D], row-major. */
export interface TensorMarketHiddenState {
  /** θ_j of every copy's users: B·U·D numbers (unit rows, as the kernel draws them). */
  preferences: ArrayLike<number> | tf.Tensor;
  /** g_k of every copy's goals: B·G·D numbers, used exactly as given. */
  grounded: ArrayLike<number> | tf.Tensor;
}

export interface UserPhaseResult {
  /** U_k of every goal: [B·G], row b·G + k. */
  goalReward: tf.Tensor1D;
  /** −R_j of every user: [B·U], row b·U + j. */
  userReward: tf.Tensor1D;
  /** The kernel's ROUND_METRICS, each the mean over the B copies. */
  metrics: Record<RoundMetricName, tf.Scalar>;
}

/** The state the env owns: every tensor here is kept (tf.keep) and replaced, never mutated. */
type MarketState = {
  preferences: tf.Tensor3D; // θ [B, U, D]
  grounded: tf.Tensor3D; // g [B, G, D]
  relevance: tf.Tensor3D; // θ_j · g_{k(i)} per pool entry [B, U, P]
  oracleTop: tf.Tensor2D; // Σ top-N relevances [B, U]
  oracleBottom: tf.Tensor2D; // Σ bottom-N relevances [B, U]
  pool: tf.Tensor3D; // projected creations [B, P, D]
  genError2: tf.Tensor2D; // ‖e − g‖² per creation [B, P]
  shownCreations: tf.Tensor3D; // the goals' lastCreations (the pool as of the last user phase) [B, P, D]
  ainv: tf.Tensor3D; // A⁻¹ [B·U, D, D]
  estimate: tf.Tensor3D; // q [B, U, D]
  lastSelection: tf.Tensor3D; // [B, U, N], −1 before the first round
  lastFeedback: tf.Tensor3D; // [B, U, N]
  slotsWon: tf.Tensor2D; // [B, P]
  signal: tf.Tensor2D; // [B, D]
};

/**
 * attention-market-v0 (GAMES.md §1) for B copies as TensorFlow.js ops over [B, …] tensors:
 * the same game as the typed-array AttentionMarketKernel, so that a policy on a GPU backend
 * can play it without the round's data leaving the device. All copies are in lockstep: one
 * reset() starts them all, and after `rounds` rounds `done` is true until the next reset().
 *
 * A round is stepGoals(creations) then stepUsers(selection). Observations are in the
 * VecEnv's flat layouts (attentionMarketSpaces). Random numbers (hidden state at reset,
 * feedback noise each round) come from tf.randomNormal / tf.randomUniform with seeds derived
 * from the env's seed; in tfjs 4.22 those ops draw on the host and upload the result (there is
 * no device generator), which costs an upload but no read-back. Tests may inject the numbers
 * instead (reset's `hidden`, stepUsers's `feedbackDraws`).
 *
 * Values are float32 throughout (the kernel keeps hidden state, relevance and the ridge
 * estimate in float64), so results agree with the kernel to float32 rounding. Where matmuls
 * run in TF32 (tfjs-node-gpu on Ampere or newer, unless NVIDIA_TF32_OVERRIDE=0), payoffs stay
 * exact (relevances are gathered) but the ridge estimate and the signal lose precision.
 * Actions are checked for shape and dtype only, unless `validate` reads them back.
 * The caller owns every tensor it is handed; the env owns its state.
 */
export class TensorAttentionMarket {
  readonly id = ATTENTION_MARKET_ID;
  readonly options: AttentionMarketOptions;
  readonly spaces: AttentionMarketSpaces;
  /** Goals (role 0) and users (role 1), as the typed-array kernel's roles. */
  readonly roles: readonly RoleSpec[];
  readonly metricNames = ROUND_METRICS;
  readonly goalObsSize: number;
  readonly userObsSize: number;
  readonly D: number;
  readonly U: number;
  readonly G: number;
  readonly M: number;
  readonly P: number;
  readonly N: number;
  readonly T: number;

  private s: MarketState | null = null;
  private roundsDone = 0;
  private goalsMoved = false; // the goal phase of the current round has been played
  private readonly seeds: Rng;
  private readonly validate: boolean;
  private disposed = false;
  // Constants, made once.
  private readonly owners: tf.Tensor3D; // [1, 1, P]: entry i belongs to goal ⌊i / M⌋
  private readonly slotOnes: tf.Tensor3D; // [B, 1, U·N] ones
  private readonly relevanceRows: tf.Tensor3D; // [B, U, 1] int32: (b·U + j)·P, row offsets for gather

  constructor(
    options: Partial<AttentionMarketOptions>,
    readonly batch: number,
    opts: TensorAttentionMarketOpts = {},
  ) {
    const o = (this.options = parseAttentionMarketOptions(options));
    if (!Number.isInteger(batch) || batch < 1 || batch > 1 << 20) {
      throw new RangeError(`TensorAttentionMarket: batch must be an integer in [1, 1048576], got ${String(batch)}`);
    }
    const seed = opts.seed ?? 0;
    assertSeed(seed, 'TensorAttentionMarket: seed');
    this.seeds = new Rng(seed, SEED_STREAM);
    this.validate = opts.validate ?? false;
    const B = batch;
    const D = (this.D = o.dim);
    const U = (this.U = o.users);
    const G = (this.G = o.goals);
    const M = (this.M = o.creationsPerGoal);
    const P = (this.P = G * M);
    this.N = o.slots;
    this.T = o.rounds;
    const s = (this.spaces = attentionMarketSpaces(o));
    this.roles = attentionMarketRoles(o, s);
    this.goalObsSize = s.goalObservation.flatSize;
    this.userObsSize = s.userObservation.flatSize;
    this.owners = tf.keep(tf.tidy(() => tf.reshape(tf.floorDiv(tf.range(0, P, 1, 'int32'), M).toFloat(), [1, 1, P])));
    this.slotOnes = tf.keep(tf.ones([B, 1, U * this.N])) as tf.Tensor3D;
    this.relevanceRows = tf.keep(tf.tidy(() => tf.reshape(tf.range(0, B * U * P, P, 'int32'), [B, U, 1])));
  }

  /** Rounds completed in the current episode. */
  get round(): number {
    return this.roundsDone;
  }

  /** True once `rounds` rounds have been played (truncation); reset() to go on. */
  get done(): boolean {
    return this.s !== null && this.roundsDone >= this.T;
  }

  /** θ [B, U, D] of the current episode (owned by the env: do not dispose). */
  get preferences(): tf.Tensor3D {
    return this.state('preferences').preferences;
  }

  /** g [B, G, D] of the current episode (owned by the env: do not dispose). */
  get grounded(): tf.Tensor3D {
    return this.state('grounded').grounded;
  }

  /**
   * Starts a new episode in every copy. With `seed`, reseeds the env's draws first; without,
   * goes on from the current stream. The hidden state (θ, g) is drawn uniformly on the unit
   * sphere (θ around K shared centres with tasteClusters K ≥ 1), or taken from `hidden` (for
   * tests that give the kernel and this env the same state).
   */
  reset(seed?: number, hidden?: TensorMarketHiddenState): void {
    if (this.disposed) throw new EnvStateError(`${this.id} (tensor): reset() after dispose()`);
    if (seed !== undefined) {
      assertSeed(seed, 'TensorAttentionMarket.reset: seed');
      this.seeds.seed(seed, SEED_STREAM);
    }
    const { batch: B, D, U, G, M, P, N } = this;
    const alpha = this.options.ridgePrior;
    let preferences: tf.Tensor3D;
    let grounded: tf.Tensor3D;
    if (hidden) {
      checkSize(hidden.preferences, [B, U, D], 'hidden.preferences');
      checkSize(hidden.grounded, [B, G, D], 'hidden.grounded');
      preferences = toTensor3(hidden.preferences, [B, U, D]);
      grounded = toTensor3(hidden.grounded, [B, G, D]);
    } else {
      // The tastes' seed, then the grounded embeddings', then (tasteClusters ≥ 1) two more: g is
      // the same for every K, and K = 0 draws what it drew before tasteClusters existed.
      const tasteSeed = this.nextSeed();
      const unit = drawUnitRows([B, G, D], this.nextSeed());
      grounded = fitUnitBall(unit);
      unit.dispose();
      const { tasteClusters: K, tasteSpread: s } = this.options;
      preferences = K === 0 ? drawUnitRows([B, U, D], tasteSeed) : drawClusteredTastes([B, U, D], K, s, [tasteSeed, this.nextSeed(), this.nextSeed()]);
    }
    const next = tf.tidy(() => {
      // Relevance θ_j · g_k, repeated for the M entries of each goal in the pool.
      const perGoal = tf.matMul(preferences, grounded, false, true); // [B, U, G]
      const relevance = tf.reshape(repeatTo(tf.expandDims(perGoal, 3), [B, U, G, M]), [B, U, P]) as tf.Tensor3D;
      // Slots are always filled, so the oracle's best (worst) set is the plain top-N (bottom-N).
      const oracleTop = tf.sum(tf.topk(relevance, N).values, -1) as tf.Tensor2D;
      const oracleBottom = tf.neg(tf.sum(tf.topk(tf.neg(relevance), N).values, -1)) as tf.Tensor2D;
      const prior = tf.mul(tf.eye(D), 1 / alpha);
      const state: MarketState = {
        preferences,
        grounded,
        relevance,
        oracleTop,
        oracleBottom,
        pool: tf.zeros([B, P, D]),
        genError2: tf.zeros([B, P]),
        shownCreations: tf.zeros([B, P, D]),
        ainv: repeatTo(tf.expandDims(prior, 0), [B * U, D, D]) as tf.Tensor3D,
        estimate: tf.zeros([B, U, D]),
        lastSelection: tf.fill([B, U, N], -1) as tf.Tensor3D,
        lastFeedback: tf.zeros([B, U, N]),
        slotsWon: tf.zeros([B, P]),
        signal: tf.zeros([B, D]),
      };
      return state;
    });
    this.replace(next);
    this.roundsDone = 0;
    this.goalsMoved = false;
  }

  /** Goal observations [B·G, goalObsSize] (row b·G + k), in the VecEnv's flat layout. */
  goalObservations(): tf.Tensor2D {
    const s = this.state('goalObservations');
    const { batch: B, G, M, D } = this;
    return tf.tidy(() =>
      flatRows(this.spaces.goalObservation, {
        grounded: s.grounded,
        lastCreations: tf.reshape(s.shownCreations, [B, G, M * D]),
        slotsWon: tf.reshape(s.slotsWon, [B, G, M]),
        signal: repeatTo(tf.expandDims(s.signal, 1), [B, G, D]) as tf.Tensor3D,
        progress: tf.fill([B, G, 1], this.roundsDone / this.T) as tf.Tensor3D,
      }),
    );
  }

  /** User observations [B·U, userObsSize] (row b·U + j), in the VecEnv's flat layout. */
  userObservations(): tf.Tensor2D {
    const s = this.state('userObservations');
    const { batch: B, U, P, D } = this;
    return tf.tidy(() =>
      flatRows(this.spaces.userObservation, {
        pool: repeatTo(tf.reshape(s.pool, [B, 1, P * D]), [B, U, P * D]),
        owners: repeatTo(this.owners, [B, U, P]),
        estimate: s.estimate,
        lastSelection: s.lastSelection,
        lastFeedback: s.lastFeedback,
        progress: tf.fill([B, U, 1], this.roundsDone / this.T) as tf.Tensor3D,
      }),
    );
  }

  /**
   * The goal phase: every creation (creations: [B·G, M·D] float32, row b·G + k, creation m at
   * columns m·D … (m+1)·D) is projected onto the unit ball into the pool.
   */
  stepGoals(creations: tf.Tensor2D): void {
    const s = this.state('stepGoals');
    this.assertPhase('stepGoals', false);
    const { batch: B, G, M, D, P } = this;
    checkTensor('stepGoals', 'creations', creations, [B * G, M * D], 'float32');
    if (this.validate) this.validateActions(0, creations);
    const next = tf.tidy(() => {
      const x = tf.reshape(creations, [B, G, M, D]);
      // Projection onto ‖e‖ ≤ 1: rows with ‖x‖² ≤ 1 are scaled by exactly 1.
      const scaled = tf.mul(x, tf.rsqrt(tf.maximum(squaredNorms(x), 1)));
      const e = tf.clipByValue(scaled, -1, 1); // float32 rounding of a projected axis vector
      const genError2 = tf.reshape(tf.sum(tf.squaredDifference(e, tf.expandDims(s.grounded, 2)), -1), [B, P]) as tf.Tensor2D;
      return { pool: tf.reshape(e, [B, P, D]) as tf.Tensor3D, genError2 };
    });
    this.replace(next);
    this.goalsMoved = true;
  }

  /**
   * The user phase: selection is int32 [B·U, N] pool indices (row b·U + j, N distinct indices
   * in [0, P)). Pays regret and goal utility, draws feedback, updates the ridge estimates.
   * `feedbackDraws` (B·U·N float32 numbers in [B, U, N] order: uniforms in [0, 1) for click
   * feedback, standard normals for rating) replaces this round's random draws.
   */
  stepUsers(selection: tf.Tensor2D, feedbackDraws?: tf.Tensor): UserPhaseResult {
    const s = this.state('stepUsers');
    this.assertPhase('stepUsers', true);
    const { batch: B, U, G, M, P, N, D } = this;
    const o = this.options;
    checkTensor('stepUsers', 'selection', selection, [B * U, N], 'int32');
    if (feedbackDraws !== undefined) checkTensor('stepUsers', 'feedbackDraws', feedbackDraws, [B, U, N], 'float32', true);
    if (this.validate) this.validateActions(1, selection);
    const drawSeed = feedbackDraws === undefined ? this.nextSeed() : 0;

    const out = tf.tidy(() => {
      const sel = tf.reshape(selection, [B, U, N]) as tf.Tensor3D;
      // True relevance of each selection: r_j(e) = θ_j · g_{k(e)}, picked by gather, so that the
      // payoffs stay exact even where matmuls run in TF32 (tfjs-node-gpu on Ampere or newer).
      const r = tf.gather(s.relevance.flatten() as tf.Tensor, tf.add(sel, this.relevanceRows)) as tf.Tensor3D;
      // Summed in descending order, like the oracle's top-N, so that a best set has regret exactly 0.
      const welfare = tf.sum(tf.topk(r, N).values, -1) as tf.Tensor2D;
      const regret = tf.sub(s.oracleTop, welfare);
      const range = tf.sub(s.oracleTop, s.oracleBottom);
      const normRegret = tf.where(tf.greater(range, TIE), tf.div(regret, tf.maximum(range, TIE)), tf.zerosLike(regret));

      // Each selection as a one-hot row over the pool. Slots won = ones · rows (exact: sums of 0s
      // and 1s); the regressors below are rows · pool (exact in float32, and faster than
      // tf.gather on wasm). Measured alternatives: a broadcast tf.equal is ~20× slower on wasm;
      // tf.denseBincount undercounts on webgpu, where a sum over the rows' middle axis also failed
      // (a WGSL type error in its transpose); oneHot's dtype argument is ignored on wasm.
      const picks = tf.cast(tf.oneHot(tf.reshape(sel, [B, U * N]), P), 'float32'); // [B, U·N, P]
      const slotsWon = tf.reshape(tf.matMul(this.slotOnes, picks), [B, P]) as tf.Tensor2D;
      const visibility = tf.sum(tf.reshape(slotsWon, [B, G, M]), -1); // [B, G]
      const signal = tf.reshape(tf.mul(tf.matMul(tf.expandDims(slotsWon, 1), s.pool), 1 / (U * N)), [B, D]) as tf.Tensor2D;

      // Feedback: a click y ~ Bernoulli(σ(β r)) (regressed on as y − ½), or a rating r + N(0, s²).
      let feedback: tf.Tensor3D;
      let target: tf.Tensor3D;
      if (o.feedback === 'click') {
        const u = feedbackDraws ? tf.reshape(feedbackDraws, [B, U, N]) : tf.randomUniform([B, U, N], 0, 1, 'float32', drawSeed);
        feedback = tf.cast(tf.less(u, tf.sigmoid(tf.mul(r, o.feedbackSharpness))), 'float32') as tf.Tensor3D;
        target = tf.sub(feedback, 0.5);
      } else {
        const z = feedbackDraws ? tf.reshape(feedbackDraws, [B, U, N]) : tf.randomNormal([B, U, N], 0, 1, 'float32', drawSeed);
        feedback = tf.add(r, tf.mul(z, o.ratingNoise));
        target = feedback;
      }

      let ainv = s.ainv;
      let estimate = s.estimate;
      if (o.estimator === 'ridge') {
        const x =
          o.learnFrom === 'advertised'
            ? tf.matMul(picks, s.pool) // e
            : tf.matMul(tf.sum(tf.reshape(picks, [B, U * N, G, M]), -1), s.grounded); // g_{k(e)}
        const next = ridgeUpdate(s.ainv, tf.reshape(s.estimate, [B * U, D]), tf.reshape(x, [B * U, N, D]), tf.reshape(target, [B * U, N]));
        ainv = next.ainv;
        estimate = tf.reshape(next.q, [B, U, D]);
      }

      // Estimate error ‖q/‖q‖ − θ‖ = √(2 − 2 q̂·θ) for unit θ; with q = 0 it is ‖θ‖ = 1.
      const qq = tf.sum(tf.square(estimate), -1);
      const qt = tf.sum(tf.mul(estimate, s.preferences), -1);
      const hasQ = tf.greater(qq, 0);
      const cosine = tf.div(qt, tf.sqrt(tf.where(hasQ, qq, tf.onesLike(qq))));
      const estimateError = tf.where(hasQ, tf.sqrt(tf.relu(tf.sub(2, tf.mul(2, cosine)))), tf.onesLike(qq));

      // Goal utility: visibility minus the cost of straying from the grounded truth.
      const lambda = o.costWeight;
      const err2 = tf.sum(tf.reshape(s.genError2, [B, G, M]), -1); // [B, G]
      const distance = tf.sum(tf.reshape(tf.sqrt(s.genError2), [B, G, M]), -1);
      const cost = tf.add(tf.mul(err2, lambda), o.creationCost * M);
      const goalReward =
        o.goalReward === 'regret' ? tf.sub(tf.div(tf.sum(regret, -1, true), G), tf.mul(err2, lambda)) : tf.sub(visibility, cost);

      // Per copy as the kernel reports them, then the mean over copies.
      const perCopy: Record<RoundMetricName, tf.Tensor> = {
        meanRegret: tf.div(tf.sum(regret, -1), U),
        meanNormalizedRegret: tf.div(tf.sum(normRegret, -1), U),
        welfare: tf.sum(welfare, -1),
        meanGenerationCost: tf.div(tf.sum(cost, -1), G),
        honesty: tf.div(tf.sum(distance, -1), P),
        estimateError: tf.div(tf.sum(estimateError, -1), U),
      };
      const metrics = {} as Record<RoundMetricName, tf.Scalar>;
      for (const name of ROUND_METRICS) metrics[name] = tf.mean(perCopy[name]);

      return {
        state: {
          ainv,
          estimate,
          lastSelection: tf.cast(sel, 'float32'),
          lastFeedback: feedback,
          slotsWon,
          signal,
          shownCreations: tf.clone(s.pool),
        },
        goalReward: tf.reshape(goalReward, [B * G]) as tf.Tensor1D,
        userReward: tf.reshape(tf.neg(regret), [B * U]) as tf.Tensor1D,
        metrics,
      };
    });
    this.replace(out.state);
    this.roundsDone++;
    this.goalsMoved = false;
    return { goalReward: out.goalReward, userReward: out.userReward, metrics: out.metrics };
  }

  /** Frees every tensor the env owns; the env cannot be used afterwards. */
  dispose(): void {
    if (this.s) for (const t of Object.values(this.s)) t.dispose();
    this.s = null;
    for (const t of [this.owners, this.slotOnes, this.relevanceRows]) t.dispose();
    this.disposed = true;
  }

  private nextSeed(): number {
    return this.seeds.nextUint32() + 1; // tf.randomNormal treats seed 0 as "no seed"
  }

  private state(what: string): MarketState {
    if (this.disposed) throw new EnvStateError(`${this.id} (tensor): ${what}() after dispose()`);
    if (this.s === null) throw new EnvStateError(`${this.id} (tensor): ${what}() before reset()`);
    return this.s;
  }

  private assertPhase(what: string, goalsMoved: boolean): void {
    if (this.roundsDone >= this.T) {
      throw new EnvStateError(`${this.id} (tensor): ${what}() after the episode ended (${this.T} rounds); call reset()`);
    }
    if (this.goalsMoved !== goalsMoved) {
      const expected = this.goalsMoved ? 'stepUsers()' : 'stepGoals()';
      throw new EnvStateError(`${this.id} (tensor): ${what}() out of turn: a round is stepGoals() then stepUsers(), and ${expected} is next`);
    }
  }

  /** Keeps the new state tensors and frees the ones they replace. */
  private replace(next: Partial<MarketState>): void {
    const s = (this.s ?? {}) as MarketState;
    for (const [key, t] of Object.entries(next) as [keyof MarketState, tf.Tensor][]) {
      const old = s[key];
      tf.keep(t);
      if (old !== undefined && old !== t) old.dispose();
      (s as unknown as Record<string, tf.Tensor>)[key] = t;
    }
    this.s = s;
  }

  /** Reads the actions back and checks each against its space (the `validate` option). */
  private validateActions(role: 0 | 1, actions: tf.Tensor2D): void {
    const spec = this.roles[role];
    const flat = actions.dataSync();
    const size = spec.actionSpace.flatSize;
    for (let row = 0; row < actions.shape[0]; row++) {
      const why = spec.actionSpace.explainFlat(flat, row * size);
      if (why !== null) {
        const b = Math.floor(row / spec.count);
        throw new ActionError(this.id, `${agentId(spec.name, row % spec.count)} of copy ${b}`, why);
      }
    }
  }
}

/** Throws unless t is a tensor of the given shape (or, with anyShape, size) and dtype. */
function checkTensor(method: string, name: string, t: unknown, shape: number[], dtype: 'float32' | 'int32', anyShape = false): void {
  const where = `TensorAttentionMarket.${method}: ${name}`;
  if (!(t instanceof tf.Tensor)) throw new TypeError(`${where} must be a tf.Tensor of shape [${shape.join(', ')}] (${dtype}), got ${typeof t}`);
  const size = shape.reduce((a, b) => a * b, 1);
  const shapeOk = anyShape ? t.size === size : t.shape.length === shape.length && t.shape.every((n: number, i: number) => n === shape[i]);
  if (!shapeOk) throw new RangeError(`${where} must have shape [${shape.join(', ')}]${anyShape ? ` (or any shape of ${size} elements)` : ''}, got [${t.shape.join(', ')}]`);
  if (t.dtype !== dtype) throw new TypeError(`${where} must have dtype ${dtype}, got ${t.dtype}`);
}

/** Throws unless v (numbers or a tensor) holds exactly the elements of `shape`. */
function checkSize(v: unknown, shape: number[], name: string): void {
  const size = shape.reduce((a, b) => a * b, 1);
  const given = v instanceof tf.Tensor ? v.size : typeof v === 'object' && v !== null ? (v as ArrayLike<number>).length : undefined;
  if (given !== size) {
    throw new RangeError(`TensorAttentionMarket.reset: ${name} must hold ${size} numbers ([${shape.join(', ')}], row-major), got ${String(given)}`);
  }
}

/** A new [B, K, D] float32 tensor from numbers or a tensor of that many elements. */
function toTensor3(v: ArrayLike<number> | tf.Tensor, shape: [number, number, number]): tf.Tensor3D {
  if (v instanceof tf.Tensor) return tf.tidy(() => tf.reshape(tf.cast(v, 'float32'), shape));
  return tf.tensor3d(Float32Array.from(v), shape);
}
