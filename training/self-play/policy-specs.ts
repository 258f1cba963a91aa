import type { PolicySpec } from '../../agents/policy/policy.js';
import { withCritic } from '../../agents/policy/specs.js';
import type { GameKernel } from '../../envs/core/kernel.js';
import type { TrainingProfile } from '../profiles/index.js';
import type { TrainConfig } from './config.js';

/**
 * The policy spec of every side (in role order) that these settings build: the profile's
 * architectures, with the value input widened by the kernel's privileged features when
 * `centralCritic` is on. The trainer builds its policies from it and a checkpoint is checked
 * against it, so the two cannot drift apart. `refuse` is called with why the settings cannot
 * build a side (an env without critic features for it).
 */
export function policySpecsFor(profile: TrainingProfile, kernel: GameKernel, config: TrainConfig, options: unknown, refuse: (why: string) => never): PolicySpec[] {
  return profile.policySpecs(kernel.roles, config, options).map((spec, r) => {
    if (!config.centralCritic) return spec;
    const size = kernel.critic?.size(r) ?? 0;
    if (size === 0) refuse(`${profile.envId} offers no privileged critic features for its ${kernel.roles[r].name} side`);
    return withCritic(spec, size);
  });
}
