import type { GameTraining } from '../../training/game/descriptor.js';
import { attentionMarketProfile } from './profile.js';
import { goalLearnsToExaggerate, goalStaysHonest, selfPlayBothSides, usersBeatGreedy } from './results/rows.js';

export const attentionMarketTraining: GameTraining = {
  profile: attentionMarketProfile,
  results: [usersBeatGreedy, goalLearnsToExaggerate, goalStaysHonest, selfPlayBothSides],
};
