import { CopyStreams } from '../../envs/core/copy-streams.js';
import type { GameKernel } from '../../envs/core/kernel.js';
import { KernelBuffers } from '../../envs/core/kernel-buffers.js';
import { EPSILON0, equilibriumInto } from './equilibrium.js';
import { TRADE_MARKET_ID, type TradeMarketOptions } from './options.js';
import { parseResetOptions, type ParsedResetOptions } from './reset-options.js';
import { tradeMarketSpaces, type TradeMarketSpaces } from './spaces.js';

export const PRICE_SETTER = 0;
export const CONSUMER = 1;
export const PRICE_PHASE = 0;
export const CONSUMER_PHASE = 1;

export const PRICE_SETTER_INFO = ['excessDemand', 'disequilibrium', 'priceError'] as const;
export const CONSUMER_INFO = ['utility', 'spending', 'allocationError'] as const;
export const ROUND_METRICS = [
  'meanPrice',
  'meanEquilibriumPrice',
  'priceError',
  'excessDemand',
  'disequilibrium',
  'rationedGoods',
  'welfare',
  'welfareOptimum',
  'welfareGap',
  'allocationError',
  'meanUtility',
] as const;

const TWO_POW_MINUS_32 = 2 ** -32;

/**
 * trade-market-v0 (GAMES.md §3) for B copies over flat typed arrays.
 *
 * A round is two phases: the price-setter posts p ∈ [0, P̄]^G, then every consumer demands
 * x_i ∈ [0, X̄]^G and everyone is paid. Under `timing: 'simultaneous'` the consumers act on
 * last round's price (their observation is not refreshed by the price phase), so the two
 * moves are simultaneous; under 'price-first' the price phase shows them the new price.
 *
 * Settlement of a round, per good g:
 * 1. fisher only: a consumer whose spending p·x_i exceeds B_i has its whole demand scaled
 *    by B_i / (p·x_i), so it spends exactly its budget (demand it cannot pay for is no demand);
 * 2. demand D_g = Σ_i x_ig, excess demand z_g = D_g − Q_g (this is what the price-setter's
 *    reward uses: auctioneer Σ_g p_g z_g, balance −Σ_g |z_g|);
 * 3. rationing: if D_g > Q_g every consumer receives r_ig = x_ig·Q_g/D_g (proportional),
 *    else r_ig = x_ig; payment and utility use r;
 * 4. utility: U_i = Σ_g λ_ig log(r_ig + ε₀) − Σ_g p_g r_ig, or with fisher the log of the
 *    Cobb–Douglas utility Σ_g a_ig log(r_ig + ε₀), with ε₀ = 1e-6 (EPSILON0) so that a zero
 *    quantity costs a finite −13.8·λ instead of −∞.
 *
 * The equilibrium (p*, x*) is computed once per episode at reset with weights w = λ, or
 * w = a·B with fisher (equilibrium.ts).
 */
export class TradeMarketKernel extends KernelBuffers implements GameKernel {
  readonly id = TRADE_MARKET_ID;
  readonly phaseRoles = [PRICE_SETTER, CONSUMER] as const;
  readonly spaces: TradeMarketSpaces;

  readonly n: number;
  readonly G: number;
  readonly T: number;
  readonly consumerObsSize: number;
  readonly priceSetterObsSize: number;
  private readonly co: { weights: number; budget: number; supplies: number; price: number; lastAllocation: number; progress: number };
  private readonly po: { supplies: number; lastPrice: number; lastExcessDemand: number; progress: number };

  // The economy, per copy (drawn at reset)
  /** λ (or a with fisher): [B, n, G]. */
  readonly weights: Float64Array;
  /** B_i with fisher, else 0: [B, n]. */
  readonly budgets: Float64Array;
  /** Q: [B, G]. */
  readonly supplies: Float64Array;
  /** w = λ, or a·B with fisher: the weights of the equilibrium and of the welfare metric. [B, n, G]. */
  readonly equilibriumWeights: Float64Array;
  /** p*: [B, G]. */
  readonly equilibriumPrices: Float64Array;
  /** x*: [B, n, G]. */
  readonly equilibriumAllocation: Float64Array;
  private readonly welfareOptimum: Float64Array; // [B]

