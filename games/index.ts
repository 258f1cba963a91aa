/** The built-in games: importing this module registers them (games/registry.ts) and loads their training parts. */
import { loadGames } from '../training/game/registry.js';
import './registry.js';

await loadGames();

export * from './attention-market/index.js';
export * from './trade-market/index.js';
export * from './persuasion/index.js';
export * from './consensus-game/index.js';
export * from './attention-market/baselines/index.js';
export * from './trade-market/baselines/index.js';
export * from './persuasion/baselines/index.js';
export * from './consensus-game/baselines/index.js';
export { marketReport, marketEpisode, type MarketReport, type MarketEpisode, type MarketGroups, type GoalGroupReport, type UserGroupReport } from './attention-market/report.js';
export { exaggerationSamples, type ExaggerationOptions, type ExaggerationSamples } from './attention-market/exaggeration.js';
export { attentionMarket } from './attention-market/game.js';
export { evaluateMatchup, type MatchupResult } from './attention-market/matchup.js';
export { attentionMarketPolicySpecs } from './attention-market/policy-specs.js';
export { tradeMarket } from './trade-market/game.js';
export { emergentAlignment, pluralisticMarket } from './persuasion/game.js';
export { consensusGame } from './consensus-game/game.js';
