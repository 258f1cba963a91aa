/**
 * Exact equilibrium tools for the persuasion family (GAMES.md §2): the aligned benchmark V*,
 * market alignment ε* by LP, exact profile values, best responses and NashConv for Bayes
 * users, and the Kamenica–Gentzkow single-sender optimum. They cover selection 'all' only.
 */
export { alignedValue } from './aligned-value.js';
export { marketAlignment, type MarketAlignment, type MarketAlignmentOptions, type TypeAlignment } from './market-alignment.js';
export { evaluateProfile, type ProfileValue, type UserTypeValue } from './evaluate.js';
export { bestResponse, BEST_RESPONSE_METHODS, type BestResponse, type BestResponseMethod } from './best-response.js';
export { BEST_RESPONSE_MAX_BINARIES } from './best-response-mip.js';
export { MAX_VERTEX_CANDIDATES } from './concavification.js';
export { nashConv, type NashConv } from './nash-conv.js';
export { kamenicaGentzkow, type KamenicaGentzkow, type KgMessage, type KgSignal, type KgUser } from './kamenica-gentzkow.js';
export { babblingPolicy, babblingProfile, truthfulPolicy, truthfulProfile, type AnalysisOptions, type Profile } from './profile.js';
export { analysisReport, type AnalysisReport } from './report.js';
export { lpSolver } from '../../../training/lp/highs.js';
