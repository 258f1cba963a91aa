export { asAgent, type Agent, type AgentFn, type AgentContext, type BatchContext } from './agent.js';
export { RandomAgent } from './random.js';
export * from './backend/index.js';
export * from './policy/heads/index.js';
export { Policy, type PolicySpec, type ActResult } from './policy/policy.js';
export { buildNetwork, type NetworkSpec } from './policy/networks.js';
export { genericPolicySpec, withCritic, headFor, DEFAULT_SIZES, type PolicySizes } from './policy/specs.js';
export { SliceFeatures, StateIndependentLogStd } from './policy/layers.js';
export { OwnerMemory, OWNER_MEMORY_FEATURES, type OwnerMemoryLayout } from './policy/owner-memory.js';
