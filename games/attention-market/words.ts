import type { MetricWords } from '../../training/profiles/metric-words.js';

/** Words for the game's round metrics (light: the quick commands and the charts use them). */
export const attentionMarketWords: MetricWords = {
  metricLabels: {
    meanRegret: 'user regret per round (mean over users)',
    meanNormalizedRegret: 'normalised regret (0 best set, 1 worst)',
    welfare: 'user welfare per round (sum of true relevance)',
    meanGenerationCost: 'generation cost per goal per round',
    honesty: 'honesty: |e - g| per creation (0 = honest)',
    estimateError: 'estimate error |q/|q| - theta|',
    goalReward: 'goal reward per goal per round (visibility net of cost)',
    userReward: 'user reward per user per round (-regret)',
  },
  headline: ['meanRegret', 'welfare'],
  better: { meanRegret: 'lower', meanNormalizedRegret: 'lower', welfare: 'higher', meanGenerationCost: 'lower', honesty: 'lower', estimateError: 'lower' },
};
