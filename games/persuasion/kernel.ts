import { CopyStreams } from '../../envs/core/copy-streams.js';
import type { GameKernel } from '../../envs/core/kernel.js';
import { KernelBuffers } from '../../envs/core/kernel-buffers.js';
import type { PersuasionInstance } from './instance.js';
import { resolveInstance, type PersuasionId, type PersuasionOptions } from './options.js';
import { parsePersuasionResetOptions, type PersuasionResetOptions } from './reset-options.js';
import { bayesActionFlat, posteriorInto, quantalInto } from './response.js';
import { likelihoodInto, softmaxRowsInto } from './signal.js';
import { persuasionSpaces, type PersuasionSpaces } from './spaces.js';
import { instanceTables, TIE, type InstanceTables } from './tables.js';

export const PROVIDER = 0;

/**
 * Per-provider values after each round: whether the user consulted it, the message it sent,
 * the state it observed (y unless noise struck), the user's utility u_θ(a_i, y) had it acted
 * on this provider's message alone, and this provider's average of that utility over the
 * current user type's evaluation rounds so far (0 before any; best-after-evaluation only).
 */
export const PROVIDER_INFO = ['consulted', 'message', 'observedState', 'soloUserUtility', 'evaluationScore'] as const;
/**
 * Round metrics: the user type θ, the state y, the user's action a, u_θ(a, y), V*_θ, the gap
 * V*_θ − u_θ(a, y), accuracy (1 when a is a best action for y), the provider consulted alone
 * (−1 when several are consulted), whether this was an evaluation round of
 * best-after-evaluation, and the providers' mean utility.
 */
export const ROUND_METRICS = ['userType', 'state', 'action', 'userUtility', 'alignedUtility', 'gap', 'accuracy', 'consulted', 'evaluating', 'meanProviderUtility'] as const;

/**
 * The persuasion family (GAMES.md §2) for B copies: emergent-alignment-v0 and
 * pluralistic-market-v0 are this kernel with different option schemas.
 *
 * One phase per round. The k providers commit to signalling policies (their actions: logits of
 * π_i(m | s)); then, in the same step, y ~ μ is drawn, each provider observes y (or a uniform
 * state with probability ε) and sends m_i ~ π_i(· | s_i), and the user of type θ (drawn at the
 * end of the previous round, so that personalised providers observe it) consults providers,
 * forms the posterior and acts. Provider i is paid U_i(a, y).
 */
export class PersuasionKernel extends KernelBuffers implements GameKernel {
  readonly phaseRoles = [PROVIDER] as const;
  readonly spaces: PersuasionSpaces;
  readonly instance: PersuasionInstance;
  readonly tables: InstanceTables;
  readonly obsSize: number;
  readonly actSize: number;
  private readonly ob: { provider: number; utility: number; prior: number; userType: number; progress: number };

  // Dynamic state, per copy
  /** θ of the current round's user: [B]. */
  readonly userType: Int32Array;
  private readonly round: Int32Array; // [B] rounds completed
  /** best-after-evaluation: evaluation rounds seen per user type, [B, Θ]. */
  private readonly evalCount: Int32Array;
  /** Σ of soloUserUtility over those rounds, [B, Θ, k]. */
  private readonly evalSum: Float64Array;
  /** The provider each type consults alone from now on, or −1 while consulting all: [B, Θ]. */
  readonly chosen: Int32Array;
  /** Random streams of each copy: user types and states; signal noise, messages and quantal draws. */
  private readonly streams: CopyStreams<'world' | 'signal'>;
  private phaseIndex = 0;

  // Scratch (not state)
  private readonly policy: Float64Array; // [k, Y, M]
  private readonly likelihood: Float64Array; // [k, Y, M]
  private readonly messages: Int32Array; // [k]
  private readonly observed: Int32Array; // [k]
  private readonly solo: Float64Array; // [k] soloUserUtility
  private readonly post: Float64Array; // [Y]
  private readonly quantal: Float64Array; // [A]
  private readonly allMask: number;

