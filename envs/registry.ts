/** The env registry: `make` and `makeVec` build any registered env (the built-in games register in games/registry.ts). */
export { make, makeVec, register, registeredIds, spec, describeOptions, presetOptions, presetNames, type EnvSpec, type MakeVecArgs } from './core/registry.js';
