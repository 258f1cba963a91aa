import { KernelEnv } from '../../envs/core/kernel-env.js';
import type { Info } from '../../envs/core/env.js';
import { AttentionMarketKernel, ROUND_METRICS } from './kernel.js';
import type { AttentionMarketOptions } from './options.js';
import type { AttentionMarketResetOptions } from './reset-options.js';
import type { GoalAction, GoalObservation, UserAction, UserObservation } from './spaces.js';

export const ATTENTION_MARKET_DESCRIPTION = 'User Buddies fill N attention slots from a pool that Goal Buddies generate, paying for straying from the truth';

/** Round-level metrics, in every agent's info as `round` after the user phase. */
export type RoundMetrics = Record<(typeof ROUND_METRICS)[number], number>;

/**
 * The flagship game as a single env. Agents "goal_0".."goal_{G−1}" act in the goal phase
 * (M creations each), then "user_0".."user_{U−1}" in the user phase (N distinct pool
 * indices each); rewards for everyone arrive at the end of the user phase.
 */
export class AttentionMarketEnv extends KernelEnv<GoalObservation | UserObservation, GoalAction | UserAction, AttentionMarketResetOptions> {
  declare readonly kernel: AttentionMarketKernel;

  constructor(readonly options: AttentionMarketOptions) {
    const kernel = new AttentionMarketKernel(options, 1);
    super(kernel, { description: ATTENTION_MARKET_DESCRIPTION, phases: ['goal', 'user'] }, (k) => roundMetrics(k.metrics, 0));
  }

  /**
   * Hidden state, for reference agents and tests only (a User Buddy must never see it):
   * θ_j of a user and g_k of a goal, as copies.
   */
  hidden(): { preferences: Float64Array[]; grounded: Float64Array[] } {
    const { U, G, D } = this.kernel;
    const k = this.kernel;
    return {
      preferences: Array.from({ length: U }, (_, j) => k.preferences.slice(j * D, (j + 1) * D)),
      grounded: Array.from({ length: G }, (_, i) => k.grounded.slice(i * D, (i + 1) * D)),
    };
  }
}

export function roundMetrics(metrics: Float64Array, copy: number): Info & RoundMetrics {
  const out = {} as Record<string, number>;
  ROUND_METRICS.forEach((name, i) => (out[name] = metrics[copy * ROUND_METRICS.length + i]));
  return out as Info & RoundMetrics;
}
