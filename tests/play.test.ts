import { describe, expect, it } from 'vitest';
import { RandomAgent, type Agent, type AgentContext } from '../agents/index.js';
import { ExaggeratingGoal, GreedyUser, HonestGoal, OracleUser, SoftmaxUser } from '../games/index.js';
import { Discrete } from '../envs/core/spaces/index.js';
import type { AgentId, ParallelEnv, ResetArgs, StepResult } from '../envs/core/env.js';
import { Rng } from '../envs/core/rng.js';
import { make } from '../envs/registry.js';
import { marketEpisode, marketReport } from '../games/attention-market/report.js';
import { AGENT_STREAM, playEpisodes, roleOf, type EpisodeSummary } from '../training/play.js';
import { studentTCdf, studentTQuantile, summarise } from '../training/stats.js';

const ID = 'attention-market-v0';
const small = { dim: 4, users: 2, goals: 3, creationsPerGoal: 2, slots: 2, rounds: 6 };

describe('Student t quantiles', () => {
  // Two-sided 95% (p = 0.975) and 99% (p = 0.995) critical values from the standard tables.
  const table: [number, number, number][] = [
    [1, 12.706, 63.657],
    [2, 4.303, 9.925],
    [3, 3.182, 5.841],
    [4, 2.776, 4.604],
    [5, 2.571, 4.032],
    [9, 2.262, 3.25],
    [10, 2.228, 3.169],
    [19, 2.093, 2.861],
    [29, 2.045, 2.756],
    [60, 2.0, 2.66],
    [120, 1.98, 2.617],
    [Infinity, 1.96, 2.576],
  ];
  it.each(table)('df = %s', (df, t975, t995) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(t975, 2);
    expect(studentTQuantile(0.995, df)).toBeCloseTo(t995, 2);
  });

  it('matches exact closed forms: df = 1 (Cauchy) and df = 2', () => {
    for (const p of [0.6, 0.9, 0.975, 0.999]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 9);
      const a = 4 * p * (1 - p);
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) * Math.sqrt(2 / a), 9);
    }
  });

  it('is the inverse of the CDF, symmetric, and rejects bad arguments', () => {
    for (const df of [1, 3, 7.5, 30, 500]) {
      for (const p of [0.01, 0.3, 0.5, 0.8, 0.975]) expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 10);
      expect(studentTQuantile(0.025, df)).toBeCloseTo(-studentTQuantile(0.975, df), 12);
    }
    expect(studentTQuantile(0.5, 4)).toBe(0);
    expect(() => studentTQuantile(1, 4)).toThrow(/p must be in/);
    expect(() => studentTQuantile(0.5, 0)).toThrow(/df must be > 0/);
  });
});

