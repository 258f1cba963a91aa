import type { GameTraining } from '../../training/game/descriptor.js';
import { emergentAlignmentProfile, pluralisticMarketProfile } from './profile.js';
import { competitionAligns, kgSingle, twoOpposed, twoTypes } from './results/rows.js';

/** Rows 5, 6 and 8 play one user type. */
export const emergentAlignmentTraining: GameTraining = { profile: emergentAlignmentProfile, results: [kgSingle, twoOpposed, competitionAligns] };

/** Row 7 plays two user types. */
export const pluralisticMarketTraining: GameTraining = { profile: pluralisticMarketProfile, results: [twoTypes] };
