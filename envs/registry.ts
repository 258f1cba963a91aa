/** The registry with the built-in envs registered. Import `make` from here (or the package). */
import { register, registeredIds } from './core/registry.js';
import { attentionMarketSpec } from './attention-market/index.js';

for (const spec of [attentionMarketSpec]) if (!registeredIds().includes(spec.id)) register(spec);

export { make, makeVec, register, registeredIds, spec, describeOptions, type EnvSpec, type MakeVecArgs } from './core/registry.js';