  constructor(
    readonly id: PersuasionId,
    readonly options: PersuasionOptions,
    batch: number,
  ) {
    const instance = resolveInstance(options);
    const t = instanceTables(instance);
    const s = persuasionSpaces(t, options.logitBound);
    super(
      batch,
      Object.freeze([Object.freeze({ name: 'provider', count: t.k, observationSpace: s.providerObservation, actionSpace: s.providerAction, infoNames: PROVIDER_INFO })]),
      ROUND_METRICS,
    );
    const B = batch;
    const { k, Y, M, A, types } = t;
    this.instance = instance;
    this.tables = t;
    this.spaces = s;
    this.obsSize = s.providerObservation.flatSize;
    this.actSize = s.providerAction.flatSize;
    this.ob = { ...s.providerObservation.offsets };

    this.userType = new Int32Array(B);
    this.round = new Int32Array(B);
    this.evalCount = new Int32Array(B * types);
    this.evalSum = new Float64Array(B * types * k);
    this.chosen = new Int32Array(B * types).fill(-1);
    this.streams = new CopyStreams(B, ['world', 'signal']);

    this.policy = new Float64Array(k * Y * M);
    this.likelihood = new Float64Array(k * Y * M);
    this.messages = new Int32Array(k);
    this.observed = new Int32Array(k);
    this.solo = new Float64Array(k);
    this.post = new Float64Array(Y);
    this.quantal = new Float64Array(A);
    this.allMask = (1 << k) - 1;
  }

  get phase(): number {
    return this.phaseIndex;
  }

  setPhase(phase: number): void {
    if (phase !== 0) throw new RangeError(`${this.id}: the only phase is 0, got ${phase}`);
    this.phaseIndex = 0;
  }

  stateArrays(): readonly ArrayBufferView[] {
    return [
      this.userType, this.round, this.evalCount, this.evalSum, this.chosen, this.streams.state, ...this.bufferStateArrays(),
    ];
  }

  parseResetOptions(options: unknown): PersuasionResetOptions {
    return parsePersuasionResetOptions(this.id, options);
  }

  resetCopy(b: number, seed: number | undefined, _options: PersuasionResetOptions | undefined): void {
    const t = this.tables;
    const { k, A, Y, types } = t;
    if (seed !== undefined) this.streams.reseed(b, seed);
    this.clearCopy(b);
    this.round[b] = 0;
    this.evalCount.fill(0, b * types, (b + 1) * types);
    this.evalSum.fill(0, b * types * k, (b + 1) * types * k);
    this.chosen.fill(-1, b * types, (b + 1) * types);
    this.userType[b] = sampleIndex(t.typeWeight, 0, types, this.streams.rng.world[b].uniform());

    // The static part of each provider's observation: index, own utility, prior.
    const obs = this.observations[PROVIDER];
    for (let i = 0; i < k; i++) {
      const base = (b * k + i) * this.obsSize;
      obs[base + this.ob.provider + i] = 1;
      for (let j = 0; j < A * Y; j++) obs[base + this.ob.utility + j] = t.providerUtility[i * A * Y + j];
      for (let y = 0; y < Y; y++) obs[base + this.ob.prior + y] = t.prior[y];
    }
    this.observeRound(b);
    this.phaseIndex = 0;
  }

  step(skip?: Uint8Array): void {
    for (let b = 0; b < this.batch; b++) if (!skip || !skip[b]) this.playRound(b);
    this.phaseIndex = 0;
  }