  // Dynamic state, per copy
  private phaseIndex = 0;
  private readonly round: Int32Array; // [B] rounds completed
  /** The price posted this round: [B, G]. */
  readonly price: Float64Array;
  /** Each copy's one random stream: the economy drawn at reset. */
  private readonly streams: CopyStreams<'world'>;

  // Scratch (not state)
  private readonly demand: Float64Array; // [n, G] one copy's demands after budget scaling
  private readonly ration: Float64Array; // [G] min(1, Q/D)
  private readonly excess: Float64Array; // [G]

  constructor(
    readonly options: TradeMarketOptions,
    batch: number,
  ) {
    const s = tradeMarketSpaces(options);
    super(
      batch,
      Object.freeze([
        Object.freeze({ name: 'price-setter', count: 1, observationSpace: s.priceSetterObservation, actionSpace: s.priceSetterAction, infoNames: PRICE_SETTER_INFO }),
        Object.freeze({ name: 'consumer', count: options.consumers, observationSpace: s.consumerObservation, actionSpace: s.consumerAction, infoNames: CONSUMER_INFO }),
      ]),
      ROUND_METRICS,
    );
    const B = batch;
    const n = (this.n = options.consumers);
    const G = (this.G = options.goods);
    this.T = options.rounds;
    this.spaces = s;
    this.consumerObsSize = s.consumerObservation.flatSize;
    this.priceSetterObsSize = s.priceSetterObservation.flatSize;
    this.co = { ...s.consumerObservation.offsets };
    this.po = { ...s.priceSetterObservation.offsets };

    this.weights = new Float64Array(B * n * G);
    this.budgets = new Float64Array(B * n);
    this.supplies = new Float64Array(B * G);
    this.equilibriumWeights = new Float64Array(B * n * G);
    this.equilibriumPrices = new Float64Array(B * G);
    this.equilibriumAllocation = new Float64Array(B * n * G);
    this.welfareOptimum = new Float64Array(B);
    this.round = new Int32Array(B);
    this.price = new Float64Array(B * G);
    this.streams = new CopyStreams(B, ['world']);

    this.demand = new Float64Array(n * G);
    this.ration = new Float64Array(G);
    this.excess = new Float64Array(G);
  }

  get phase(): number {
    return this.phaseIndex;
  }

  setPhase(phase: number): void {
    if (phase !== PRICE_PHASE && phase !== CONSUMER_PHASE) throw new RangeError(`${this.id}: phase must be 0 or 1, got ${phase}`);
    this.phaseIndex = phase;
  }

  stateArrays(): readonly ArrayBufferView[] {
    return [
      this.weights, this.budgets, this.supplies, this.equilibriumWeights, this.equilibriumPrices, this.equilibriumAllocation,
      this.welfareOptimum, this.round, this.price, this.streams.state, ...this.bufferStateArrays(),
    ];
  }

  parseResetOptions(options: unknown): ParsedResetOptions {
    return parseResetOptions(this.options, options);
  }

