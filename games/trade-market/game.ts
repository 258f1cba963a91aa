import type { GameDescriptor } from '../../training/game/descriptor.js';
import { tradeMarketSpec } from './index.js';

export const tradeMarket: GameDescriptor = {
  env: tradeMarketSpec,
  training: async () => (await import('./training.js')).tradeMarketTraining,
};
