import { KernelEnv } from '../../envs/core/kernel-env.js';
import type { Info } from '../../envs/core/env.js';
import { ROUND_METRICS, TradeMarketKernel } from './kernel.js';
import type { TradeMarketOptions } from './options.js';
import type { TradeMarketResetOptions } from './reset-options.js';
import type { ConsumerObservation, PriceSetterObservation, TradeAction } from './spaces.js';

export const TRADE_MARKET_DESCRIPTION = 'A price-setter posts prices, consumers demand goods in limited supply: alignment as Pareto efficiency, prices as the mechanism';

/** Round-level metrics, in every agent's info as `round` after the consumer phase. */
export type TradeRoundMetrics = Record<(typeof ROUND_METRICS)[number], number>;

/** The economy of the current episode and its competitive equilibrium (copies). */
export interface TradeEconomy {
  /** λ (or the exponents a with fisher): one row per consumer. */
  weights: number[][];
  /** B with fisher; zeros without. */
  budgets: number[];
  supplies: number[];
  /** p* */
  equilibriumPrices: number[];
  /** x*: one row per consumer. */
  equilibriumAllocation: number[][];
}

/**
 * trade-market-v0 as a single env. "price-setter_0" acts in the price-setter phase (a price
 * per good), then "consumer_0".."consumer_{n−1}" in the consumer phase (a quantity per
 * good); rewards for everyone arrive at the end of the consumer phase.
 */
export class TradeMarketEnv extends KernelEnv<PriceSetterObservation | ConsumerObservation, TradeAction, TradeMarketResetOptions> {
  declare readonly kernel: TradeMarketKernel;

  constructor(readonly options: TradeMarketOptions) {
    const kernel = new TradeMarketKernel(options, 1);
    super(kernel, { description: TRADE_MARKET_DESCRIPTION, phases: ['price-setter', 'consumer'] }, (k) => tradeRoundMetrics(k.metrics, 0));
  }

  /** The economy and its equilibrium, for reference agents and tests (the price-setter never sees λ). */
  economy(): TradeEconomy {
    const k = this.kernel;
    const { n, G } = k;
    const rows = (a: Float64Array) => Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * G, (i + 1) * G)));
    return {
      weights: rows(k.weights),
      budgets: Array.from(k.budgets),
      supplies: Array.from(k.supplies),
      equilibriumPrices: Array.from(k.equilibriumPrices),
      equilibriumAllocation: rows(k.equilibriumAllocation),
    };
  }
}

export function tradeRoundMetrics(metrics: Float64Array, copy: number): Info & TradeRoundMetrics {
  const out = {} as Record<string, number>;
  ROUND_METRICS.forEach((name, i) => (out[name] = metrics[copy * ROUND_METRICS.length + i]));
  return out as Info & TradeRoundMetrics;
}
