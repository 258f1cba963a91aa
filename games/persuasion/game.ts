import type { GameDescriptor } from '../../training/game/descriptor.js';
import { emergentAlignmentSpec, pluralisticMarketSpec } from './index.js';

/** One user type: a single provider or several competing for one user. */
export const emergentAlignment: GameDescriptor = {
  env: emergentAlignmentSpec,
  training: async () => (await import('./training.js')).emergentAlignmentTraining,
};

/** Many user types, personalised or anonymous signals. */
export const pluralisticMarket: GameDescriptor = {
  env: pluralisticMarketSpec,
  training: async () => (await import('./training.js')).pluralisticMarketTraining,
};
