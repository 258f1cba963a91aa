import { assertSeed } from '../core/rng.js';

export interface CheckOptions {
  /** Seed of the env and of the checker's action sampler (default 0). */
  seed?: number;
  /** Env steps in each recorded run, across episode boundaries (default 200). */
  steps?: number;
  /** How many steps at the start of the reference run get bad actions probed (default 16). */
  probeSteps?: number;
  /**
   * Whether seed + 1 must give a different trajectory than seed, with the same actions
   * (default true: an env that ignores its seed is the bug this catches). Set it to false
   * for a game without chance moves.
   */
  seedSensitive?: boolean;
}

export type ResolvedCheckOptions = Required<CheckOptions>;

export function resolveCheckOptions(opts: CheckOptions = {}): ResolvedCheckOptions {
  const resolved = { seed: 0, steps: 200, probeSteps: 16, seedSensitive: true, ...opts };
  assertSeed(resolved.seed, 'checkEnv: seed');
  for (const key of ['steps', 'probeSteps'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) throw new RangeError(`checkEnv: ${key} must be a positive integer, got ${resolved[key]}`);
  }
  return resolved;
}
