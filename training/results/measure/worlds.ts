import { Rng } from '../../../envs/core/rng.js';
import { makeVec } from '../../../envs/registry.js';
import type { RoleActor } from '../../self-play/actors.js';

export interface WorldsOptions {
  /** Worlds (env copies, each one episode), a multiple of `batch`. */
  worlds: number;
  /** Copies stepped together (default 256). */
  batch?: number;
  /** World w is seeded with seed + w: every actor set meets the same worlds. */
  seed: number;
  rounds: number;
}

/**
 * Plays one episode in each of `worlds` seeded worlds with `actors[r]` playing role r; returns
 * every round metric of each world, averaged over its rounds (`<metric>`), and over its last
 * round only (`last:<metric>`). Actors sample from their own stream (seed, 7).
 */
export function worldMetrics(envId: string, envOptions: unknown, actors: readonly RoleActor[], o: WorldsOptions): Record<string, Float64Array> {
  const B = Math.min(o.batch ?? 256, o.worlds);
  if (o.worlds % B !== 0) throw new RangeError(`worldMetrics: worlds (${o.worlds}) must be a multiple of the batch (${B})`);
  const vec = makeVec(envId, { numEnvs: B, options: envOptions, autoreset: 'disabled' });
  const names = vec.metricNames;
  const out: Record<string, Float64Array> = {};
  for (const n of names) {
    out[n] = new Float64Array(o.worlds);
    out[`last:${n}`] = new Float64Array(o.worlds);
  }
  const rng = new Rng(o.seed, 7);
  try {
    for (let start = 0; start < o.worlds; start += B) {
      vec.reset({ seed: o.seed + start });
      for (let t = 0; t < o.rounds; t++) {
        for (const r of vec.kernel.phaseRoles) {
          actors[r].act(vec, r, rng);
          vec.step();
        }
        names.forEach((n, m) => {
          for (let b = 0; b < B; b++) {
            const v = vec.metrics[b * names.length + m];
            out[n][start + b] += v / o.rounds;
            if (t === o.rounds - 1) out[`last:${n}`][start + b] = v;
          }
        });
      }
    }
  } finally {
    vec.close();
  }
  return out;
}