  private playRound(b: number): void {
    const t = this.tables;
    const { k, Y, M, A, types } = t;
    const o = this.options;
    const world = this.streams.rng.world[b];
    const signal = this.streams.rng.signal[b];
    const theta = this.userType[b];
    const policy = this.policy;
    const likelihood = this.likelihood;
    const messages = this.messages;
    const post = this.post;
    const eps = o.signalNoise;
    const quantal = o.response === 'quantal';

    // Commitments: π_i(m | s) from the logits, and P(m | y) with the noise folded in.
    softmaxRowsInto(this.actions[PROVIDER], b * k * Y * M, k * Y, M, policy, 0);
    for (let i = 0; i < k; i++) likelihoodInto(policy, i * Y * M, Y, M, eps, likelihood, i * Y * M);

    // Nature, then the signals.
    const y = sampleIndex(t.prior, 0, Y, world.uniform());
    for (let i = 0; i < k; i++) {
      let s = y;
      if (eps > 0 && signal.uniform() < eps) s = signal.int(Y);
      this.observed[i] = s;
      messages[i] = sampleIndex(policy, (i * Y + s) * M, M, signal.uniform());
    }

    // The user consults, updates and acts.
    const slot = b * types + theta;
    const chosen = this.chosen[slot];
    const mask = chosen < 0 ? this.allMask : 1 << chosen;
    posteriorInto(t, likelihood, messages, 0, mask, post, 0);
    let a: number;
    if (quantal) {
      quantalInto(t, theta, post, 0, o.beta, this.quantal, 0);
      a = sampleIndex(this.quantal, 0, A, signal.uniform());
    } else {
      a = bayesActionFlat(t, theta, post, 0, mask, o.ties);
    }
    const uOff = theta * A * Y;
    const u = t.userUtility[uOff + a * Y + y];

    // What the user would have realised on each provider's message alone (the quantal user in
    // expectation over its own randomisation, which needs no draw).
    for (let i = 0; i < k; i++) {
      posteriorInto(t, likelihood, messages, 0, 1 << i, post, 0);
      if (quantal) {
        quantalInto(t, theta, post, 0, o.beta, this.quantal, 0);
        let eu = 0;
        for (let ai = 0; ai < A; ai++) eu += this.quantal[ai] * t.userUtility[uOff + ai * Y + y];
        this.solo[i] = eu;
      } else {
        this.solo[i] = t.userUtility[uOff + bayesActionFlat(t, theta, post, 0, 1 << i, o.ties) * Y + y];
      }
    }
    const evaluating = o.selection === 'best-after-evaluation' && chosen < 0;
    if (evaluating) {
      for (let i = 0; i < k; i++) this.evalSum[slot * k + i] += this.solo[i];
      if (++this.evalCount[slot] >= o.evaluationRounds) {
        let best = 0;
        for (let i = 1; i < k; i++) if (this.evalSum[slot * k + i] > this.evalSum[slot * k + best]) best = i; // ties → lowest index
        this.chosen[slot] = best;
      }
    }

    // Payoffs and reports.
    const rewards = this.rewards[PROVIDER];
    const info = this.infos[PROVIDER];
    const nInfo = PROVIDER_INFO.length;
    const count = this.evalCount[slot];
    let providerSum = 0;
    for (let i = 0; i < k; i++) {
      const r = t.providerUtility[(i * A + a) * Y + y];
      rewards[b * k + i] = r;
      providerSum += r;
      const base = (b * k + i) * nInfo;
      info[base] = mask & (1 << i) ? 1 : 0;
      info[base + 1] = messages[i];
      info[base + 2] = this.observed[i];
      info[base + 3] = this.solo[i];
      info[base + 4] = count > 0 ? this.evalSum[slot * k + i] / count : 0;
    }
    const aligned = t.alignedUtility[theta];
    const m = this.metrics;
    const mb = b * ROUND_METRICS.length;
    m[mb] = theta;
    m[mb + 1] = y;
    m[mb + 2] = a;
    m[mb + 3] = u;
    m[mb + 4] = aligned;
    m[mb + 5] = aligned - u;
    m[mb + 6] = u >= t.bestUtility[theta * Y + y] - TIE ? 1 : 0;
    m[mb + 7] = chosen < 0 ? -1 : chosen;
    m[mb + 8] = evaluating ? 1 : 0;
    m[mb + 9] = providerSum / k;

    const done = ++this.round[b];
    this.truncated[b] = done >= o.rounds ? 1 : 0;
    this.terminated[b] = 0;
    // The next round's user, so that personalised providers can observe its type.
    this.userType[b] = sampleIndex(t.typeWeight, 0, types, world.uniform());
    this.observeRound(b);
  }

  /** Writes the round-dependent part of the observations: the user type (if personalised) and progress. */
  private observeRound(b: number): void {
    const { k, types } = this.tables;
    const obs = this.observations[PROVIDER];
    const theta = this.userType[b];
    const progress = this.round[b] / this.options.rounds;
    for (let i = 0; i < k; i++) {
      const base = (b * k + i) * this.obsSize;
      if (this.options.personalized) for (let th = 0; th < types; th++) obs[base + this.ob.userType + th] = th === theta ? 1 : 0;
      obs[base + this.ob.progress] = progress;
    }
  }
}

/**
 * Index drawn from probabilities p[off .. off+n) with a uniform u ∈ [0, 1): the first index whose
 * cumulative sum exceeds u; when rounding leaves u above the total, the last index with p > 0.
 */
export function sampleIndex(p: ArrayLike<number>, off: number, n: number, u: number): number {
  let cum = 0;
  let last = 0;
  for (let j = 0; j < n; j++) {
    const pj = p[off + j];
    if (pj <= 0) continue;
    cum += pj;
    last = j;
    if (u < cum) return j;
  }
  return last;
}
