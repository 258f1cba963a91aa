import type { ResultRow } from '../row.js';
import { goalLearnsToExaggerate, goalStaysHonest, selfPlayBothSides, usersBeatGreedy } from './attention-market.js';
import { consensusGame } from './consensus.js';
import { competitionAligns, kgSingle, twoOpposed, twoTypes } from './persuasion.js';
import { consumers, priceSetter } from './trade-market.js';

/** Every row of RESULTS.md, in table order. */
export const RESULT_ROWS: readonly ResultRow[] = [usersBeatGreedy, goalLearnsToExaggerate, goalStaysHonest, selfPlayBothSides, kgSingle, twoOpposed, twoTypes, competitionAligns, priceSetter, consumers, consensusGame];
