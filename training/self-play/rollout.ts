import type { Rng } from '../../envs/core/rng.js';
import type { VecEnv } from '../../envs/core/vector-env.js';
import type { EpisodeStats } from '../rollouts/episode-stats.js';
import type { RoleActor } from './actors.js';
import type { Trajectory } from './trajectory.js';

/**
 * Plays one episode of T rounds in every copy of `vec` (which must be freshly reset, in
 * phase 0, with autoreset 'disabled'): in each phase the acting role's actor writes its
 * actions, then the env steps. A role's reward for round t is the sum of what it receives
 * over the round's phases (a Goal Buddy is paid at the end of the user phase for the
 * creations of the goal phase). Where `trajectories[role]` is given, the role's
 * observations, samples and rewards are recorded for learning.
 */
export function playEpisode(vec: VecEnv, actors: readonly RoleActor[], rng: Rng, trajectories: readonly (Trajectory | null)[], T: number): EpisodeStats {
  const k = vec.kernel;
  if (k.phase !== 0) throw new Error(`playEpisode: the env must start at phase 0, it is at phase ${k.phase}`);
  const roles = vec.roles;
  const roundReward = roles.map((r) => new Float64Array(vec.numEnvs * r.count));
  const rewardSum = roles.map(() => 0);
  const agentSum = roles.map((r) => new Float64Array(r.count));
  const metricSum = new Float64Array(vec.metricNames.length);
  const nm = vec.metricNames.length;
  const copyMetrics = new Float64Array(vec.numEnvs * nm);
  const copyAgentReward = roles.map((r) => new Float64Array(vec.numEnvs * r.count));
  let t = 0;
  for (; t < T; t++) {
    for (const acc of roundReward) acc.fill(0);
    for (let p = 0; p < k.phaseRoles.length; p++) {
      const r = k.phaseRoles[p];
      const sample = actors[r].act(vec, r, rng);
      const traj = trajectories[r];
      if (traj) {
        if (!sample) throw new Error(`role "${roles[r].name}" is being trained but its actor "${actors[r].name}" is not a policy`);
        traj.record(t, sample.obs ?? roles[r].observations, sample);
      }
      vec.step();
      for (let ri = 0; ri < roles.length; ri++) {
        const acc = roundReward[ri];
        const rw = roles[ri].rewards;
        for (let i = 0; i < acc.length; i++) acc[i] += rw[i];
      }
    }
    const ended = vec.truncations[0] === 1 || vec.terminations[0] === 1;
    for (let ri = 0; ri < roles.length; ri++) {
      trajectories[ri]?.reward(t, roundReward[ri], ended);
      let s = 0;
      const acc = roundReward[ri];
      const count = roles[ri].count;
      const copy = copyAgentReward[ri];
      for (let i = 0; i < acc.length; i++) {
        s += acc[i];
        agentSum[ri][i % count] += acc[i] / vec.numEnvs;
        copy[i] += acc[i];
      }
      rewardSum[ri] += s / acc.length;
    }
    for (let b = 0; b < vec.numEnvs; b++) {
      for (let m = 0; m < nm; m++) {
        metricSum[m] += vec.metrics[b * nm + m];
        copyMetrics[b * nm + m] += vec.metrics[b * nm + m];
      }
    }
    if (ended) {
      t++;
      break;
    }
  }
  if (t !== T) throw new Error(`playEpisode: the episode lasted ${t} rounds, expected ${T}`);
  for (let b = 0; b < vec.numEnvs; b++) {
    if (!vec.truncations[b] && !vec.terminations[b]) throw new Error(`playEpisode: copy ${b} did not end with the others`);
  }
  const metrics: Record<string, number> = {};
  vec.metricNames.forEach((name, m) => (metrics[name] = metricSum[m] / (T * vec.numEnvs)));
  for (let i = 0; i < copyMetrics.length; i++) copyMetrics[i] /= T;
  for (const c of copyAgentReward) for (let i = 0; i < c.length; i++) c[i] /= T;
  return { metrics, meanReward: rewardSum.map((s) => s / T), agentReward: agentSum.map((a) => Array.from(a, (x) => x / T)), rounds: T, copyMetrics, copyAgentReward };
}
