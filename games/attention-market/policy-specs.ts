import type { OwnerMemoryLayout } from '../../agents/policy/owner-memory.js';
import { OWNER_MEMORY_FEATURES } from '../../agents/policy/owner-memory.js';
import type { PolicySpec } from '../../agents/policy/policy.js';
import { DEFAULT_SIZES, headFor, type PolicySizes } from '../../agents/policy/specs.js';
import type { RoleSpec } from '../../envs/core/kernel.js';
import type { AttentionMarketSpaces } from './spaces.js';

/**
 * The attention market's two policies, shared by every agent of a role (parameter
 * sharing): π_goal a residual Gaussian around the grounded truth, π_user a pool scorer
 * with a Plackett–Luce head. No agent index is fed: within a role the agents are symmetric.
 */
export function attentionMarketPolicySpecs(
  roles: readonly RoleSpec[],
  sizes: PolicySizes = DEFAULT_SIZES,
  /** With the game's rounds and feedback mode, π_user also gets its own owner memory (see OwnerMemory). */
  memory?: { rounds: number; feedback: 'click' | 'rating' },
): { goal: PolicySpec; user: PolicySpec } {
  const [goalRole, userRole] = roles;
  const g = goalRole.observationSpace as AttentionMarketSpaces['goalObservation'];
  const u = userRole.observationSpace as AttentionMarketSpaces['userObservation'];
  const D = g.entries.grounded.flatSize;
  const M = g.entries.slotsWon.flatSize;
  const P = u.entries.owners.flatSize;
  const goal: PolicySpec = {
    name: 'goal',
    network: { arch: 'residual-goal', obsSize: g.flatSize, hidden: sizes.hidden, groundedOffset: g.offsets.grounded, dim: D, creations: M, logStdInit: sizes.logStdInit },
    head: headFor(goalRole).toJSON(),
  };
  const N = u.entries.lastFeedback.flatSize;
  const layout: OwnerMemoryLayout | undefined = memory && {
    obsSize: u.flatSize,
    pool: P,
    creations: M,
    goals: P / M,
    slots: N,
    lastSelectionOffset: u.offsets.lastSelection,
    lastFeedbackOffset: u.offsets.lastFeedback,
    progressOffset: u.offsets.progress,
    rounds: memory.rounds,
    feedback: memory.feedback,
  };
  const user: PolicySpec = {
    name: 'user',
    ...(layout ? { memory: layout } : {}),
    network: {
      arch: 'pool-scorer',
      obsSize: u.flatSize + (layout ? P * OWNER_MEMORY_FEATURES : 0),
      hidden: sizes.hidden,
      poolOffset: u.offsets.pool,
      pool: P,
      dim: D,
      estimateOffset: u.offsets.estimate,
      // lastFeedback and progress are the last N + 1 numbers of the observation
      contextOffset: u.offsets.lastFeedback,
      contextSize: u.flatSize - u.offsets.lastFeedback,
      priorScale: 20,
      ...(layout ? { memoryOffset: u.flatSize, memoryFeatures: OWNER_MEMORY_FEATURES } : {}),
    },
    head: headFor(userRole).toJSON(),
  };
  return { goal, user };
}
