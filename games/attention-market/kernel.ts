import { CopyStreams } from '../../envs/core/copy-streams.js';
import type { GameKernel, RoleSpec } from '../../envs/core/kernel.js';
import { KernelBuffers } from '../../envs/core/kernel-buffers.js';
import type { AttentionMarketOptions } from './options.js';
import { ATTENTION_MARKET_ID } from './options.js';
import { parseResetOptions, type ParsedResetOptions } from './reset-options.js';
import { RidgeBank } from './ridge.js';
import { attentionMarketSpaces, type AttentionMarketSpaces } from './spaces.js';
import { drawTastes, type TasteDraw } from './tastes.js';

export const GOAL = 0;
export const USER = 1;
export const GOAL_PHASE = 0;
export const USER_PHASE = 1;

export const USER_INFO = ['regret', 'normalizedRegret', 'welfare', 'estimateError'] as const;
export const GOAL_INFO = ['visibility', 'visibilityShare', 'generationCost', 'honesty'] as const;
export const ROUND_METRICS = ['meanRegret', 'meanNormalizedRegret', 'welfare', 'meanGenerationCost', 'honesty', 'estimateError'] as const;

/** Two relevances closer than this count as equal (normalised regret is then 0). */
const TIE = 1e-12;

/** The two roles (goal, user) with their spaces: shared by this kernel and the tensor env. */
export function attentionMarketRoles(o: AttentionMarketOptions, s: ReturnType<typeof attentionMarketSpaces>): readonly RoleSpec[] {
  return Object.freeze([
    Object.freeze({ name: 'goal', count: o.goals, observationSpace: s.goalObservation, actionSpace: s.goalAction, infoNames: GOAL_INFO }),
    Object.freeze({ name: 'user', count: o.users, observationSpace: s.userObservation, actionSpace: s.userAction, infoNames: USER_INFO }),
  ]);
}

/**
 * attention-market-v0 (GAMES.md §1) for B copies over flat typed arrays.
 *
 * A round is two phases: the goal phase projects every creation onto the unit ball and
 * fills the pool; the user phase scores each user's N selections by true relevance
 * θ_j · g_{k(e)}, pays regret and goal utility, draws feedback and updates the ridge
 * estimate. True relevance depends only on the owner, and every goal always has M entries
 * in the pool, so the oracle's top-N (and bottom-N) sums are fixed per episode and
 * computed once at reset. The ridge estimate is kept by recursive least squares in
 * WebAssembly (RidgeBank): A⁻¹ by Sherman–Morrison and q = A⁻¹b updated in O(D²) per
 * selection, no solve (equal to the direct solve up to rounding; tests check it).
 */
export class AttentionMarketKernel extends KernelBuffers implements GameKernel {
  readonly id = ATTENTION_MARKET_ID;
  readonly phaseRoles = [GOAL, USER] as const;
  readonly spaces: AttentionMarketSpaces;

  // Sizes
  readonly D: number;
  readonly U: number;
  readonly G: number;
  readonly M: number;
  readonly P: number;
  readonly N: number;
  readonly T: number;
  readonly userObsSize: number;
  readonly goalObsSize: number;
  private readonly uo: { pool: number; owners: number; estimate: number; lastSelection: number; lastFeedback: number; progress: number };
  private readonly go: { grounded: number; lastCreations: number; slotsWon: number; signal: number; progress: number };

  // Hidden state, per copy
  /** θ: [B, U, D] true preferences. */
  readonly preferences: Float64Array;
  /** g: [B, G, D] grounded asset embeddings. */
  readonly grounded: Float64Array;
  /** θ_j · g_k: [B, U, G]. */
  readonly relevance: Float64Array;
  /** Σ of the top-N / bottom-N pool relevances per user: [B, U]. */
  private readonly oracleTop: Float64Array;
  private readonly oracleBottom: Float64Array;

