import type { GameTraining } from '../../training/game/descriptor.js';
import { tradeMarketProfile } from './profile.js';
import { consumers, priceSetter } from './results/rows.js';

export const tradeMarketTraining: GameTraining = { profile: tradeMarketProfile, results: [priceSetter, consumers] };
