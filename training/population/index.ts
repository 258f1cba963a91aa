/** Population mode (PSRO / fictitious self-play): meta-game solvers and the snapshot population. PSRO itself is psro.ts. */
export { nashConv, metaSolve, needsLp, isZeroSum, ZERO_SUM_TOLERANCE, type MetaStrategy, type NashConvResult, type MetaSolverMethod, type MetaSolveOptions, type LpMethod } from './meta-game.js';
export { solveZeroSum, type ZeroSumSolution } from './zero-sum.js';
export { regretMatching, type RegretMatchingOptions } from './regret-matching.js';
export { SLOTS, otherSlot, type Slot, type SnapshotInfo } from './slots.js';
export {
  Population,
  type PopulationMember,
  type PopulationOptions,
  type PopulationMetaStrategy,
  type PayoffTable,
  type AddResult,
  type PayloadResolver,
} from './population.js';
export { POPULATION_FORMAT_VERSION, snapshotName, upgradePopulationJSON, describePopulation, type PopulationJSON, type PayoffEntry } from './population-json.js';
