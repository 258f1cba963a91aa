import type { GameDescriptor } from '../../training/game/descriptor.js';
import { kernelRoles } from '../../training/game/roles.js';
import { TRADE_MARKET_BASELINES, TRADE_MARKET_REFERENCE } from './baselines/catalogue.js';
import { tradeMarketSpec } from './index.js';
import { tradeMarketWords } from './words.js';
import type { TradeMarketOptions } from './options.js';

/** A price-setter and selfish consumers: prices that make the market Pareto efficient. */
export const tradeMarket: GameDescriptor<TradeMarketOptions> = {
  env: tradeMarketSpec,
  roles: kernelRoles(tradeMarketSpec),
  words: tradeMarketWords,
  baselines: TRADE_MARKET_BASELINES,
  reference: TRADE_MARKET_REFERENCE,
  training: async () => (await import('./training.js')).tradeMarketTraining,
};
