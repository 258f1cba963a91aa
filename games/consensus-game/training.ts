import type { GameTraining } from '../../training/game/descriptor.js';
import { consensusGameProfile } from './profile.js';
import { consensusGame } from './results/rows.js';

export const consensusGameTraining: GameTraining = { profile: consensusGameProfile, results: [consensusGame] };
