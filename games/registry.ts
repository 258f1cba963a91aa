/** The built-in games, registered once: one line per game. Importing this module registers them. */
import { registerGame } from '../training/game/registry.js';
import { attentionMarket } from './attention-market/game.js';
import { consensusGame } from './consensus-game/game.js';
import { emergentAlignment, pluralisticMarket } from './persuasion/game.js';
import { tradeMarket } from './trade-market/game.js';

registerGame(attentionMarket);
registerGame(tradeMarket);
registerGame(emergentAlignment);
registerGame(pluralisticMarket);
registerGame(consensusGame);
