import { GOAL, USER, HonestGoal, GreedyUser, Rng, makeVec, make, type AttentionMarketEnv, type VecEnv } from '../index.js';
import type { Agent, BatchContext } from '../agents/agent.js';

/** The benchmarked policies: honest goals with N(0, 0.1²) noise, greedy users. */
export const BENCH_GOALS = () => new HonestGoal({ noise: 0.1 });
export const BENCH_USERS = () => new GreedyUser();

function batchContext(vec: VecEnv, role: number, rng: Rng): BatchContext {
  const r = vec.roles[role];
  return { numEnvs: vec.numEnvs, count: r.count, obsSize: r.obsSize, actSize: r.actSize, rng, role: r.spec, kernel: vec.kernel };
}

export interface LoopResult {
  rounds: number;
  seconds: number;
}

/**
 * Plays full rounds (both agents' actBatch + goal phase + user phase) of B copies of the
 * default game for about `seconds`, after `warmup` seconds. rounds = B × iterations.
 */
export function runVecLoop(B: number, seconds: number, warmup: number, seed: number): LoopResult {
  const vec = makeVec('attention-market-v0', { numEnvs: B, autoreset: 'same-step' });
  vec.reset({ seed });
  const rng = new Rng(seed, 1);
  const goals: Agent = BENCH_GOALS();
  const users: Agent = BENCH_USERS();
  const g = vec.roles[GOAL];
  const u = vec.roles[USER];
  const gctx = batchContext(vec, GOAL, rng);
  const uctx = batchContext(vec, USER, rng);
  const round = () => {
    goals.actBatch!(g.observations, g.actions, gctx);
    vec.step();
    users.actBatch!(u.observations, u.actions, uctx);
    vec.step();
  };
  return timeLoop(round, B, seconds, warmup);
}

/** One env through the object API: actions keyed by agent id, Dict observations. */
export function runSingleLoop(seconds: number, warmup: number, seed: number): LoopResult {
  const env = make<AttentionMarketEnv>('attention-market-v0');
  const rng = new Rng(seed, 1);
  const goals = BENCH_GOALS();
  const users = BENCH_USERS();
  let obs = env.reset({ seed }).observations;
  const round = () => {
    for (let phase = 0; phase < 2; phase++) {
      const actions: Record<string, unknown> = {};
      for (const id of env.actingAgents) {
        const agent: Agent = phase === 0 ? goals : users;
        actions[id] = agent.act(obs[id], { agent: id, rng, env });
      }
      const r = env.step(actions as never);
      obs = r.observations;
    }
    if (env.agents.length === 0) obs = env.reset().observations;
  };
  return timeLoop(round, 1, seconds, warmup);
}

function timeLoop(round: () => void, roundsPerCall: number, seconds: number, warmup: number): LoopResult {
  const until = (s: number) => performance.now() + s * 1000;
  let end = until(warmup);
  while (performance.now() < end) for (let i = 0; i < 10; i++) round();
  let calls = 0;
  const t0 = performance.now();
  end = t0 + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 10; i++) round();
    calls += 10;
  }
  return { rounds: calls * roundsPerCall, seconds: (performance.now() - t0) / 1000 };
}