describe('summarise', () => {
  it('gives the mean and the t half-width t_{0.975, n-1} s / sqrt(n)', () => {
    const s = summarise([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(s.n).toBe(10);
    expect(s.mean).toBe(5.5);
    const sd = Math.sqrt(82.5 / 9);
    expect(s.ci95).toBeCloseTo((2.2621571628 * sd) / Math.sqrt(10), 8);
  });

  it('handles constant, single and empty samples', () => {
    expect(summarise([0, 0, 0])).toEqual({ mean: 0, ci95: 0, n: 3 });
    const one = summarise([2]);
    expect(one.mean).toBe(2);
    expect(one.ci95).toBeNaN();
    expect(summarise([]).n).toBe(0);
    expect(summarise(new Float64Array([1, 3])).mean).toBe(2);
  });

  it('covers the true mean about 95% of the time (normal samples of 5)', () => {
    const rng = new Rng(7, 0);
    const trials = 4000;
    let covered = 0;
    const x = new Float64Array(5);
    for (let t = 0; t < trials; t++) {
      rng.fillNormal(x, 0, 5, 3, 2);
      const s = summarise(x);
      if (Math.abs(s.mean - 3) <= s.ci95) covered++;
    }
    // 95% ± 4 binomial standard errors (0.0034 each).
    expect(covered / trials).toBeGreaterThan(0.936);
    expect(covered / trials).toBeLessThan(0.964);
  });
});

describe('playEpisodes', () => {
  const baselines = { goal: new ExaggeratingGoal(), user: new SoftmaxUser() };

  it('plays whole episodes and reports rounds, returns, metrics and per-agent infos', () => {
    const run = playEpisodes(ID, { agents: baselines, episodes: 3, seed: 5, options: small });
    expect(run.envId).toBe(ID);
    expect(run.episodes.map((e) => e.seed)).toEqual([5, 6, 7]);
    expect(run.agentNames.goal_0).toBe('exaggerate(0.5)');
    for (const ep of run.episodes) {
      expect(ep.rounds).toBe(6);
      expect(ep.steps).toBe(12);
      expect(Object.keys(ep.returns).sort()).toEqual(['goal_0', 'goal_1', 'goal_2', 'user_0', 'user_1']);
      for (const k of ['meanRegret', 'meanNormalizedRegret', 'welfare', 'meanGenerationCost', 'honesty', 'estimateError']) {
        expect(Number.isFinite(ep.metrics[k])).toBe(true);
        expect(Number.isFinite(ep.finalMetrics[k])).toBe(true);
      }
      // A user's return is minus its total regret; shares of all slots sum to 1.
      for (const u of ['user_0', 'user_1']) expect(ep.returns[u]).toBeCloseTo(-ep.agentInfos[u].regret * ep.rounds, 9);
      const m = marketEpisode(ep);
      const shares = Object.values(m.visibilityShare);
      expect(shares).toHaveLength(3);
      expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      // The round metric is the mean over users of the per-user info.
      expect(m.meanRegret).toBeCloseTo((ep.agentInfos.user_0.regret + ep.agentInfos.user_1.regret) / 2, 12);
    }
  });

  it('is deterministic, and adding episodes leaves the earlier ones unchanged', () => {
    const run = (episodes: number) => playEpisodes(ID, { agents: (_id, role) => (role === 'goal' ? new RandomAgent() : new SoftmaxUser()), episodes, seed: 11, options: small }).episodes;
    const three = run(3);
    expect(run(3)).toEqual(three);
    expect(run(5).slice(0, 3)).toEqual(three);
    const other = playEpisodes(ID, { agents: (_id, role) => (role === 'goal' ? new RandomAgent() : new SoftmaxUser()), episodes: 3, seed: 12, options: small }).episodes;
    expect(other[0].metrics).not.toEqual(three[0].metrics);
    expect(other[0].metrics).toEqual(three[1].metrics); // seed 12 + 0 = seed 11 + 1
  });

  it('gives honest goals and oracle users zero regret, exactly, in every round', () => {
    const run = playEpisodes(ID, { agents: { goal: new HonestGoal(), user: new OracleUser() }, episodes: 4, seed: 0 });
    for (const ep of run.episodes) {
      expect(ep.metrics.meanRegret).toBe(0);
      expect(ep.finalMetrics.meanRegret).toBe(0);
      expect(ep.metrics.meanNormalizedRegret).toBe(0);
      expect(ep.metrics.honesty).toBe(0);
    }
    const r = marketReport(run);
    expect(r.meanRegret).toEqual({ mean: 0, ci95: 0, n: 4 });
  });

  it('calls reset(ctx) before the first act of every episode, with per-agent seeded streams', () => {
    const events: string[] = [];
    const firstDraws = new Map<string, number>();
    class Spy implements Agent {
      readonly name = 'spy';
      private inner: Agent;
      constructor(readonly id: AgentId) {
        this.inner = roleOf(id) === 'goal' ? new HonestGoal() : new GreedyUser();
      }
      reset(ctx: AgentContext): void {
        expect(ctx.agent).toBe(this.id);
        events.push(`reset ${ctx.agent}`);
        firstDraws.set(`${ctx.agent}`, ctx.rng.nextUint32());
      }
      act(obs: unknown, ctx: AgentContext): unknown {
        expect(ctx.agent).toBe(this.id);
        expect(ctx.env.id).toBe(ID);
        events.push(`act ${ctx.agent}`);
        return this.inner.act(obs, ctx);
      }
    }
    const env = make(ID, { ...small, rounds: 1 });
    playEpisodes(env, { agents: (id) => new Spy(id), episodes: 2, seed: 40 });
    const ids = env.possibleAgents;
    const oneEpisode = [...ids.map((id) => `reset ${id}`), ...ids.filter((id) => id.startsWith('goal')).map((id) => `act ${id}`), ...ids.filter((id) => id.startsWith('user')).map((id) => `act ${id}`)];
    expect(events).toEqual([...oneEpisode, ...oneEpisode]);
    // The second episode's streams: new Rng(seed + 1, AGENT_STREAM + index).
    ids.forEach((id, i) => expect(firstDraws.get(id)).toBe(new Rng(41, AGENT_STREAM + i).nextUint32()));
    // A given env is not closed by the runner.
    expect(() => env.reset({ seed: 1 })).not.toThrow();
  });

  it('takes agents by role, by agent id (which wins), or from a factory; plain functions too', () => {
    const env = make(ID, small);
    const run = playEpisodes(env, {
      agents: { goal: new HonestGoal(), goal_2: new ExaggeratingGoal(), user: (obs: unknown, ctx: AgentContext) => new GreedyUser().act(obs as never, ctx) },
      episodes: 1,
    });
    expect(run.agentNames).toMatchObject({ goal_0: 'honest', goal_1: 'honest', goal_2: 'exaggerate(0.5)', user_0: 'user' });
    expect(run.episodes[0].agentInfos.goal_0.honesty).toBe(0);
    expect(run.episodes[0].agentInfos.goal_2.honesty).toBeGreaterThan(0);
    expect(() => playEpisodes(env, { agents: { goal: new HonestGoal() }, episodes: 1 })).toThrow(/no agent for "user_0".*role "user"/);
  });

  it('rejects bad arguments with clear errors', () => {
    const agents = { goal: new HonestGoal(), user: new GreedyUser() };
    expect(() => playEpisodes(ID, { agents, episodes: 0 })).toThrow(/episodes must be a positive integer/);
    expect(() => playEpisodes(ID, { agents, episodes: 1.5 })).toThrow(/episodes must be a positive integer/);
    expect(() => playEpisodes(ID, { agents, episodes: 1, seed: -1 })).toThrow(/seed/);
    expect(() => playEpisodes(ID, { agents, episodes: 1, options: { dim: 0 } })).toThrow(/option "dim"/);
  });

  it('treats every step as a round for an env that reports no round metrics', () => {
    // A one-agent counting game: reward 1 per step, info { step }, three steps an episode.
    class Counter implements ParallelEnv<number, number> {
      readonly id = 'counter-v0';
      readonly metadata = { description: 'counts', phases: ['only'] };
      readonly possibleAgents = ['a_0'];
      agents: readonly string[] = [];
      get actingAgents() {
        return this.agents;
      }
      private t = 0;
      private readonly space = new Discrete(2);
      observationSpace() {
        return this.space;
      }
      actionSpace() {
        return this.space;
      }
      reset(_args?: ResetArgs) {
        this.t = 0;
        this.agents = this.possibleAgents;
        return { observations: { a_0: 0 }, infos: { a_0: {} } };
      }
      step(): StepResult<number> {
        this.t++;
        const done = this.t >= 3;
        const out = { observations: { a_0: 0 }, rewards: { a_0: 1 }, terminations: { a_0: done }, truncations: { a_0: false }, infos: { a_0: { step: this.t, phase: 'only' } } };
        if (done) this.agents = [];
        return out;
      }
      close() {}
    }
    const run = playEpisodes(new Counter(), { agents: { a: () => 0 }, episodes: 2 });
    const ep: EpisodeSummary = run.episodes[1];
    expect(ep).toMatchObject({ steps: 3, rounds: 3, returns: { a_0: 3 }, metrics: {}, agentInfos: { a_0: { step: 2 } } });
  });
});

describe('marketReport', () => {
  it('summarises over episodes, overall and per group of goals and users', () => {
    const agents = (id: AgentId) => (id === 'goal_0' || id === 'goal_1' ? new ExaggeratingGoal() : roleOf(id) === 'goal' ? new HonestGoal() : id === 'user_0' ? new OracleUser() : new GreedyUser());
    const run = playEpisodes(ID, { agents, episodes: 5, seed: 2, options: { ...small, goals: 4 } });
    const r = marketReport(run, { goals: { exaggerate: ['goal_0', 'goal_1'], honest: ['goal_2', 'goal_3'] }, users: { oracle: ['user_0'], greedy: ['user_1'] } });
    expect(r.episodes).toBe(5);
    expect(r.meanRegret.n).toBe(5);
    expect(r.goals.exaggerate.visibilityShare.mean + r.goals.honest.visibilityShare.mean).toBeCloseTo(1, 12);
    expect(r.goals.honest.honesty).toEqual({ mean: 0, ci95: 0, n: 5 });
    expect(r.goals.honest.generationCost.mean).toBe(0);
    expect(r.goals.exaggerate.honesty.mean).toBeGreaterThan(0);
    expect(r.meanRegret.mean).toBeCloseTo((r.users.oracle.regret.mean + r.users.greedy.regret.mean) / 2, 12);
    expect(r.topGoalVisibilityShare.mean).toBeGreaterThanOrEqual(0.25);
    // Default groups: every goal, every user.
    const d = marketReport(run.episodes);
    expect(d.goals.goal.count).toBe(4);
    expect(d.goals.goal.visibilityShare.mean).toBeCloseTo(1, 12);
    expect(d.users.user.regret.mean).toBeCloseTo(r.meanRegret.mean, 12);
    expect(() => marketReport([])).toThrow(/no episodes/);
  });
});
