import { DemandCurveConsumer, FixedPriceSetter, TatonnementPriceSetter } from '../../agents/trade-market/index.js';
import { DEFAULT_SIZES, genericPolicySpec } from '../../agents/policy/specs.js';
import { tradeMarketWords } from './metric-words.js';
import { roundsOption, type TrainingProfile } from './profile.js';

/** The price-setter and the consumers, each an MLP with a clipped Gaussian head over its Box. */
export const tradeMarketProfile: TrainingProfile = {
  envId: 'trade-market-v0',
  rounds: roundsOption,
  policySpecs: (roles, c) => roles.map((r) => genericPolicySpec(r, { ...DEFAULT_SIZES, hidden: [c.hidden, c.hidden], logStdInit: c.logStdInit })),
  baselines: {
    'price-setter': { tatonnement: () => new TatonnementPriceSetter(), fixed: () => new FixedPriceSetter({ prices: 1 }) },
    consumer: { 'demand-curve': () => new DemandCurveConsumer() },
  },
  reference: { 'price-setter': 'tatonnement', consumer: 'demand-curve' },
  entropyCoef: { 'price-setter': 0, consumer: 0 },
  best: { metric: 'priceError', higherIsBetter: false },
  population: true,
  headline: ['priceError', 'disequilibrium', 'welfareGap'],
  ...tradeMarketWords,
};
