import type { ParallelEnv } from '../core/env.js';
import type { SingleEnv } from '../wrappers/single-env.js';
import { checkEnv } from './check-env.js';
import { checkSingleAgentEnv } from './check-single-agent-env.js';
import type { CheckOptions } from './options.js';
import { assertConforms, type CheckReport } from './report.js';

/** A ParallelEnv has per-agent space methods and possibleAgents; a SingleEnv has space properties. */
export function isParallelEnv(env: ParallelEnv | SingleEnv): env is ParallelEnv {
  return typeof env.observationSpace === 'function' && Array.isArray((env as ParallelEnv).possibleAgents);
}

/** checkEnv for a ParallelEnv, checkSingleAgentEnv for a SingleEnv. */
export function checkAnyEnv(env: ParallelEnv | SingleEnv, options?: CheckOptions): CheckReport {
  return isParallelEnv(env) ? checkEnv(env, options) : checkSingleAgentEnv(env, options);
}

/** Checks `env` of either kind and throws an EnvCheckError naming every failed check. */
export function assertEnvConforms(env: ParallelEnv | SingleEnv, options?: CheckOptions): CheckReport {
  return assertConforms(checkAnyEnv(env, options));
}
