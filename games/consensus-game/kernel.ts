import { OptionError } from '../../envs/core/errors.js';
import { CopyStreams } from '../../envs/core/copy-streams.js';
import type { GameKernel } from '../../envs/core/kernel.js';
import { KernelBuffers } from '../../envs/core/kernel-buffers.js';
import { CORRECT, INCORRECT } from './candidates.js';
import { consensusInstance, type ConsensusInstance } from './instance.js';
import { CONSENSUS_GAME_ID, type ConsensusGameOptions } from './options.js';
import { consensusGameSpaces, type ConsensusGameSpaces } from './spaces.js';

export const GENERATOR = 0;
export const DISCRIMINATOR = 1;
export const GENERATOR_PHASE = 0;
export const DISCRIMINATOR_PHASE = 1;

/** Per-agent values after each round: 1[v̂ = v], the agent's own KL(π ‖ π¹), its distance to the ER policy. */
export const AGENT_INFO = ['agreement', 'kl', 'erDistance'] as const;
/**
 * Round metrics:
 * - agreement: 1[v̂ = v]; expectedAgreement: P(v̂ = v) under the committed π_D (less noisy);
 * - accuracy: 1[v = correct, y = y*] / (½ · share of questions whose y* is known), 0 on other
 *   rounds: its mean over rounds estimates P(y = y* | v = correct) without bias (0 when no y* is known);
 * - generatorKL, discriminatorKL: KL(π ‖ π¹) of the committed policies;
 * - generatorERDistance: TV(π_G(·|x,v), π_G^ER(·|x,v)); discriminatorERDistance: |π_D(correct|x,y) − π_D^ER(correct|x,y)|
 *   (the total variation over {correct, incorrect}), the ER solution being the options' one (er*).
 */
export const ROUND_METRICS = ['agreement', 'expectedAgreement', 'accuracy', 'generatorKL', 'discriminatorKL', 'generatorERDistance', 'discriminatorERDistance'] as const;

/** log σ(x) = −softplus(−x), without overflow. */
const logSigmoid = (x: number) => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));

/**
 * consensus-game-v0 (GAMES.md §4) for B copies over flat typed arrays.
 *
 * A round is two phases. Nature has drawn a question x and a verdict v ∈ {correct, incorrect},
 * both uniform. Generator phase: the generator, seeing (x, v), commits to π_G(·|x,v) =
 * softmax of its logits over the question's |Y| candidates; the env samples y from it.
 * Discriminator phase: the discriminator, seeing (x, y), commits to π_D(correct|x,y) =
 * σ(logit); the env samples v̂. Both are paid 1[v̂ = v] minus λ times the exact KL of their
 * own committed distribution to the initial policy, and nature draws the next (x, v).
 * The Equilibrium-Ranking solution of every question is computed once, at construction.
 * Between rounds the discriminator's observation still shows the last round's (x, y): it is
 * rewritten in the next generator phase, before the discriminator acts on it.
 */
export class ConsensusGameKernel extends KernelBuffers implements GameKernel {
  readonly id = CONSENSUS_GAME_ID;
  readonly phaseRoles = [GENERATOR, DISCRIMINATOR] as const;
  readonly spaces: ConsensusGameSpaces;

  readonly instance: ConsensusInstance;
  /** Questions, the widest |Y|, rounds per episode. */
  readonly Q: number;
  readonly K: number;
  readonly T: number;
  readonly generatorObsSize: number;
  readonly discriminatorObsSize: number;

  // The game, per question q (entries past |Y_q| are 0).
  /** |Y_q|: [Q]. */
  readonly candidateCount: Int32Array;
  /** log π_G¹(y|x,v): [Q, 2, K]. */
  readonly generatorLogProbs: Float64Array;
  /** log π_D¹(v|x,y): [Q, 2, K]. */
  readonly discriminatorLogProbs: Float64Array;
  /** π_G^ER(y|x,v): [Q, 2, K]. */
  readonly erGenerator: Float64Array;
  /** π_D^ER(correct|x,y): [Q, K]. */
  readonly erDiscriminator: Float64Array;
  /** y* or −1: [Q]. */
  readonly correctIndex: Int32Array;
  private readonly accuracyScale: number;
  /** The observation block [generatorLogProbs | discriminatorLogOdds | mask] of each question, as views. */
  private readonly features: Float32Array[];
  private readonly go: { verdict: number; features: number; question: number; prior: number };
  private readonly logitBound: number;
  private readonly dobs: { candidate: number; chosenGenerator: number; chosenLogOdds: number; features: number; question: number };

