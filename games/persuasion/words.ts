import type { MetricWords } from '../../training/profiles/metric-words.js';

/** Words for the game's round metrics (light: the quick commands and the charts use them). */
export const persuasionWords: MetricWords = {
  metricLabels: {
    userUtility: "user's realised utility per round",
    alignedUtility: 'aligned benchmark V*',
    gap: "user's gap V* - utility",
    accuracy: 'accuracy (a best action for y)',
    meanProviderUtility: 'provider utility per round',
  },
  headline: ['userUtility', 'gap', 'accuracy'],
  better: { userUtility: 'higher', gap: 'lower', accuracy: 'higher' },
  // The last round's user type, state, action, consulted provider and evaluation flag.
  recordOnly: ['userType', 'state', 'action', 'consulted', 'evaluating'],
};
