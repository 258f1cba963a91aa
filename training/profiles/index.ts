import type { RoleSpec } from '../../envs/core/kernel.js';
import type { TrainConfig } from '../self-play/config.js';
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

/** The settings `train <id>` starts from: the env's profile's trainDefaults (none for an env without a profile). */
export function trainDefaultsFor(envId: string): Readonly<Partial<TrainConfig>> {
  return profiles.get(envId)?.trainDefaults ?? {};
}

/** What the env's profile warns about these (parsed) options and settings. */
export function trainWarnings(envId: string, options: unknown, config: TrainConfig): string[] {
  return profiles.get(envId)?.warnings?.(options, config) ?? [];
}

export { genericProfile, metricLabel, rewardMetric, roundsOption, summaryMetrics, type TrainingProfile } from './profile.js';
