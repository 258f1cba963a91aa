export * from './space.js';
export { Box } from './box.js';
export { Discrete } from './discrete.js';
export { MultiDiscrete } from './multi-discrete.js';
export { Subset } from './subset.js';
export { Dict, type DictValue } from './dict.js';
export { TypedArena } from './arena.js';