  // Dynamic state, per copy
  private phaseIndex = 0;
  private readonly round: Int32Array; // [B] rounds completed
  /** The projected pool: [B, P, D]. */
  readonly pool: Float32Array;
  private readonly genError2: Float64Array; // [B, P] ‖e − g‖² per creation
  /** Ridge state of every user (A⁻¹, b, q = A⁻¹b), in WebAssembly memory. */
  readonly ridge: RidgeBank;
  /** q: [B, U, D], a view of the ridge bank. */
  readonly estimate: Float64Array;
  private readonly slotsWon: Int32Array; // [B, P]
  private readonly signal: Float64Array; // [B, D]
  /** Random streams of each copy: hidden state at reset, and user feedback. */
  private readonly streams: CopyStreams<'world' | 'feedback'>;
  /**
   * Test hook: when set, the user phase takes its feedback draws from here instead of the
   * copies' PRNGs (which are then not advanced): [B, U, N] for the round, uniforms in [0, 1)
   * for click feedback, standard normals for rating. Lets a test give another implementation
   * (games/attention-market/tensor) the same random numbers.
   */
  feedbackDraws: Float64Array | null = null;

  // Scratch (not state)
  private readonly visibility: Float64Array;
  private readonly ownerOf: Int32Array;
  private readonly tastes: TasteDraw;
  private readonly tasteCentres: Float64Array; // [K, D] one world's centres while drawing
  private readonly tasteNoise: Float64Array; // [D] z of one user
  /** Views made once so the per-round copies are memcpys that allocate nothing. */
  private readonly poolViews: Float32Array[];
  private readonly creationViews: Float32Array[];

  constructor(
    readonly options: AttentionMarketOptions,
    batch: number,
  ) {
    const s = attentionMarketSpaces(options);
    super(batch, attentionMarketRoles(options, s), ROUND_METRICS);
    const o = options;
    const B = batch;
    const D = (this.D = o.dim);
    const U = (this.U = o.users);
    const G = (this.G = o.goals);
    const M = (this.M = o.creationsPerGoal);
    const P = (this.P = G * M);
    this.N = o.slots;
    this.T = o.rounds;
    this.spaces = s;
    this.userObsSize = s.userObservation.flatSize;
    this.goalObsSize = s.goalObservation.flatSize;
    this.uo = { ...s.userObservation.offsets };
    this.go = { ...s.goalObservation.offsets };

    this.preferences = new Float64Array(B * U * D);
    this.grounded = new Float64Array(B * G * D);
    this.relevance = new Float64Array(B * U * G);
    this.oracleTop = new Float64Array(B * U);
    this.oracleBottom = new Float64Array(B * U);
    this.round = new Int32Array(B);
    this.pool = new Float32Array(B * P * D);
    this.genError2 = new Float64Array(B * P);
    this.ridge = new RidgeBank(B * U, D);
    this.estimate = this.ridge.estimate;
    this.slotsWon = new Int32Array(B * P);
    this.signal = new Float64Array(B * D);
    this.streams = new CopyStreams(B, ['world', 'feedback']);

    this.visibility = new Float64Array(G);
    this.tastes = { clusters: o.tasteClusters, spread: o.tasteSpread };
    this.tasteCentres = new Float64Array(o.tasteClusters * D);
    this.tasteNoise = new Float64Array(D);
    this.ownerOf = new Int32Array(P);
    for (let i = 0; i < P; i++) this.ownerOf[i] = Math.floor(i / M);
    this.poolViews = Array.from({ length: B }, (_, b) => this.pool.subarray(b * P * D, (b + 1) * P * D));
    this.creationViews = Array.from({ length: B * G }, (_, bk) => this.pool.subarray(bk * M * D, (bk + 1) * M * D));
  }

  get phase(): number {
    return this.phaseIndex;
  }

  setPhase(phase: number): void {
    if (phase !== GOAL_PHASE && phase !== USER_PHASE) throw new RangeError(`${this.id}: phase must be 0 or 1, got ${phase}`);
    this.phaseIndex = phase;
  }

  stateArrays(): readonly ArrayBufferView[] {
    return [
      this.preferences, this.grounded, this.relevance, this.oracleTop, this.oracleBottom, this.round, this.pool, this.genError2,
      this.ridge.ainv, this.ridge.b, this.ridge.estimate, this.slotsWon, this.signal, this.streams.state, ...this.bufferStateArrays(),
    ];
  }

  parseResetOptions(options: unknown): ParsedResetOptions {
    return parseResetOptions(this.options, options);
  }

