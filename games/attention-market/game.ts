import type { GameDescriptor } from '../../training/game/descriptor.js';
import { kernelRoles } from '../../training/game/roles.js';
import { ATTENTION_MARKET_BASELINES, ATTENTION_MARKET_REFERENCE } from './baselines/catalogue.js';
import { attentionMarketSpec } from './index.js';
import { attentionMarketWords } from './words.js';
import type { AttentionMarketOptions } from './options.js';
import { attentionMarketPlayReport } from './play-report.js';

/** The flagship game: User Buddies fill attention slots, Goal Buddies compete for them. */
export const attentionMarket: GameDescriptor<AttentionMarketOptions> = {
  env: attentionMarketSpec,
  roles: kernelRoles(attentionMarketSpec),
  words: attentionMarketWords,
  baselines: ATTENTION_MARKET_BASELINES,
  reference: ATTENTION_MARKET_REFERENCE,
  // play's baseline world: honest goals before greedy users (the reference goal exaggerates).
  playDefaults: { goal: 'honest', user: 'greedy' },
  playReport: attentionMarketPlayReport,
  training: async () => (await import('./training.js')).attentionMarketTraining,
};
