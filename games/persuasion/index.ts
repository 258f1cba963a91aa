import type { EnvSpec } from '../../envs/core/registry.js';
import { PersuasionEnv, EMERGENT_ALIGNMENT_DESCRIPTION, PLURALISTIC_MARKET_DESCRIPTION } from './env.js';
import { PersuasionKernel } from './kernel.js';
import {
  EMERGENT_ALIGNMENT_ID,
  PLURALISTIC_MARKET_ID,
  emergentAlignmentSchema,
  parsePersuasionOptions,
  pluralisticMarketSchema,
  type PersuasionOptions,
} from './options.js';
import { PERSUASION_PRESETS, SINGLE_USER_PRESETS } from './presets.js';

// A preset names the instance and says it is not a custom one, so `--preset` with `--option instance=…` is refused as twice-given.
const presetsOf = (names: readonly string[]) => Object.freeze(Object.fromEntries(names.map((name) => [name, Object.freeze({ preset: name, instance: null })])));

export const emergentAlignmentSpec: EnvSpec<PersuasionOptions> = {
  id: EMERGENT_ALIGNMENT_ID,
  description: EMERGENT_ALIGNMENT_DESCRIPTION,
  optionSchema: emergentAlignmentSchema,
  parseOptions: (input) => parsePersuasionOptions(EMERGENT_ALIGNMENT_ID, input),
  createKernel: (options, batch) => new PersuasionKernel(EMERGENT_ALIGNMENT_ID, options, batch),
  createEnv: (options) => new PersuasionEnv(EMERGENT_ALIGNMENT_ID, options),
  presets: presetsOf(SINGLE_USER_PRESETS),
  resetOptions: [],
};

export const pluralisticMarketSpec: EnvSpec<PersuasionOptions> = {
  id: PLURALISTIC_MARKET_ID,
  description: PLURALISTIC_MARKET_DESCRIPTION,
  optionSchema: pluralisticMarketSchema,
  parseOptions: (input) => parsePersuasionOptions(PLURALISTIC_MARKET_ID, input),
  createKernel: (options, batch) => new PersuasionKernel(PLURALISTIC_MARKET_ID, options, batch),
  createEnv: (options) => new PersuasionEnv(PLURALISTIC_MARKET_ID, options),
  presets: presetsOf(Object.keys(PERSUASION_PRESETS)),
  resetOptions: [],
};

export { PersuasionEnv, persuasionRoundMetrics, type PersuasionRoundMetrics } from './env.js';
export { PersuasionKernel, PROVIDER, PROVIDER_INFO, ROUND_METRICS as PERSUASION_ROUND_METRICS } from './kernel.js';
export {
  EMERGENT_ALIGNMENT_ID,
  PLURALISTIC_MARKET_ID,
  RESPONSES,
  SELECTIONS,
  emergentAlignmentSchema,
  pluralisticMarketSchema,
  parsePersuasionOptions,
  resolveInstance,
  type PersuasionId,
  type PersuasionOptions,
  type ResponseRule,
  type SelectionRule,
} from './options.js';
export { explainInstance, parseInstance, INSTANCE_LIMITS, type PersuasionInstance } from './instance.js';
export { PERSUASION_PRESETS, SINGLE_USER_PRESETS } from './presets.js';
export { instanceTables, TIE as PERSUASION_TIE, type InstanceTables } from './tables.js';
export {
  explainPolicy,
  likelihoodInto,
  messageLikelihood,
  policiesForType,
  policyFromLogits,
  softmaxRowsInto,
  type PersonalizedPolicy,
  type SignalPolicy,
} from './signal.js';
export {
  TIE_RULES,
  bayesAction,
  bayesActionFlat,
  consultedMaskOf,
  expectedUtilities,
  expectedUtilityOf,
  posterior,
  posteriorInto,
  quantalInto,
  quantalProbabilities,
  type TieRule,
} from './response.js';
export { persuasionSpaces, type PersuasionSpaces, type ProviderAction, type ProviderObservation } from './spaces.js';
export type { PersuasionResetOptions } from './reset-options.js';
