import type { BatchContext } from '../../agents/agent.js';
import { ExaggeratingGoal, GreedyUser, HonestGoal } from './baselines/index.js';
import type { AttentionMarketKernel } from './kernel.js';
import { Rng } from '../../envs/core/rng.js';
import type { VecEnv, VecRole } from '../../envs/core/vector-env.js';
import { makeVec } from '../../envs/registry.js';

/**
 * Does exaggeration pay in attention-market-v0? Paired measurements against greedy users on
 * seeded worlds, per world:
 * - `slots`: half the goals exaggerate toward the market's signal (ExaggeratingGoal), half are
 *   honest; the world is played twice with the halves swapped (same θ, g and feedback seeds),
 *   so the goals' luck in where g falls cancels. The value is (slots won as exaggerator − slots
 *   won as honest) per goal per round.
 * - `regretHonest`, `regretExaggerate`: the greedy users' regret per user per round when every
 *   goal is honest, and when every goal exaggerates, on the same world.
 */
export interface ExaggerationOptions {
  /** Env options (tasteClusters, tasteSpread, dim, ...); goals must be even. */
  envOptions: Record<string, unknown>;
  /** Worlds measured: a multiple of `batch`. */
  worlds: number;
  /** World w is seeded with seed + w. */
  seed: number;
  /** ExaggeratingGoal's step. */
  step: number;
  /** Copies stepped together (default 256). */
  batch?: number;
}

export interface ExaggerationSamples {
  slots: number[];
  regretHonest: number[];
  regretExaggerate: number[];
}

export function exaggerationSamples(o: ExaggerationOptions): ExaggerationSamples {
  const B = o.batch ?? 256;
  if (o.worlds % B !== 0) throw new RangeError(`exaggerationSamples: worlds (${o.worlds}) must be a multiple of batch (${B})`);
  const vec = makeVec('attention-market-v0', { numEnvs: B, options: o.envOptions, autoreset: 'disabled' });
  const G = vec.roles[0].count;
  if (G % 2 !== 0) throw new RangeError(`exaggerationSamples: needs an even number of goals, got ${G}`);
  const T = (vec.kernel as AttentionMarketKernel).T;
  const out: ExaggerationSamples = { slots: [], regretHonest: [], regretExaggerate: [] };
  try {
    for (let start = 0; start < o.worlds; start += B) {
      const seed = o.seed + start;
      const first = halves(new Rng(seed, 11), B, G);
      const second = first.map((x) => 1 - x);
      const a = play(vec, seed, first, o.step);
      const c = play(vec, seed, second, o.step);
      const honest = play(vec, seed, new Uint8Array(B * G), o.step);
      const exaggerate = play(vec, seed, new Uint8Array(B * G).fill(1), o.step);
      for (let b = 0; b < B; b++) {
        let asExaggerator = 0;
        let asHonest = 0;
        for (let k = b * G; k < (b + 1) * G; k++) {
          asExaggerator += first[k] ? a.slots[k] : c.slots[k];
          asHonest += first[k] ? c.slots[k] : a.slots[k];
        }
        out.slots.push((asExaggerator - asHonest) / G / T);
        out.regretHonest.push(honest.regret[b]);
        out.regretExaggerate.push(exaggerate.regret[b]);
      }
    }
  } finally {
    vec.close();
  }
  return out;
}

/** Per copy, a seeded half of the goals (1 = exaggerates in the first pass). */
function halves(rng: Rng, B: number, G: number): Uint8Array {
  const first = new Uint8Array(B * G);
  const idx = new Int32Array(G);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < G; i++) idx[i] = i;
    for (let i = G - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    for (let i = 0; i < G / 2; i++) first[b * G + idx[i]] = 1;
  }
  return first;
}

/** One episode in every copy; goal k of copy b exaggerates where exaggerates[b·G + k]. Slots summed over rounds, regret per round. */
function play(vec: VecEnv, seed: number, exaggerates: Uint8Array, step: number): { slots: Float64Array; regret: Float64Array } {
  const honest = new HonestGoal();
  const exaggerate = new ExaggeratingGoal({ step });
  const greedy = new GreedyUser();
  const rng = new Rng(seed, 9); // unused by these deterministic agents, but part of their context
  const [goals, users] = vec.roles;
  const B = vec.numEnvs;
  const G = goals.count;
  const T = (vec.kernel as AttentionMarketKernel).T;
  const ctx = (role: VecRole): BatchContext => ({ numEnvs: B, count: role.count, obsSize: role.obsSize, actSize: role.actSize, rng, role: role.spec, kernel: vec.kernel });
  const visibility = goals.spec.infoNames.indexOf('visibility');
  const nInfo = goals.spec.infoNames.length;
  const regretMetric = vec.metricNames.indexOf('meanRegret');
  const alt = new Float32Array(goals.actions.length);
  const size = goals.actSize;
  const slots = new Float64Array(B * G);
  const regret = new Float64Array(B);
  vec.reset({ seed });
  for (let t = 0; t < T; t++) {
    honest.actBatch(goals.observations, goals.actions, ctx(goals));
    exaggerate.actBatch(goals.observations, alt, ctx(goals));
    for (let row = 0; row < B * G; row++) if (exaggerates[row]) (goals.actions as Float32Array).set(alt.subarray(row * size, (row + 1) * size), row * size);
    vec.step();
    greedy.actBatch(users.observations, users.actions, ctx(users));
    vec.step();
    for (let row = 0; row < B * G; row++) slots[row] += goals.infos[row * nInfo + visibility];
    for (let b = 0; b < B; b++) regret[b] += vec.metrics[b * vec.metricNames.length + regretMetric] / T;
  }
  return { slots, regret };
}