  resetCopy(b: number, seed: number | undefined, options: ParsedResetOptions | undefined): void {
    const { n, G } = this;
    const o = this.options;
    if (seed !== undefined) this.streams.reseed(b, seed);
    this.clearCopy(b);
    const rng = this.streams.rng.world[b];

    // The economy: always drawn in the same order, so the stream does not depend on reset options.
    const nG = n * G;
    if (o.fisher) {
      for (let i = 0; i < n; i++) {
        // a_i ~ Dirichlet(1, …, 1): normalised Exp(1) draws, each from a midpoint of 2^32 cells (never 0).
        let sum = 0;
        for (let g = 0; g < G; g++) {
          const e = -Math.log((rng.nextUint32() + 0.5) * TWO_POW_MINUS_32);
          this.weights[b * nG + i * G + g] = e;
          sum += e;
        }
        for (let g = 0; g < G; g++) this.weights[b * nG + i * G + g] /= sum;
        this.budgets[b * n + i] = o.budgetMin + (o.budgetMax - o.budgetMin) * rng.uniform();
      }
    } else {
      for (let k = 0; k < nG; k++) this.weights[b * nG + k] = o.weightMin + (o.weightMax - o.weightMin) * rng.uniform();
      this.budgets.fill(0, b * n, (b + 1) * n);
    }
    for (let g = 0; g < G; g++) this.supplies[b * G + g] = n * (o.supplyPerConsumerMin + (o.supplyPerConsumerMax - o.supplyPerConsumerMin) * rng.uniform());
    if (options?.weights) this.weights.set(options.weights, b * nG);
    if (options?.exponents) this.weights.set(options.exponents, b * nG);
    if (options?.budgets) this.budgets.set(options.budgets, b * n);
    if (options?.supplies) this.supplies.set(options.supplies, b * G);

    // The equilibrium of this economy.
    const w = this.equilibriumWeights;
    for (let i = 0; i < n; i++) {
      const scale = o.fisher ? this.budgets[b * n + i] : 1;
      for (let g = 0; g < G; g++) w[b * nG + i * G + g] = this.weights[b * nG + i * G + g] * scale;
    }
    equilibriumInto(w, b * nG, this.supplies, b * G, n, G, this.equilibriumPrices, b * G, this.equilibriumAllocation, b * nG);
    let opt = 0;
    for (let k = 0; k < nG; k++) opt += w[b * nG + k] * Math.log(this.equilibriumAllocation[b * nG + k] + EPSILON0);
    this.welfareOptimum[b] = opt;

    this.round[b] = 0;
    for (let g = 0; g < G; g++) this.price[b * G + g] = options?.initialPrices ? options.initialPrices[g] : o.initialPrice;

    // Initial observations: the initial price stands for "last round's price".
    const co = this.observations[CONSUMER];
    for (let i = 0; i < n; i++) {
      const base = (b * n + i) * this.consumerObsSize;
      for (let g = 0; g < G; g++) {
        co[base + this.co.weights + g] = this.weights[b * nG + i * G + g];
        co[base + this.co.supplies + g] = this.supplies[b * G + g];
        co[base + this.co.price + g] = this.price[b * G + g];
      }
      co[base + this.co.budget] = this.budgets[b * n + i];
    }
    const po = this.observations[PRICE_SETTER];
    const base = b * this.priceSetterObsSize;
    for (let g = 0; g < G; g++) {
      po[base + this.po.supplies + g] = this.supplies[b * G + g];
      po[base + this.po.lastPrice + g] = this.price[b * G + g];
    }
    this.phaseIndex = PRICE_PHASE;
  }

  step(skip?: Uint8Array): void {
    if (this.phaseIndex === PRICE_PHASE) {
      for (let b = 0; b < this.batch; b++) if (!skip || !skip[b]) this.pricePhase(b);
      this.phaseIndex = CONSUMER_PHASE;
    } else {
      for (let b = 0; b < this.batch; b++) if (!skip || !skip[b]) this.consumerPhase(b);
      this.phaseIndex = PRICE_PHASE;
    }
  }

  /** Records the posted price; under price-first timing shows it to the consumers. */
  private pricePhase(b: number): void {
    const { n, G } = this;
    const act = this.actions[PRICE_SETTER];
    for (let g = 0; g < G; g++) this.price[b * G + g] = act[b * G + g];
    if (this.options.timing === 'price-first') {
      const co = this.observations[CONSUMER];
      for (let i = 0; i < n; i++) {
        const base = (b * n + i) * this.consumerObsSize + this.co.price;
        for (let g = 0; g < G; g++) co[base + g] = act[b * G + g];
      }
    }
    this.clearOutcome(b);
  }

