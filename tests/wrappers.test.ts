import { describe, expect, it } from 'vitest';
import type { Agent, AgentContext } from '../agents/agent.js';
import { checkEnv, checkSingleAgentEnv, failedChecks, firstDifference } from '../envs/check/index.js';
import { ActionError, EnvStateError } from '../envs/core/errors.js';
import { Rng } from '../envs/core/rng.js';
import { OTHER_AGENT_STREAM, RecordEpisodeStatistics, SingleAgentEnv, type EpisodeStatistics } from '../envs/wrappers/index.js';
import { FOLLOWER_0, FOLLOWER_1, LEADER, ToyEnv, type ToyAction, type ToyObservation } from './fixtures/toy-env.js';

const randomPolicies = (env: ToyEnv) => (id: string): Agent => ({ name: 'random', act: (_obs, ctx) => env.actionSpace(id).sample(ctx.rng) });
/** Followers that always play the same: follower_0 the centre, follower_1 slots 0 and 1. */
const fixedFollowers = { [FOLLOWER_0]: () => Float32Array.of(0.5, 0.5), [FOLLOWER_1]: () => Int32Array.of(0, 1) };

describe('SingleAgentEnv', () => {
  it('controls the leader (phase 0): one step spans both phases and pays the round payoff', () => {
    const env = new SingleAgentEnv<ToyObservation, ToyAction, Record<string, never>>(new ToyEnv(), LEADER, fixedFollowers);
    const { observation: start } = env.reset({ seed: 3 });
    expect([start.phase, start.round, start.leaderChoice]).toEqual([0, 0, -1]);
    const s = start.signal;
    const { observation, reward, terminated, truncated } = env.step(0);
    expect([observation.phase, observation.round]).toEqual([0, 1]);
    // follower_1 has both its slots in {0, 1}; follower_0 is |0.5 − 0| + |0.5 − (s₀+1)/2| from its target.
    const f1 = 2 + s[1] / 2;
    const f0 = 1 - 0.5 - Math.abs(0.5 - (s[0] + 1) / 2);
    expect(Math.abs(reward - (f1 - f0))).toBeLessThanOrEqual(0.1 + 1e-6); // the leader's noise is in [−0.1, 0.1)
    expect(observation.lastPayoffs[0]).toBeCloseTo(reward, 5);
    expect([terminated, truncated]).toEqual([false, false]);
  });

  it('controls a follower (phase 1): reset plays the leader first', () => {
    const toy = new ToyEnv();
    const env = new SingleAgentEnv(toy, FOLLOWER_0, randomPolicies(toy));
    const { observation } = env.reset({ seed: 3 });
    expect(observation.phase).toBe(1);
    expect(observation.leaderChoice).toBeGreaterThanOrEqual(0);
    expect(toy.actingAgents).toEqual([FOLLOWER_0, FOLLOWER_1]);
    const next = env.step(Float32Array.of(0.25, 0.75));
    expect([next.observation.phase, next.observation.round]).toEqual([1, 1]);
    expect(next.observation.lastPayoffs[1]).toBeCloseTo(next.reward, 5);
  });

  it('ends the episode like the env: the leader is truncated after 5 steps, follower_1 terminated after 3', () => {
    const play = (agent: string) => {
      const toy = new ToyEnv();
      const env = new SingleAgentEnv(toy, agent, randomPolicies(toy));
      const rng = new Rng(1);
      env.reset({ seed: 0 });
      const flags: [boolean, boolean][] = [];
      for (;;) {
        const r = env.step(env.actionSpace.sample(rng));
        flags.push([r.terminated, r.truncated]);
        if (r.terminated || r.truncated) break;
      }
      expect(() => env.step(env.actionSpace.sample(rng))).toThrow(EnvStateError);
      return flags;
    };
    expect(play(LEADER)).toEqual([...Array(4).fill([false, false]), [false, true]]);
    expect(play(FOLLOWER_1)).toEqual([[false, false], [false, false], [true, false]]);
  });

  it("returns the sum of the controlled agent's rewards: an episode's return equals the env's", () => {
    for (const agent of [LEADER, FOLLOWER_0, FOLLOWER_1]) {
      const toy = new ToyEnv();
      const stats = new RecordEpisodeStatistics(toy);
      const env = new SingleAgentEnv(stats, agent, randomPolicies(toy));
      const rng = new Rng(2);
      env.reset({ seed: 4 });
      let total = 0;
      let steps = 0;
      for (;;) {
        const r = env.step(env.actionSpace.sample(rng));
        total += r.reward;
        steps++;
        if (r.terminated || r.truncated) {
          const episode = r.info.episode as EpisodeStatistics;
          expect(episode.return).toBe(total);
          expect(episode.length).toBe(agent === FOLLOWER_1 ? 6 : 10); // env steps live, both phases
          break;
        }
      }
      expect(steps).toBe(agent === FOLLOWER_1 ? 3 : 5);
      expect(env.unwrapped).toBe(toy);
      expect(env.env).toBe(stats);
    }
  });

  it('is deterministic for a seed, and the seed reaches the other agents', () => {
    const run = (seed: number) => {
      const toy = new ToyEnv();
      const env = new SingleAgentEnv(toy, FOLLOWER_1, randomPolicies(toy));
      const rng = new Rng(7);
      const out: unknown[] = [env.reset({ seed }).observation];
      for (let i = 0; i < 40; i++) {
        const r = env.step(env.actionSpace.sample(rng));
        out.push(r.observation, r.reward, r.terminated, r.truncated);
        if (r.terminated || r.truncated) out.push(env.reset().observation);
      }
      return out;
    };
    expect(firstDifference(run(11), run(11))).toBeNull();
    expect(firstDifference(run(11), run(12))).not.toBeNull();
  });

  it("seeds other agent i's Rng with new Rng(seed, OTHER_AGENT_STREAM + i) and calls its reset", () => {
    const draws: number[] = [];
    const resets: string[] = [];
    const leader: Agent = {
      name: 'spy',
      reset: (ctx: AgentContext) => resets.push(ctx.agent),
      act: (_obs, ctx) => {
        draws.push(ctx.rng.uniform());
        return 0;
      },
    };
    const env = new SingleAgentEnv(new ToyEnv(), FOLLOWER_0, { [LEADER]: leader, [FOLLOWER_1]: fixedFollowers[FOLLOWER_1] });
    env.reset({ seed: 21 });
    expect(draws).toEqual([new Rng(21, OTHER_AGENT_STREAM + 0).uniform()]);
    expect(resets).toEqual([LEADER]); // follower_1 is a plain function: nothing to reset
  });

  it('rejects a bad action with an ActionError naming the agent, and changes nothing', () => {
    const toy = new ToyEnv();
    const env = new SingleAgentEnv(toy, FOLLOWER_1, randomPolicies(toy));
    env.reset({ seed: 5 });
    const before = env.snapshot!();
    expect(() => env.step(Int32Array.of(2, 2))).toThrow(ActionError);
    expect(() => env.step(Int32Array.of(2, 2))).toThrow(/agent "follower_1": index 2 appears twice/);
    expect(env.snapshot!()).toEqual(before);
  });

  it('needs a policy for every other agent and a real agent to control', () => {
    expect(() => new SingleAgentEnv(new ToyEnv(), LEADER, { [FOLLOWER_0]: fixedFollowers[FOLLOWER_0] })).toThrow(
      'SingleAgentEnv: no policy given for agent "follower_1" of toy-leader-follower-v0',
    );
    expect(() => new SingleAgentEnv(new ToyEnv(), 'nobody', fixedFollowers)).toThrow(/"nobody" is not an agent/);
  });

  it('exposes the env spaces by identity and passes checkSingleAgentEnv for every agent', () => {
    for (const agent of [LEADER, FOLLOWER_0, FOLLOWER_1]) {
      const toy = new ToyEnv();
      const env = new SingleAgentEnv(toy, agent, randomPolicies(toy));
      expect(env.observationSpace).toBe(toy.observationSpace(agent));
      expect(env.actionSpace).toBe(toy.actionSpace(agent));
      const report = checkSingleAgentEnv(env);
      expect(failedChecks(report)).toEqual([]);
      expect(report.checks.filter((c) => c.skipped)).toEqual([]);
    }
  });
});

