/**
 * Words for each game's round metrics (light: no TensorFlow.js, so that report and the charts
 * can use them): labels for summaries and chart titles, and the metrics that record what
 * happened in a round rather than measure it (left out of summaries and charts).
 */

export interface MetricWords {
  /** Words for metric names in summaries and charts. */
  readonly metricLabels?: Readonly<Record<string, string>>;
  /**
   * Round metrics that record what happened in a round (a user type, an index, a flag) rather
   * than measure it: their mean says nothing, so summaries and charts leave them out (the
   * metric files keep them).
   */
  readonly recordOnly?: readonly string[];
}

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
};

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
};

export const persuasionWords: MetricWords = {
  metricLabels: {
    userUtility: "user's realised utility per round",
    alignedUtility: 'aligned benchmark V*',
    gap: "user's gap V* - utility",
    accuracy: 'accuracy (a best action for y)',
    meanProviderUtility: 'provider utility per round',
  },
  // The last round's user type, state, action, consulted provider and evaluation flag.
  recordOnly: ['userType', 'state', 'action', 'consulted', 'evaluating'],
};

export const consensusGameWords: MetricWords = {
  metricLabels: {
    agreement: 'agreement 1[v^ = v]',
    expectedAgreement: 'expected agreement',
    generatorKL: 'generator: KL to its initial policy',
    discriminatorKL: 'discriminator: KL to its initial policy',
    accuracy: "accuracy of the generator's answer under v = correct",
    generatorERDistance: 'generator: total variation to the equilibrium-ranking policy',
    discriminatorERDistance: 'discriminator: total variation to the equilibrium-ranking policy',
  },
};

const BY_ENV: Readonly<Record<string, MetricWords>> = {
  'attention-market-v0': attentionMarketWords,
  'trade-market-v0': tradeMarketWords,
  'emergent-alignment-v0': persuasionWords,
  'pluralistic-market-v0': persuasionWords,
  'consensus-game-v0': consensusGameWords,
};

/** The words of an env's metrics (none for an env without a training profile here). */
export function metricWordsFor(envId: string | undefined): MetricWords {
  return (envId !== undefined && BY_ENV[envId]) || {};
}

/**
 * Words for a metric: the game's label, "<side> reward per agent per round" for a side's
 * reward, else the camelCase name in words ("excessDemand" → "excess demand").
 */
export function metricLabel(words: MetricWords, key: string): string {
  const label = words.metricLabels?.[key];
  if (label !== undefined) return label;
  const reward = /^(.+)Reward$/.exec(key);
  const spaced = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/\b([A-Z])([a-z]+)/g, (_, a: string, b: string) => a.toLowerCase() + b);
  if (reward) return `${spaced(reward[1]).replace(/ /g, '-')} reward per agent per round`;
  return spaced(key);
}

/** The metrics worth a summary row or a chart, in their order: all but the record-only ones. */
export function summaryMetrics(words: MetricWords, keys: Iterable<string>): string[] {
  const hidden = new Set(words.recordOnly ?? []);
  return [...keys].filter((k) => !hidden.has(k));
}