  /** Settles the round (budget scaling, rationing, payments) and pays everyone. */
  private consumerPhase(b: number): void {
    const { n, G } = this;
    const o = this.options;
    const nG = n * G;
    const act = this.actions[CONSUMER];
    const price = this.price;
    const d = this.demand;
    const ration = this.ration;
    const z = this.excess;

    // 1. Demands, scaled to the budget with fisher.
    for (let i = 0; i < n; i++) {
      let spend = 0;
      for (let g = 0; g < G; g++) {
        const x = act[b * nG + i * G + g];
        d[i * G + g] = x;
        spend += price[b * G + g] * x;
      }
      if (o.fisher) {
        const budget = this.budgets[b * n + i];
        if (spend > budget) {
          const scale = budget / spend;
          for (let g = 0; g < G; g++) d[i * G + g] *= scale;
        }
      }
    }
    // 2–3. Excess demand and proportional rationing.
    let rationed = 0;
    let excessSum = 0;
    let disequilibrium = 0;
    let priceSum = 0;
    let eqPriceSum = 0;
    let priceError = 0;
    let supplySum = 0;
    let setterReward = 0;
    for (let g = 0; g < G; g++) {
      let total = 0;
      for (let i = 0; i < n; i++) total += d[i * G + g];
      const q = this.supplies[b * G + g];
      z[g] = total - q;
      ration[g] = total > q ? q / total : 1;
      if (total > q) rationed++;
      excessSum += z[g];
      disequilibrium += Math.abs(z[g]);
      const p = price[b * G + g];
      const pStar = this.equilibriumPrices[b * G + g];
      priceSum += p;
      eqPriceSum += pStar;
      priceError += Math.abs(p - pStar) / pStar;
      supplySum += q;
      setterReward += p * z[g];
    }
    priceError /= G;

    // 4. Consumers' utilities.
    const cInfo = this.infos[CONSUMER];
    const nInfo = CONSUMER_INFO.length;
    const co = this.observations[CONSUMER];
    const t = ++this.round[b];
    const progress = t / this.T;
    let welfare = 0;
    let allocationError = 0;
    let utilitySum = 0;
    for (let i = 0; i < n; i++) {
      let utility = 0;
      let spending = 0;
      let error = 0;
      const base = (b * n + i) * this.consumerObsSize;
      for (let g = 0; g < G; g++) {
        const k = b * nG + i * G + g;
        const r = d[i * G + g] * ration[g];
        const log = Math.log(r + EPSILON0);
        utility += this.weights[k] * log;
        spending += price[b * G + g] * r;
        welfare += this.equilibriumWeights[k] * log;
        error += Math.abs(r - this.equilibriumAllocation[k]);
        co[base + this.co.lastAllocation + g] = r;
        co[base + this.co.price + g] = price[b * G + g];
      }
      co[base + this.co.progress] = progress;
      if (!o.fisher) utility -= spending;
      this.rewards[CONSUMER][b * n + i] = utility;
      cInfo[(b * n + i) * nInfo] = utility;
      cInfo[(b * n + i) * nInfo + 1] = spending;
      cInfo[(b * n + i) * nInfo + 2] = error;
      utilitySum += utility;
      allocationError += error;
    }

    // The price-setter.
    this.rewards[PRICE_SETTER][b] = o.reward === 'auctioneer' ? setterReward : -disequilibrium;
    const pInfo = this.infos[PRICE_SETTER];
    const pBase = b * PRICE_SETTER_INFO.length;
    pInfo[pBase] = excessSum;
    pInfo[pBase + 1] = disequilibrium;
    pInfo[pBase + 2] = priceError;
    const po = this.observations[PRICE_SETTER];
    const obsBase = b * this.priceSetterObsSize;
    for (let g = 0; g < G; g++) {
      po[obsBase + this.po.lastPrice + g] = price[b * G + g];
      po[obsBase + this.po.lastExcessDemand + g] = z[g];
    }
    po[obsBase + this.po.progress] = progress;

    this.truncated[b] = t >= this.T ? 1 : 0;
    this.terminated[b] = 0;

    const m = b * ROUND_METRICS.length;
    const opt = this.welfareOptimum[b];
    this.metrics[m] = priceSum / G;
    this.metrics[m + 1] = eqPriceSum / G;
    this.metrics[m + 2] = priceError;
    this.metrics[m + 3] = excessSum;
    this.metrics[m + 4] = disequilibrium;
    this.metrics[m + 5] = rationed / G;
    this.metrics[m + 6] = welfare;
    this.metrics[m + 7] = opt;
    this.metrics[m + 8] = opt - welfare;
    this.metrics[m + 9] = allocationError / supplySum;
    this.metrics[m + 10] = utilitySum / n;
  }
}
