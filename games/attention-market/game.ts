import type { GameDescriptor } from '../../training/game/descriptor.js';
import { attentionMarketSpec } from './index.js';

export const attentionMarket: GameDescriptor = {
  env: attentionMarketSpec,
  training: async () => (await import('./training.js')).attentionMarketTraining,
};
