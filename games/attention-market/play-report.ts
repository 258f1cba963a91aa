/**
 * The attention market's report of a `play` run: its GAMES.md §1 figures, overall and per
 * type of goal and user (a mix like exaggerate:4,honest:4 gets a row per type).
 */
import type { PlayGroup, PlayReporter, PlayReportRow } from '../../training/game/descriptor.js';
import { statJson, type Stat } from '../../training/stats.js';
import type { AttentionMarketOptions } from './options.js';
import { marketReport } from './report.js';

export const attentionMarketPlayReport: PlayReporter<AttentionMarketOptions> = (run, groups) => {
  const goals = groups.goal ?? [];
  const users = groups.user ?? [];
  const byType = (gs: readonly PlayGroup[]) => Object.fromEntries(gs.map((g) => [g.type, g.ids]));
  const r = marketReport(run, { goals: byType(goals), users: byType(users) });
  const G = goals.reduce((s, g) => s + g.ids.length, 0);
  const fair = (n: number) => (n / G).toFixed(3);
  const rows: PlayReportRow[] = [];
  const row = (label: string, stat: Stat) => rows.push({ label, stat });
  row('user regret per round (mean over users)', r.meanRegret);
  if (users.length > 1) for (const u of users) row(`  ${u.type} users (${u.ids.length})${u.cheats ? ' [cheating reference]' : ''}`, r.users[u.type].regret);
  row('normalised regret (0 best set, 1 worst)', r.meanNormalizedRegret);
  if (users.length > 1) for (const u of users) row(`  ${u.type} users (${u.ids.length})`, r.users[u.type].normalizedRegret);
  row('user welfare per round (sum of true relevance)', r.welfare);
  row(`visibility share of the most-visible goal (fair ${fair(1)})`, r.topGoalVisibilityShare);
  if (goals.length > 1) for (const g of goals) row(`visibility share of ${g.type} goals (${g.ids.length}, fair ${fair(g.ids.length)})`, r.goals[g.type].visibilityShare);
  row('generation cost per goal per round', r.generationCost);
  if (goals.length > 1) for (const g of goals) row(`  ${g.type} goals`, r.goals[g.type].generationCost);
  row('honesty: |e - g| per creation (0 = honest)', r.honesty);
  if (goals.length > 1) for (const g of goals) row(`  ${g.type} goals`, r.goals[g.type].honesty);
  row('estimate error |q/|q| - theta|, mean over rounds', r.estimateError);
  row('estimate error after the last round', r.finalEstimateError);
  for (const g of goals) row(`goal return per episode (${g.type}, per goal)`, r.goals[g.type].return);
  for (const u of users) row(`user return per episode (${u.type}, per user)`, r.users[u.type].return);
  const json = {
    market: {
      meanRegret: statJson(r.meanRegret),
      meanNormalizedRegret: statJson(r.meanNormalizedRegret),
      welfare: statJson(r.welfare),
      topGoalVisibilityShare: statJson(r.topGoalVisibilityShare),
      generationCost: statJson(r.generationCost),
      honesty: statJson(r.honesty),
      estimateError: statJson(r.estimateError),
      finalEstimateError: statJson(r.finalEstimateError),
    },
    byGoalType: Object.fromEntries(
      Object.entries(r.goals).map(([t, g]) => [
        t,
        { count: g.count, fairShare: g.count / G, visibilityShare: statJson(g.visibilityShare), generationCost: statJson(g.generationCost), honesty: statJson(g.honesty), return: statJson(g.return) },
      ]),
    ),
    byUserType: Object.fromEntries(
      Object.entries(r.users).map(([t, u]) => [
        t,
        { count: u.count, regret: statJson(u.regret), normalizedRegret: statJson(u.normalizedRegret), welfare: statJson(u.welfare), estimateError: statJson(u.estimateError), return: statJson(u.return) },
      ]),
    ),
  };
  return { rows, json };
};

/** The fields the attention market adds to `play --json`. */
export type AttentionMarketPlayJson = ReturnType<typeof attentionMarketPlayReport>['json'] & {
  readonly market: Record<string, ReturnType<typeof statJson>>;
  readonly byGoalType: Record<string, Record<string, ReturnType<typeof statJson> | number>>;
  readonly byUserType: Record<string, Record<string, ReturnType<typeof statJson> | number>>;
};