  // Dynamic state, per copy.
  private phaseIndex = 0;
  /** x, v and y of the current round: [B]. */
  readonly question: Int32Array;
  readonly verdict: Int32Array;
  readonly chosen: Int32Array;
  private readonly round: Int32Array;
  /** The generator's KL and ER distance, from its phase until the round's end: [B]. */
  private readonly generatorKL: Float64Array;
  private readonly generatorDistance: Float64Array;
  /** Random streams of each copy: nature's draws of (x, v), and the samples y, v̂ from the committed policies. */
  private readonly streams: CopyStreams<'nature' | 'play'>;
  /** Scratch: exp(logit − max) of each candidate. */
  private readonly weights: Float64Array;

  constructor(
    readonly options: ConsensusGameOptions,
    batch: number,
  ) {
    const inst = consensusInstance(options);
    const questions = inst.candidates.questions;
    const Q = questions.length;
    const K = inst.candidates.maxCandidates;
    const s = consensusGameSpaces(Q, K, options.logitBound);
    super(
      batch,
      Object.freeze([
        Object.freeze({ name: 'generator', count: 1, observationSpace: s.generatorObservation, actionSpace: s.generatorAction, infoNames: AGENT_INFO }),
        Object.freeze({ name: 'discriminator', count: 1, observationSpace: s.discriminatorObservation, actionSpace: s.discriminatorAction, infoNames: AGENT_INFO }),
      ]),
      ROUND_METRICS,
    );
    const B = batch;
    this.instance = inst;
    this.Q = Q;
    this.K = K;
    this.T = options.rounds;
    this.spaces = s;
    this.logitBound = options.logitBound;
    this.generatorObsSize = s.generatorObservation.flatSize;
    this.discriminatorObsSize = s.discriminatorObservation.flatSize;
    const g = s.generatorObservation.offsets;
    const d = s.discriminatorObservation.offsets;
    for (const o of [g, d]) {
      if (o.discriminatorLogOdds !== o.generatorLogProbs + 2 * K || o.mask !== o.generatorLogProbs + 3 * K) throw new Error('consensus-game: the question features must be contiguous');
    }
    this.go = { verdict: g.verdict, features: g.generatorLogProbs, question: g.question, prior: g.prior };
    this.dobs = { candidate: d.candidate, chosenGenerator: d.chosenGeneratorLogProbs, chosenLogOdds: d.chosenDiscriminatorLogOdds, features: d.generatorLogProbs, question: d.question };

    this.candidateCount = new Int32Array(Q);
    this.generatorLogProbs = new Float64Array(Q * 2 * K);
    this.discriminatorLogProbs = new Float64Array(Q * 2 * K);
    this.erGenerator = new Float64Array(Q * 2 * K);
    this.erDiscriminator = new Float64Array(Q * K);
    this.correctIndex = new Int32Array(Q);
    const featureBlock = new Float32Array(Q * 4 * K);
    let known = 0;
    questions.forEach((question, q) => {
      const n = question.candidates.length;
      const er = inst.solutions[q];
      this.candidateCount[q] = n;
      this.correctIndex[q] = question.correct ?? -1;
      if (question.correct !== null) known++;
      const f = q * 4 * K;
      for (let v = 0; v < 2; v++) {
        for (let y = 0; y < n; y++) {
          this.generatorLogProbs[(q * 2 + v) * K + y] = question.generatorLogProbs[v * n + y];
          this.discriminatorLogProbs[(q * 2 + v) * K + y] = question.discriminatorLogProbs[v * n + y];
          this.erGenerator[(q * 2 + v) * K + y] = er.generator[v * n + y];
          featureBlock[f + v * K + y] = question.generatorLogProbs[v * n + y];
        }
      }
      for (let y = 0; y < n; y++) {
        this.erDiscriminator[q * K + y] = er.discriminator[CORRECT * n + y];
        featureBlock[f + 2 * K + y] = question.discriminatorLogProbs[CORRECT * n + y] - question.discriminatorLogProbs[INCORRECT * n + y];
        featureBlock[f + 3 * K + y] = 1;
      }
    });
    this.accuracyScale = known > 0 ? Q / (0.5 * known) : 0;
    this.features = Array.from({ length: Q }, (_, q) => featureBlock.subarray(q * 4 * K, (q + 1) * 4 * K));

    this.question = new Int32Array(B);
    this.verdict = new Int32Array(B);
    this.chosen = new Int32Array(B);
    this.round = new Int32Array(B);
    this.generatorKL = new Float64Array(B);
    this.generatorDistance = new Float64Array(B);
    this.streams = new CopyStreams(B, ['nature', 'play']);
    this.weights = new Float64Array(K);
  }

