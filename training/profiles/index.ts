import type { RoleSpec } from '../../envs/core/kernel.js';
import type { TrainConfig } from '../self-play/config.js';
import { game, gameTraining } from '../game/registry.js';
import { genericProfile, type TrainingProfile } from './profile.js';

const profiles = new Map<string, TrainingProfile>();

/** Registers how self-play trains an env (replacing the generic profile). */
export function registerProfile(profile: TrainingProfile): void {
  profiles.set(profile.envId, profile);
}

/** A profile given by registerProfile, else the game's own (undefined for a game without one). */
function registeredProfile(envId: string): TrainingProfile | undefined {
  return profiles.get(envId) ?? gameTraining(envId)?.profile;
}

/** The env's training profile, or the generic one built from its roles. */
export function profileFor(envId: string, roles: readonly RoleSpec[]): TrainingProfile {
  return registeredProfile(envId) ?? genericProfile(envId, roles, game(envId));
}

/** The settings `train <id>` starts from: the env's profile's trainDefaults (none for an env without a profile). */
export function trainDefaultsFor(envId: string): Readonly<Partial<TrainConfig>> {
  return registeredProfile(envId)?.trainDefaults ?? {};
}

/** What the env's profile warns about these (parsed) options and settings. */
export function trainWarnings(envId: string, options: unknown, config: TrainConfig): string[] {
  return registeredProfile(envId)?.warnings?.(options, config) ?? [];
}

export { genericProfile, metricLabel, rewardMetric, roundsOption, summaryMetrics, type TrainingProfile } from './profile.js';
