import type { RoleSpec } from '../../envs/core/kernel.js';
import { attentionMarketProfile } from './attention-market.js';
import { consensusGameProfile } from './consensus-game.js';
import { emergentAlignmentProfile, pluralisticMarketProfile } from './persuasion.js';
import { genericProfile, type TrainingProfile } from './profile.js';
import { tradeMarketProfile } from './trade-market.js';

const profiles = new Map<string, TrainingProfile>(
  [attentionMarketProfile, tradeMarketProfile, emergentAlignmentProfile, pluralisticMarketProfile, consensusGameProfile].map((p) => [p.envId, p]),
);

/** Registers how self-play trains an env (replacing the generic profile). */
export function registerProfile(profile: TrainingProfile): void {
  profiles.set(profile.envId, profile);
}

/** The env's training profile, or the generic one built from its roles. */
export function profileFor(envId: string, roles: readonly RoleSpec[]): TrainingProfile {
  return profiles.get(envId) ?? genericProfile(envId, roles);
}

export { genericProfile, metricLabel, rewardMetric, roundsOption, summaryMetrics, type TrainingProfile } from './profile.js';