  resetCopy(b: number, seed: number | undefined, options: ParsedResetOptions | undefined): void {
    const { D, U, G, M, P, N } = this;
    if (seed !== undefined) this.streams.reseed(b, seed);
    this.clearCopy(b);
    const world = this.streams.rng.world[b];
    // Hidden state: always drawn, so the world stream does not depend on reset options.
    drawTastes(world, this.preferences, b * U * D, U, D, this.tastes, this.tasteCentres, this.tasteNoise, options?.tasteCentres);
    for (let k = 0; k < G; k++) world.unitVector(this.grounded, (b * G + k) * D, D);
    if (options?.preferences) this.preferences.set(options.preferences, b * U * D);
    if (options?.grounded) this.grounded.set(options.grounded, b * G * D);
    for (let k = 0; k < G; k++) float32UnitBall(this.grounded, (b * G + k) * D, D);

    for (let j = 0; j < U; j++) {
      const rel = (b * U + j) * G;
      for (let k = 0; k < G; k++) {
        let dot = 0;
        for (let d = 0; d < D; d++) dot += this.preferences[(b * U + j) * D + d] * this.grounded[(b * G + k) * D + d];
        this.relevance[rel + k] = dot;
      }
      // The pool holds M entries of each goal: take whole goals from the top (bottom) until N are taken.
      const sorted = Array.from(this.relevance.subarray(rel, rel + G)).sort((x, y) => y - x);
      this.oracleTop[b * U + j] = takeN(sorted, M, N);
      this.oracleBottom[b * U + j] = takeN(sorted.reverse(), M, N);
    }

    for (let j = 0; j < U; j++) this.ridge.reset(b * U + j, this.options.ridgePrior);
    this.round[b] = 0;
    this.pool.fill(0, b * P * D, (b + 1) * P * D);
    this.genError2.fill(0, b * P, (b + 1) * P);
    this.slotsWon.fill(0, b * P, (b + 1) * P);
    this.signal.fill(0, b * D, (b + 1) * D);

    // Initial observations.
    const uo = this.observations[USER];
    for (let j = 0; j < U; j++) {
      const base = (b * U + j) * this.userObsSize;
      for (let i = 0; i < P; i++) uo[base + this.uo.owners + i] = this.ownerOf[i];
      for (let n = 0; n < N; n++) uo[base + this.uo.lastSelection + n] = -1;
    }
    const go = this.observations[GOAL];
    for (let k = 0; k < G; k++) {
      const base = (b * G + k) * this.goalObsSize + this.go.grounded;
      for (let d = 0; d < D; d++) go[base + d] = this.grounded[(b * G + k) * D + d];
    }
    this.phaseIndex = GOAL_PHASE;
  }

  /**
   * Privileged features for a centralised critic. A Goal Buddy k: its asset's true relevance
   * θ_j·g_k to each user j, and each user's estimate of it q_j·g_k (U + U numbers). A User
   * Buddy j: the true relevance θ_j·g of each pool entry, in pool order (P numbers).
   */
  readonly critic = {
    size: (role: number): number => (role === GOAL ? 2 * this.U : this.P),
    write: (role: number, out: Float32Array): void => {
      const { U, G, D, P, batch: B } = this;
      if (role === GOAL) {
        for (let b = 0; b < B; b++) {
          for (let k = 0; k < G; k++) {
            const o = (b * G + k) * 2 * U;
            for (let j = 0; j < U; j++) {
              out[o + j] = this.relevance[(b * U + j) * G + k];
              let s = 0;
              for (let d = 0; d < D; d++) s += this.estimate[(b * U + j) * D + d] * this.grounded[(b * G + k) * D + d];
              out[o + U + j] = s;
            }
          }
        }
      } else {
        for (let b = 0; b < B; b++) {
          for (let j = 0; j < U; j++) {
            const o = (b * U + j) * P;
            for (let i = 0; i < P; i++) out[o + i] = this.relevance[(b * U + j) * G + this.ownerOf[i]];
          }
        }
      }
    },
  };

  step(skip?: Uint8Array): void {
    if (this.phaseIndex === GOAL_PHASE) {
      for (let b = 0; b < this.batch; b++) if (!skip || !skip[b]) this.goalPhase(b);
      this.phaseIndex = USER_PHASE;
    } else {
      for (let b = 0; b < this.batch; b++) if (!skip || !skip[b]) this.userPhase(b);
      this.phaseIndex = GOAL_PHASE;
    }
  }