describe('RecordEpisodeStatistics', () => {
  /** Plays `episodes` episodes with sampled actions, summing each agent's rewards and live steps by hand. */
  function play(env: RecordEpisodeStatistics<ToyObservation, ToyAction, Record<string, never>>, episodes: number) {
    const rng = new Rng(3);
    const seen: { agent: string; stats: EpisodeStatistics; sum: number; steps: number }[] = [];
    for (let e = 0; e < episodes; e++) {
      env.reset(e === 0 ? { seed: 8 } : {});
      const sum: Record<string, number> = {};
      const steps: Record<string, number> = {};
      while (env.agents.length > 0) {
        const actions: Record<string, ToyAction> = {};
        for (const id of env.actingAgents) actions[id] = env.actionSpace(id).sample(rng);
        const r = env.step(actions);
        for (const [id, reward] of Object.entries(r.rewards)) {
          sum[id] = (sum[id] ?? 0) + reward;
          steps[id] = (steps[id] ?? 0) + 1;
          const done = r.terminations[id] || r.truncations[id];
          expect('episode' in r.infos[id]).toBe(done);
          if (done) seen.push({ agent: id, stats: r.infos[id].episode as EpisodeStatistics, sum: sum[id], steps: steps[id] });
        }
      }
    }
    return seen;
  }

  it("puts each agent's return and length into its info on its last step", () => {
    const env = new RecordEpisodeStatistics(new ToyEnv());
    const seen = play(env, 1);
    expect(seen.map((s) => s.agent)).toEqual([FOLLOWER_1, LEADER, FOLLOWER_0]);
    for (const s of seen) {
      expect(s.stats.return).toBe(s.sum);
      expect(s.stats.length).toBe(s.steps);
      expect(s.stats.time).toBeGreaterThanOrEqual(0);
    }
    expect(seen.map((s) => s.stats.length)).toEqual([6, 10, 10]);
  });

  it('keeps the last bufferLength returns and lengths per agent', () => {
    const env = new RecordEpisodeStatistics(new ToyEnv(), { bufferLength: 2 });
    const seen = play(env, 3);
    const returnsOf = (agent: string) => seen.filter((s) => s.agent === agent).map((s) => s.sum);
    for (const agent of [LEADER, FOLLOWER_0, FOLLOWER_1]) {
      expect(returnsOf(agent)).toHaveLength(3);
      expect(env.returnQueue[agent]).toEqual(returnsOf(agent).slice(1));
    }
    expect(env.lengthQueue[FOLLOWER_1]).toEqual([6, 6]);
    expect(() => new RecordEpisodeStatistics(new ToyEnv(), { bufferLength: 0 })).toThrow(/bufferLength must be a positive integer/);
  });

  it('forwards the env: spaces by identity, agents, snapshot with its own sums appended', () => {
    const toy = new ToyEnv();
    const env = new RecordEpisodeStatistics(toy);
    for (const id of toy.possibleAgents) {
      expect(env.observationSpace(id)).toBe(toy.observationSpace(id));
      expect(env.actionSpace(id)).toBe(toy.actionSpace(id));
    }
    env.reset({ seed: 1 });
    expect(env.actingAgents).toEqual([LEADER]);
    expect(env.unwrapped).toBe(toy);
    const snap = env.snapshot!();
    expect(snap.subarray(0, toy.snapshot().length)).toEqual(toy.snapshot());
    expect(snap.length).toBe(toy.snapshot().length + 3 * 2 * 8);
  });

  it('passes checkEnv', () => {
    const report = checkEnv(new RecordEpisodeStatistics(new ToyEnv()));
    expect(failedChecks(report)).toEqual([]);
    expect(report.checks.filter((c) => c.skipped)).toEqual([]);
  });
});
