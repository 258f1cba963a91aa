import type { EnvSpec } from '../../envs/core/registry.js';
import { TradeMarketEnv, TRADE_MARKET_DESCRIPTION } from './env.js';
import { TradeMarketKernel } from './kernel.js';
import { RESET_OPTION_KEYS } from './reset-options.js';
import { TRADE_MARKET_ID, parseTradeMarketOptions, tradeMarketSchema, type TradeMarketOptions } from './options.js';

export const tradeMarketSpec: EnvSpec<TradeMarketOptions> = {
  id: TRADE_MARKET_ID,
  description: TRADE_MARKET_DESCRIPTION,
  optionSchema: tradeMarketSchema,
  parseOptions: parseTradeMarketOptions,
  createKernel: (options, batch) => new TradeMarketKernel(options, batch),
  createEnv: (options) => new TradeMarketEnv(options),
  resetOptions: RESET_OPTION_KEYS,
  presets: {
    /** GAMES.md's example: two consumers and one good; with λ = 1 and supply q, (q/2, q/2, 2/q). */
    'one-good': { consumers: 2, goods: 1 },
    /** The `balance` reward in the simultaneous game, where every (1/p, 1/p, p) with 2/p ≤ q is a Nash equilibrium. */
    balance: { consumers: 2, goods: 1, reward: 'balance', timing: 'simultaneous' },
    /** The price-setter leads: consumers see the price before they demand (the defaults, spelt out). */
    stackelberg: { timing: 'price-first' },
    /** The auctioneer reward in the simultaneous game (where it is meant to be used). */
    auctioneer: { reward: 'auctioneer', timing: 'simultaneous' },
    /** Budgets and Cobb–Douglas utilities (the Eisenberg–Gale market). */
    fisher: { fisher: true },
  },
};

export { TradeMarketEnv, tradeRoundMetrics, type TradeRoundMetrics, type TradeEconomy } from './env.js';
export { TradeMarketKernel, PRICE_SETTER, CONSUMER, PRICE_PHASE, CONSUMER_PHASE, PRICE_SETTER_INFO, CONSUMER_INFO, ROUND_METRICS as TRADE_ROUND_METRICS } from './kernel.js';
export { TRADE_MARKET_ID, tradeMarketSchema, parseTradeMarketOptions, maxEquilibriumPrice, type TradeMarketOptions } from './options.js';
export { tradeMarketSpaces, type ConsumerObservation, type PriceSetterObservation, type TradeAction, type TradeMarketSpaces } from './spaces.js';
export type { TradeMarketResetOptions } from './reset-options.js';
export {
  EPSILON0,
  competitiveEquilibrium,
  fisherEquilibrium,
  equilibriumInto,
  welfare,
  eisenbergGale,
  demandCurve,
  fisherDemand,
  excessDemandOf,
  tatonnement,
  scaledTatonnementPrice,
  TATONNEMENT_SCALE,
  type Equilibrium,
  type Matrix,
  type TatonnementOptions,
  type TatonnementResult,
} from './equilibrium.js';
