import type { MetricWords } from '../../training/profiles/metric-words.js';

/** Words for the game's round metrics (light: the quick commands and the charts use them). */
export const tradeMarketWords: MetricWords = {
  metricLabels: {
    priceError: 'relative price error |p - p*| / p*',
    disequilibrium: 'disequilibrium sum |Q - demand|',
    welfareGap: 'welfare gap to the competitive optimum',
    meanPrice: 'mean price',
    meanEquilibriumPrice: 'mean equilibrium price p*',
    excessDemand: 'excess demand sum (demand - supply)',
    rationedGoods: 'share of goods rationed',
    welfare: 'welfare',
    welfareOptimum: 'welfare at the competitive optimum',
    allocationError: 'allocation error sum |x - x*| / total supply',
    meanUtility: 'consumer utility (mean over consumers)',
  },
  headline: ['priceError', 'disequilibrium', 'welfareGap'],
  better: { priceError: 'lower', disequilibrium: 'lower', welfareGap: 'lower', allocationError: 'lower', welfare: 'higher', meanUtility: 'higher', rationedGoods: 'lower' },
};
