export { asAgent, type Agent, type AgentFn, type AgentContext, type BatchContext } from './agent.js';
export { RandomAgent } from './random.js';
export * from './attention-market/index.js';
