import type { EnvSpec } from '../../envs/core/registry.js';
import { AttentionMarketEnv, ATTENTION_MARKET_DESCRIPTION } from './env.js';
import { AttentionMarketKernel } from './kernel.js';
import { RESET_OPTION_KEYS } from './reset-options.js';
import { ATTENTION_MARKET_ID, attentionMarketSchema, parseAttentionMarketOptions, type AttentionMarketOptions } from './options.js';

export const attentionMarketSpec: EnvSpec<AttentionMarketOptions> = {
  id: ATTENTION_MARKET_ID,
  description: ATTENTION_MARKET_DESCRIPTION,
  optionSchema: attentionMarketSchema,
  parseOptions: parseAttentionMarketOptions,
  createKernel: (options, batch) => new AttentionMarketKernel(options, batch),
  createEnv: (options) => new AttentionMarketEnv(options),
  resetOptions: RESET_OPTION_KEYS,
};

export { AttentionMarketEnv, roundMetrics, type RoundMetrics } from './env.js';
export { AttentionMarketKernel, GOAL, USER, GOAL_PHASE, USER_PHASE, USER_INFO, GOAL_INFO, ROUND_METRICS } from './kernel.js';
export { ATTENTION_MARKET_ID, attentionMarketSchema, parseAttentionMarketOptions, type AttentionMarketOptions } from './options.js';
export { attentionMarketSpaces, type GoalObservation, type UserObservation, type GoalAction, type UserAction } from './spaces.js';
export type { AttentionMarketResetOptions } from './reset-options.js';
export { clusteredTaste, drawTastes, type TasteDraw } from './tastes.js';
