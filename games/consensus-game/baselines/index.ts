export { ConsensusPolicy, generatorLayout, discriminatorLayout } from './consensus-policy.js';
export { InitialPolicyAgent } from './initial-policy.js';
export { EquilibriumRankingAgent } from './equilibrium-ranking-policy.js';
export { UniformPolicyAgent } from './uniform-policy.js';
