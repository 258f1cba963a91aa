import type { RoleSpec } from '../../envs/core/kernel.js';
import type { EnvSpec } from '../../envs/core/registry.js';

/** Distinct option sets whose roles are remembered per env. */
const CACHED = 32;

/**
 * `roles(options)` for a descriptor, read from one kernel of one copy per distinct parsed
 * options (remembered by their JSON), so that asking again builds nothing. Options must be
 * what the env's `parseOptions` returned.
 */
export function kernelRoles<O>(env: EnvSpec<O>): (options: O) => readonly RoleSpec[] {
  const cache = new Map<string, readonly RoleSpec[]>();
  return (options) => {
    const key = JSON.stringify(options);
    let roles = cache.get(key);
    if (!roles) {
      roles = env.createKernel(options, 1).roles;
      if (cache.size >= CACHED) cache.delete(cache.keys().next().value!);
      cache.set(key, roles);
    }
    return roles;
  };
}
