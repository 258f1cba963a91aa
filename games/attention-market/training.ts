import type { GameTraining } from '../../training/game/descriptor.js';
import { attentionMarketProfile } from './profile.js';
import { goalLearnsToExaggerate, goalStaysHonest, selfPlayBothSides, usersBeatGreedy } from './results/rows.js';
import { attentionMarketTensor } from './tensor/tensor-game.js';

export const attentionMarketTraining: GameTraining = {
  profile: attentionMarketProfile,
  results: [usersBeatGreedy, goalLearnsToExaggerate, goalStaysHonest, selfPlayBothSides],
  tensor: attentionMarketTensor,
};
