/** The registry with the built-in envs registered. Import `make` from here (or the package). */
import { register, registeredIds, type EnvSpec } from './core/registry.js';
import { attentionMarketSpec } from './attention-market/index.js';
import { tradeMarketSpec } from './trade-market/index.js';
import { emergentAlignmentSpec, pluralisticMarketSpec } from './persuasion/index.js';
import { consensusGameSpec } from './consensus-game/index.js';

for (const spec of [attentionMarketSpec, tradeMarketSpec, emergentAlignmentSpec, pluralisticMarketSpec, consensusGameSpec] as EnvSpec<any>[]) if (!registeredIds().includes(spec.id)) register(spec);

export { make, makeVec, register, registeredIds, spec, describeOptions, presetOptions, presetNames, type EnvSpec, type MakeVecArgs } from './core/registry.js';
