import type { BaselineCatalogue } from '../../../agents/baseline.js';
import { DemandCurveConsumer } from './demand-curve-consumer.js';
import { FixedPriceSetter } from './fixed-price-setter.js';
import { TatonnementPriceSetter } from './tatonnement-price-setter.js';

/** The trade market's scripted price-setters and consumers, by name. */
export const TRADE_MARKET_BASELINES: BaselineCatalogue = {
  'price-setter': {
    tatonnement: { doc: "Walras's auctioneer: moves each price along last round's excess demand (scaled step)", make: () => new TatonnementPriceSetter() },
    fixed: { doc: 'posts price 1 for every good, every round', make: () => new FixedPriceSetter({ prices: 1 }) },
  },
  consumer: {
    'demand-curve': { doc: 'price-taking optimum at the observed price: x = λ/p (a·B/p with a budget), clipped', make: () => new DemandCurveConsumer() },
  },
};

/** The baseline of each side that trained policies are compared with. */
export const TRADE_MARKET_REFERENCE: Readonly<Record<string, string>> = { 'price-setter': 'tatonnement', consumer: 'demand-curve' };
