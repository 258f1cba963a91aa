import type { MetricWords } from '../../training/profiles/metric-words.js';

/** Words for the game's round metrics (light: the quick commands and the charts use them). */
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
  headline: ['agreement', 'accuracy', 'generatorERDistance'],
  better: { agreement: 'higher', expectedAgreement: 'higher', accuracy: 'higher', generatorERDistance: 'lower', discriminatorERDistance: 'lower' },
};