  /** Projects the creations onto the unit ball into the pool and shows the pool to users. */
  private goalPhase(b: number): void {
    const { D, U, G, M, P } = this;
    const act = this.actions[GOAL];
    const pool = this.pool;
    const g = this.grounded;
    for (let k = 0; k < G; k++) {
      const gBase = (b * G + k) * D;
      for (let m = 0; m < M; m++) {
        const p = k * M + m;
        const aBase = (b * P + p) * D; // actions [B, G, M, D] and pool [B, P, D] share this layout
        let n2 = 0;
        for (let d = 0; d < D; d++) n2 += act[aBase + d] * act[aBase + d];
        const scale = n2 > 1 ? 1 / Math.sqrt(n2) : 1;
        let err2 = 0;
        for (let d = 0; d < D; d++) {
          let e = act[aBase + d] * scale;
          if (e > 1) e = 1; // float32 rounding of a projected axis vector
          else if (e < -1) e = -1;
          pool[aBase + d] = e;
          const diff = pool[aBase + d] - g[gBase + d];
          err2 += diff * diff;
        }
        this.genError2[b * P + p] = err2;
      }
    }
    const obs = this.observations[USER];
    const progress = this.round[b] / this.T;
    const poolView = this.poolViews[b];
    for (let j = 0; j < U; j++) {
      const base = (b * U + j) * this.userObsSize;
      obs.set(poolView, base + this.uo.pool); // a memcpy from a view made once
      obs[base + this.uo.progress] = progress;
    }
    this.clearOutcome(b);
  }

