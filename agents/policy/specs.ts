import type { RoleSpec } from '../../envs/core/kernel.js';
import { Box } from '../../envs/core/spaces/box.js';
import { Discrete } from '../../envs/core/spaces/discrete.js';
import { Subset } from '../../envs/core/spaces/subset.js';
import { CategoricalHead, GaussianHead, PlackettLuceHead } from './heads/index.js';
import type { PolicySpec } from './policy.js';
import type { AttentionMarketSpaces } from '../../games/attention-market/spaces.js';
import { OWNER_MEMORY_FEATURES, type OwnerMemoryLayout } from './owner-memory.js';

/** Network sizes and the initial exploration of Gaussian heads. */
export interface PolicySizes {
  hidden: number[];
  logStdInit: number;
}

export const DEFAULT_SIZES: PolicySizes = { hidden: [64, 64], logStdInit: -1.6 };

/** A head for the role's action space: Gaussian (clipped to the Box), categorical, or Plackett–Luce. */
export function headFor(role: RoleSpec) {
  const a = role.actionSpace;
  if (a instanceof Box) return new GaussianHead(a.flatSize, { low: a.low[0], high: a.high[0] });
  if (a instanceof Discrete) return new CategoricalHead(a.n);
  if (a instanceof Subset) return new PlackettLuceHead(a.n, a.k);
  throw new TypeError(`no policy head for a ${a.kind} action space (role "${role.name}")`);
}

/** The policy of one role of any env: an MLP over the flat observation with the space's head. */
export function genericPolicySpec(role: RoleSpec, sizes: PolicySizes = DEFAULT_SIZES): PolicySpec {
  const head = headFor(role);
  const obsSize = role.observationSpace.flatSize;
  const gaussian = head.kind === 'gaussian' ? { size: head.actionSize, logStdInit: sizes.logStdInit } : undefined;
  return { name: role.name, network: { arch: 'mlp', obsSize, hidden: sizes.hidden, gaussian }, head: head.toJSON() };
}

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

/**
 * The spec with a centralised critic of `size` privileged features appended to its
 * observation: read by the value branch only (the policy branch keeps its inputs).
 */
export function withCritic(spec: PolicySpec, size: number): PolicySpec {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`withCritic: size must be a positive integer, got ${size}`);
  if (spec.critic) throw new Error(`policy "${spec.name}" already has a centralised critic`);
  return { ...spec, critic: { size }, network: { ...spec.network, obsSize: spec.network.obsSize + size, criticSize: size } };
}
