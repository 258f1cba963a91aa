import type { RoleSpec } from '../../envs/core/kernel.js';
import { Box } from '../../envs/core/spaces/box.js';
import { Discrete } from '../../envs/core/spaces/discrete.js';
import { Subset } from '../../envs/core/spaces/subset.js';
import { CategoricalHead, GaussianHead, PlackettLuceHead } from './heads/index.js';
import type { PolicySpec } from './policy.js';

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
 * The spec with a centralised critic of `size` privileged features appended to its
 * observation: read by the value branch only (the policy branch keeps its inputs).
 */
export function withCritic(spec: PolicySpec, size: number): PolicySpec {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`withCritic: size must be a positive integer, got ${size}`);
  if (spec.critic) throw new Error(`policy "${spec.name}" already has a centralised critic`);
  return { ...spec, critic: { size }, network: { ...spec.network, obsSize: spec.network.obsSize + size, criticSize: size } };
}