  /** Scores the selections, pays everyone, draws feedback, updates the estimates. */
  private userPhase(b: number): void {
    const { D, U, G, M, P, N } = this;
    const o = this.options;
    const sel = this.actions[USER];
    const pool = this.pool;
    const vis = this.visibility;
    const signal = this.signal;
    const userInfo = this.infos[USER];
    const userObs = this.observations[USER];
    const rng = this.streams.rng.feedback[b];
    const draws = this.feedbackDraws;
    const click = o.feedback === 'click';
    const ridge = o.estimator === 'ridge';
    const advertised = o.learnFrom === 'advertised';
    const beta = o.feedbackSharpness;
    const noise = o.ratingNoise;
    const nInfo = USER_INFO.length;

    vis.fill(0);
    this.slotsWon.fill(0, b * P, (b + 1) * P);
    signal.fill(0, b * D, (b + 1) * D);
    let regretSum = 0;
    let normRegretSum = 0;
    let welfareSum = 0;
    let estErrSum = 0;

    for (let j = 0; j < U; j++) {
      const uj = b * U + j;
      const obsBase = uj * this.userObsSize;
      let welfare = 0;
      for (let n = 0; n < N; n++) {
        const i = sel[uj * N + n];
        const k = this.ownerOf[i];
        const r = this.relevance[uj * G + k];
        welfare += r;
        vis[k] += 1;
        this.slotsWon[b * P + i] += 1;
        const eBase = (b * P + i) * D;
        for (let d = 0; d < D; d++) signal[b * D + d] += pool[eBase + d];

        // Feedback, then the ridge update with the centred click or the rating.
        let y: number;
        let target: number;
        if (click) {
          y = (draws ? draws[uj * N + n] : rng.uniform()) < 1 / (1 + Math.exp(-beta * r)) ? 1 : 0;
          target = y - 0.5;
        } else {
          y = r + noise * (draws ? draws[uj * N + n] : rng.normal());
          target = y;
        }
        userObs[obsBase + this.uo.lastSelection + n] = i;
        userObs[obsBase + this.uo.lastFeedback + n] = y;
        if (ridge) {
          if (advertised) this.ridge.update(uj, pool, eBase, target);
          else this.ridge.update(uj, this.grounded, (b * G + k) * D, target);
        }
      }

      const regret = this.oracleTop[uj] - welfare;
      const range = this.oracleTop[uj] - this.oracleBottom[uj];
      const normRegret = range > TIE ? regret / range : 0;
      // Estimate error ‖q/‖q‖ − θ‖ = √(2 − 2 q̂·θ) for unit θ; with q = 0 it is ‖θ‖ = 1.
      let qq = 0;
      let qt = 0;
      const qBase = uj * D;
      for (let d = 0; d < D; d++) {
        const q = this.estimate[qBase + d];
        qq += q * q;
        qt += q * this.preferences[qBase + d];
        userObs[obsBase + this.uo.estimate + d] = q;
      }
      const estErr = qq > 0 ? Math.sqrt(Math.max(0, 2 - (2 * qt) / Math.sqrt(qq))) : 1;

      this.rewards[USER][uj] = -regret;
      userInfo[uj * nInfo] = regret;
      userInfo[uj * nInfo + 1] = normRegret;
      userInfo[uj * nInfo + 2] = welfare;
      userInfo[uj * nInfo + 3] = estErr;
      regretSum += regret;
      normRegretSum += normRegret;
      welfareSum += welfare;
      estErrSum += estErr;
    }

    // Goal utilities.
    const lambda = o.costWeight;
    const flat = o.creationCost * M;
    const regretMode = o.goalReward === 'regret';
    const goalInfo = this.infos[GOAL];
    const gInfo = GOAL_INFO.length;
    const slots = U * N;
    let costSum = 0;
    let honestySum = 0;
    for (let k = 0; k < G; k++) {
      let err2 = 0;
      let dist = 0;
      for (let m = 0; m < M; m++) {
        const e2 = this.genError2[b * P + k * M + m];
        err2 += e2;
        dist += Math.sqrt(e2);
      }
      const cost = lambda * err2 + flat;
      const bk = b * G + k;
      this.rewards[GOAL][bk] = regretMode ? regretSum / G - lambda * err2 : vis[k] - cost;
      goalInfo[bk * gInfo] = vis[k];
      goalInfo[bk * gInfo + 1] = vis[k] / slots;
      goalInfo[bk * gInfo + 2] = cost;
      goalInfo[bk * gInfo + 3] = dist / M;
      costSum += cost;
      honestySum += dist;
    }

    const t = ++this.round[b];
    this.truncated[b] = t >= this.T ? 1 : 0;
    this.terminated[b] = 0;
    const progress = t / this.T;
    const invSlots = 1 / slots;
    for (let d = 0; d < D; d++) signal[b * D + d] *= invSlots;

    // Goals observe the round: their creations, the slots they won, the signal.
    const goalObs = this.observations[GOAL];
    for (let k = 0; k < G; k++) {
      const base = (b * G + k) * this.goalObsSize;
      goalObs.set(this.creationViews[b * G + k], base + this.go.lastCreations);
      for (let m = 0; m < M; m++) goalObs[base + this.go.slotsWon + m] = this.slotsWon[b * P + k * M + m];
      for (let d = 0; d < D; d++) goalObs[base + this.go.signal + d] = signal[b * D + d];
      goalObs[base + this.go.progress] = progress;
    }
    for (let j = 0; j < U; j++) userObs[(b * U + j) * this.userObsSize + this.uo.progress] = progress;

    const mBase = b * ROUND_METRICS.length;
    this.metrics[mBase] = regretSum / U;
    this.metrics[mBase + 1] = normRegretSum / U;
    this.metrics[mBase + 2] = welfareSum;
    this.metrics[mBase + 3] = costSum / G;
    this.metrics[mBase + 4] = honestySum / P;
    this.metrics[mBase + 5] = estErrSum / U;
  }

}

/**
 * Rounds v[off .. off+D) to float32 values whose norm is at most 1, so that an honest
 * creation e = g passes through the float32 pool and the unit-ball projection unchanged
 * and costs exactly 0 (rounding alone can leave ‖g‖² = 1 + 6e−8).
 */
function float32UnitBall(v: Float64Array, off: number, D: number): void {
  for (let scale = 1; ; scale *= 1 - 2 ** -23) {
    let n2 = 0;
    for (let d = 0; d < D; d++) {
      const x = Math.fround(v[off + d] * scale);
      n2 += x * x;
    }
    if (n2 <= 1) {
      for (let d = 0; d < D; d++) v[off + d] = Math.fround(v[off + d] * scale);
      return;
    }
  }
}

/** Sum of the first N items when each of the `sorted` values appears M times. */
function takeN(sorted: number[], M: number, N: number): number {
  let left = N;
  let sum = 0;
  for (const v of sorted) {
    const take = Math.min(M, left);
    sum += take * v;
    left -= take;
    if (left === 0) break;
  }
  return sum;
}