  get phase(): number {
    return this.phaseIndex;
  }

  setPhase(phase: number): void {
    if (phase !== GENERATOR_PHASE && phase !== DISCRIMINATOR_PHASE) throw new RangeError(`${this.id}: phase must be 0 or 1, got ${phase}`);
    this.phaseIndex = phase;
  }

  stateArrays(): readonly ArrayBufferView[] {
    return [
      this.question, this.verdict, this.chosen, this.round, this.generatorKL, this.generatorDistance, this.streams.state, ...this.bufferStateArrays(),
    ];
  }

  parseResetOptions(options: unknown): object {
    const owner = `${this.id} reset`;
    if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new OptionError(owner, '(options)', options, 'reset options must be an object');
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined) throw new OptionError(owner, key, value, `${this.id} has no reset options (each round draws its question from the candidates option)`);
    }
    return {};
  }

  resetCopy(b: number, seed: number | undefined): void {
    if (seed !== undefined) this.streams.reseed(b, seed);
    this.clearCopy(b);
    this.round[b] = 0;
    this.chosen[b] = 0;
    this.generatorKL[b] = 0;
    this.generatorDistance[b] = 0;
    this.drawRound(b);
    this.phaseIndex = GENERATOR_PHASE;
  }

  step(skip?: Uint8Array): void {
    if (this.phaseIndex === GENERATOR_PHASE) {
      for (let b = 0; b < this.batch; b++) if (!skip || !skip[b]) this.generatorPhase(b);
      this.phaseIndex = DISCRIMINATOR_PHASE;
    } else {
      for (let b = 0; b < this.batch; b++) if (!skip || !skip[b]) this.discriminatorPhase(b);
      this.phaseIndex = GENERATOR_PHASE;
    }
  }

  /** π_G = softmax(logits over |Y|): its KL to π_G¹ and TV to π_G^ER, then y ~ π_G, shown to the discriminator. */
  private generatorPhase(b: number): void {
    const K = this.K;
    const q = this.question[b];
    const n = this.candidateCount[q];
    const row = (q * 2 + this.verdict[b]) * K;
    const a = this.actions[GENERATOR];
    const off = b * K;
    let max = -Infinity;
    for (let y = 0; y < n; y++) if (a[off + y] > max) max = a[off + y];
    const w = this.weights;
    let sum = 0;
    for (let y = 0; y < n; y++) sum += w[y] = Math.exp(a[off + y] - max);
    const lse = max + Math.log(sum);
    const inv = 1 / sum;
    const u = this.streams.rng.play[b].uniform();
    let kl = 0;
    let tv = 0;
    let cum = 0;
    let chosen = -1;
    for (let y = 0; y < n; y++) {
      const logp = a[off + y] - lse;
      const p = w[y] * inv;
      kl += p * (logp - this.generatorLogProbs[row + y]);
      tv += Math.abs(p - this.erGenerator[row + y]);
      cum += p;
      if (chosen < 0 && u < cum) chosen = y;
    }
    if (chosen < 0) chosen = n - 1; // Σp rounded below u
    this.chosen[b] = chosen;
    this.generatorKL[b] = kl > 0 ? kl : 0; // exact KL ≥ 0; rounding can leave −1e−17
    this.generatorDistance[b] = tv / 2;
    this.writeDiscriminatorObservation(b);
    this.clearOutcome(b); // rewards arrive only at the end of a round
  }

  /** π_D(correct) = σ(logit): its KL to π_D¹ and distance to π_D^ER, v̂ ~ π_D, rewards, next (x, v). */
  private discriminatorPhase(b: number): void {
    const K = this.K;
    const q = this.question[b];
    const v = this.verdict[b];
    const y = this.chosen[b];
    const logit = this.actions[DISCRIMINATOR][b];
    const logP = logSigmoid(logit);
    const log1mP = logSigmoid(-logit);
    const p = Math.exp(logP);
    const pInc = Math.exp(log1mP);
    const c = (q * 2 + CORRECT) * K + y;
    const i = (q * 2 + INCORRECT) * K + y;
    const rawKL = p * (logP - this.discriminatorLogProbs[c]) + pInc * (log1mP - this.discriminatorLogProbs[i]);
    const kl = rawKL > 0 ? rawKL : 0;
    const guess = this.streams.rng.play[b].uniform() < p ? CORRECT : INCORRECT;
    const agreement = guess === v ? 1 : 0;
    const dDistance = Math.abs(p - this.erDiscriminator[q * K + y]);
    const gKL = this.generatorKL[b];
    const o = this.options;

    this.rewards[GENERATOR][b] = agreement - o.lambdaG * gKL;
    this.rewards[DISCRIMINATOR][b] = agreement - o.lambdaD * kl;
    const nInfo = AGENT_INFO.length;
    const gi = this.infos[GENERATOR];
    gi[b * nInfo] = agreement;
    gi[b * nInfo + 1] = gKL;
    gi[b * nInfo + 2] = this.generatorDistance[b];
    const di = this.infos[DISCRIMINATOR];
    di[b * nInfo] = agreement;
    di[b * nInfo + 1] = kl;
    di[b * nInfo + 2] = dDistance;

    const m = b * ROUND_METRICS.length;
    this.metrics[m] = agreement;
    this.metrics[m + 1] = v === CORRECT ? p : pInc;
    this.metrics[m + 2] = v === CORRECT && y === this.correctIndex[q] ? this.accuracyScale : 0;
    this.metrics[m + 3] = gKL;
    this.metrics[m + 4] = kl;
    this.metrics[m + 5] = this.generatorDistance[b];
    this.metrics[m + 6] = dDistance;

    const t = ++this.round[b];
    this.truncated[b] = t >= this.T ? 1 : 0;
    this.terminated[b] = 0;
    this.drawRound(b);
  }

  /** Nature draws the next question and verdict, uniformly, and shows them to the generator. */
  private drawRound(b: number): void {
    const rng = this.streams.rng.nature[b];
    const q = (this.question[b] = rng.int(this.Q));
    const v = (this.verdict[b] = rng.int(2));
    const obs = this.observations[GENERATOR];
    const base = b * this.generatorObsSize;
    obs[base + this.go.verdict + CORRECT] = v === CORRECT ? 1 : 0;
    obs[base + this.go.verdict + INCORRECT] = v === INCORRECT ? 1 : 0;
    obs.set(this.features[q], base + this.go.features);
    obs[base + this.go.question] = q;
    const row = (q * 2 + v) * this.K;
    const L = this.logitBound;
    const n = this.candidateCount[q];
    for (let y = 0; y < this.K; y++) obs[base + this.go.prior + y] = y < n ? Math.max(-L, this.generatorLogProbs[row + y]) : -L;
  }

  private writeDiscriminatorObservation(b: number): void {
    const K = this.K;
    const q = this.question[b];
    const y = this.chosen[b];
    const obs = this.observations[DISCRIMINATOR];
    const base = b * this.discriminatorObsSize;
    const d = this.dobs;
    obs.fill(0, base + d.candidate, base + d.candidate + K);
    obs[base + d.candidate + y] = 1;
    obs[base + d.chosenGenerator] = this.generatorLogProbs[(q * 2 + CORRECT) * K + y];
    obs[base + d.chosenGenerator + 1] = this.generatorLogProbs[(q * 2 + INCORRECT) * K + y];
    obs[base + d.chosenLogOdds] = this.discriminatorLogProbs[(q * 2 + CORRECT) * K + y] - this.discriminatorLogProbs[(q * 2 + INCORRECT) * K + y];
    obs.set(this.features[q], base + d.features);
    obs[base + d.question] = q;
  }
}
