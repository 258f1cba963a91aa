import type { RoleSpec } from '../core/kernel.js';
import type { RoleDescription } from './protocol.js';

/** A role as the handshake describes it, for the given agents of it (all, or the one a client plays). */
export function roleDescription(role: RoleSpec, agents: readonly string[]): RoleDescription {
  return {
    name: role.name,
    count: agents.length,
    agents: [...agents],
    observation_space: role.observationSpace.toJSON(),
    action_space: role.actionSpace.toJSON(),
    obs_size: role.observationSpace.flatSize,
    act_size: role.actionSpace.flatSize,
    act_dtype: role.actionSpace.dtype,
    info_names: [...role.infoNames],
  };
}
