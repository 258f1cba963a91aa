/**
 * attention-market-v0's metrics over a run of episodes (GAMES.md §1, "Metrics reported
 * every round"), each as a mean over episodes with a Student-t 95% confidence half-width.
 * Within an episode every metric is first averaged over its rounds.
 */
import type { AgentId } from '../../envs/core/env.js';
import type { EpisodeSummary, PlayResult } from '../../training/play.js';
import { roleOf } from '../../training/play.js';
import { summarise, type Stat } from '../../training/stats.js';

/** One episode of the attention market, in the game's words. */
export interface MarketEpisode {
  /** Regret per user per round, R_{j,t} averaged over users and rounds. */
  readonly meanRegret: number;
  /** Normalised regret (0: a best set, 1: a worst one), averaged over users and rounds. */
  readonly meanNormalizedRegret: number;
  /** User welfare per round: Σ over users of Σ true relevance over their selections. */
  readonly welfare: number;
  /** Generation cost λ‖e − g‖² summed over a goal's creations (+ c₀·M), per goal per round. */
  readonly generationCost: number;
  /** ‖e − g‖ per creation, averaged over creations and rounds (0: honest). */
  readonly honesty: number;
  /** ‖q/‖q‖ − θ‖ averaged over users and rounds. */
  readonly estimateError: number;
  /** ‖q/‖q‖ − θ‖ after the last round, averaged over users. */
  readonly finalEstimateError: number;
  /** Each goal's share of all slots, averaged over rounds (the shares sum to 1). */
  readonly visibilityShare: Readonly<Record<AgentId, number>>;
  /** Each agent's episode return. */
  readonly returns: Readonly<Record<AgentId, number>>;
}

function metric(ep: EpisodeSummary, name: string, final = false): number {
  const v = (final ? ep.finalMetrics : ep.metrics)[name];
  if (typeof v !== 'number') throw new TypeError(`episode ${ep.episode} has no round metric "${name}": is this attention-market-v0?`);
  return v;
}

export function marketEpisode(ep: EpisodeSummary): MarketEpisode {
  const visibilityShare: Record<AgentId, number> = {};
  for (const [id, info] of Object.entries(ep.agentInfos)) if (typeof info.visibilityShare === 'number') visibilityShare[id] = info.visibilityShare;
  return {
    meanRegret: metric(ep, 'meanRegret'),
    meanNormalizedRegret: metric(ep, 'meanNormalizedRegret'),
    welfare: metric(ep, 'welfare'),
    generationCost: metric(ep, 'meanGenerationCost'),
    honesty: metric(ep, 'honesty'),
    estimateError: metric(ep, 'estimateError'),
    finalEstimateError: metric(ep, 'estimateError', true),
    visibilityShare,
    returns: ep.returns,
  };
}

/** A group of goals playing the same strategy: their total share, and per-goal means. */
export interface GoalGroupReport {
  readonly count: number;
  /** The group's total share of all slots (its fair share is count / goals). */
  readonly visibilityShare: Stat;
  /** Per goal of the group, per round. */
  readonly generationCost: Stat;
  readonly honesty: Stat;
  /** Episode return, averaged over the group's goals. */
  readonly return: Stat;
}

/** A group of users playing the same strategy, per user of the group. */
export interface UserGroupReport {
  readonly count: number;
  /** Per user per round. */
  readonly regret: Stat;
  readonly normalizedRegret: Stat;
  /** Σ true relevance of its selections, per user per round. */
  readonly welfare: Stat;
  /** ‖q/‖q‖ − θ‖ averaged over rounds. */
  readonly estimateError: Stat;
  /** Episode return (= −Σ regret), averaged over the group's users. */
  readonly return: Stat;
}

export interface MarketReport {
  readonly episodes: number;
  readonly meanRegret: Stat;
  readonly meanNormalizedRegret: Stat;
  readonly welfare: Stat;
  readonly generationCost: Stat;
  readonly honesty: Stat;
  readonly estimateError: Stat;
  readonly finalEstimateError: Stat;
  /** The largest single goal's visibility share in each episode (fair share: 1 / goals). */
  readonly topGoalVisibilityShare: Stat;
  readonly goals: Readonly<Record<string, GoalGroupReport>>;
  readonly users: Readonly<Record<string, UserGroupReport>>;
}

export interface MarketGroups {
  /** Goal ids by group name (default: one group "goal" of every goal). */
  goals?: Readonly<Record<string, readonly AgentId[]>>;
  /** User ids by group name (default: one group "user" of every user). */
  users?: Readonly<Record<string, readonly AgentId[]>>;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The run's metrics with 95% CIs over episodes, overall and per group of goals and users. */
export function marketReport(run: PlayResult | readonly EpisodeSummary[], groups: MarketGroups = {}): MarketReport {
  const eps = 'episodes' in run ? run.episodes : run;
  if (eps.length === 0) throw new RangeError('marketReport: no episodes');
  const market = eps.map(marketEpisode);
  const ids = Object.keys(eps[0].agentInfos);
  const goalGroups = groups.goals ?? { goal: ids.filter((id) => roleOf(id) === 'goal') };
  const userGroups = groups.users ?? { user: ids.filter((id) => roleOf(id) === 'user') };
  const stat = (f: (m: MarketEpisode, e: EpisodeSummary) => number) => summarise(market.map((m, i) => f(m, eps[i])));
  const info = (e: EpisodeSummary, id: AgentId, name: string) => {
    const v = e.agentInfos[id]?.[name];
    if (typeof v !== 'number') throw new TypeError(`agent "${id}" has no info "${name}"`);
    return v;
  };

  const goals: Record<string, GoalGroupReport> = {};
  for (const [name, members] of Object.entries(goalGroups)) {
    if (members.length === 0) continue;
    goals[name] = {
      count: members.length,
      visibilityShare: stat((m) => members.reduce((s, id) => s + (m.visibilityShare[id] ?? 0), 0)),
      generationCost: stat((_, e) => mean(members.map((id) => info(e, id, 'generationCost')))),
      honesty: stat((_, e) => mean(members.map((id) => info(e, id, 'honesty')))),
      return: stat((m) => mean(members.map((id) => m.returns[id]))),
    };
  }
  const users: Record<string, UserGroupReport> = {};
  for (const [name, members] of Object.entries(userGroups)) {
    if (members.length === 0) continue;
    users[name] = {
      count: members.length,
      regret: stat((_, e) => mean(members.map((id) => info(e, id, 'regret')))),
      normalizedRegret: stat((_, e) => mean(members.map((id) => info(e, id, 'normalizedRegret')))),
      welfare: stat((_, e) => mean(members.map((id) => info(e, id, 'welfare')))),
      estimateError: stat((_, e) => mean(members.map((id) => info(e, id, 'estimateError')))),
      return: stat((m) => mean(members.map((id) => m.returns[id]))),
    };
  }

  return {
    episodes: eps.length,
    meanRegret: stat((m) => m.meanRegret),
    meanNormalizedRegret: stat((m) => m.meanNormalizedRegret),
    welfare: stat((m) => m.welfare),
    generationCost: stat((m) => m.generationCost),
    honesty: stat((m) => m.honesty),
    estimateError: stat((m) => m.estimateError),
    finalEstimateError: stat((m) => m.finalEstimateError),
    topGoalVisibilityShare: stat((m) => Math.max(...Object.values(m.visibilityShare))),
    goals,
    users,
  };
}
