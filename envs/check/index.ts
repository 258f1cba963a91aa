export { checkEnv, PARALLEL_CHECK_NAMES } from './check-env.js';
export { checkSingleAgentEnv, SINGLE_AGENT_CHECK_NAMES } from './check-single-agent-env.js';
export { checkAnyEnv, assertEnvConforms, isParallelEnv } from './check-any-env.js';
export { assertConforms, failedChecks, EnvCheckError, type CheckReport, type CheckResult } from './report.js';
export type { CheckOptions } from './options.js';
export { invalidAction, type InvalidAction } from './invalid-action.js';
export { firstDifference } from './compare.js';
