/** buddy-gym: multi-agent environments for the game theory of AI alignment. */
export * from './envs/index.js';
export * from './agents/index.js';
export * from './games/index.js';
export * from './training/index.js';
export * from './checkpoints/index.js';
