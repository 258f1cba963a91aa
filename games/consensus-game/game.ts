import type { GameDescriptor } from '../../training/game/descriptor.js';
import { consensusGameSpec } from './index.js';

export const consensusGame: GameDescriptor = {
  env: consensusGameSpec,
  training: async () => (await import('./training.js')).consensusGameTraining,
};
