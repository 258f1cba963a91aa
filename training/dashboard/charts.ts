/**
 * The dashboard's charts: which metric of which event goes in which chart, as the page's client
 * script draws them (page.ts keeps the two in step: ids, titles and series labels); and the
 * report's figures (`runFigures`): small multiples in the game's own words, for PNG and SVG.
 */
import type { TrainEvent } from '../metrics/events.js';
import { metricLabel, summaryMetrics, type MetricWords } from '../profiles/metric-words.js';
import type { Figure, Panel } from './figure.js';

/** The chart ids, in the order of the page: the `data-chart` attribute of each container. */
export const CHART_IDS = ['regret', 'visibility', 'losses', 'kl-entropy', 'exploitability'] as const;
export type ChartId = (typeof CHART_IDS)[number];

export const CHART_TITLES: Record<ChartId, string> = {
  regret: 'regret & welfare',
  visibility: 'visibility & cost',
  losses: 'losses (per policy)',
  'kl-entropy': 'KL & entropy (per policy)',
  exploitability: 'exploitability estimates',
};

/** Episode metrics of the "regret" and "visibility" charts. */
export const EPISODE_METRICS: Record<'regret' | 'visibility', readonly string[]> = {
  regret: ['meanRegret', 'welfare'],
  visibility: ['goalReward', 'meanGenerationCost', 'honesty'],
};

/** Update statistics of the per-policy charts. */
export const UPDATE_METRICS: Record<'losses' | 'kl-entropy', readonly string[]> = {
  losses: ['policyLoss', 'valueLoss'],
  'kl-entropy': ['approxKl', 'entropy'],
};

export interface Series {
  label: string;
  x: number[];
  y: number[];
}

/** The figures of a run's report, by file name: its round metrics, its policies' updates, its evaluations. */
export const FIGURE_IDS = ['round-metrics', 'updates', 'evaluations'] as const;
export type FigureId = (typeof FIGURE_IDS)[number];

const UPDATE_PANELS: readonly (readonly [string, string])[] = [
  ['policyLoss', 'policy loss'],
  ['valueLoss', 'value loss'],
  ['entropy', 'entropy'],
  ['approxKl', 'approx. KL to the policy before the update'],
];

/**
 * A run's figures as small multiples, in the game's words (its descriptor's): one panel per
 * round metric (its record-only ones left out), per update statistic (a series per policy)
 * and per evaluation figure.
 */
export function runFigures(events: readonly TrainEvent[], envId: string | undefined, words: MetricWords = {}): { id: FigureId; figure: Figure }[] {
  const panels = new Map<string, Map<string, Series>>(); // key → series label → points
  const titles = new Map<string, string>();
  const put = (key: string, title: string, label: string, x: number, y: unknown) => {
    if (typeof y !== 'number') return;
    let byLabel = panels.get(key);
    if (!byLabel) panels.set(key, (byLabel = new Map()));
    titles.set(key, title);
    let s = byLabel.get(label);
    if (!s) byLabel.set(label, (s = { label, x: [], y: [] }));
    s.x.push(x);
    s.y.push(y);
  };
  const shown = new Set<string>();
  for (const e of events) {
    if (e.kind === 'episode') {
      for (const k of summaryMetrics(words, Object.keys(e.metrics))) {
        shown.add(k);
        put(`round:${k}`, metricLabel(words, k), k, e.step, e.metrics[k]);
      }
    } else if (e.kind === 'update') {
      for (const [k, title] of UPDATE_PANELS) put(`update:${k}`, title, e.policy, e.step, (e as unknown as Record<string, unknown>)[k]);
    } else if (e.kind === 'evaluation') {
      for (const [k, v] of Object.entries(e.metrics)) put(`evaluation:${e.label}:${k}`, `${e.label}: ${metricLabel(words, k)}`, e.label, e.step, v);
    }
  }
  const group = (prefix: string): Panel[] =>
    [...panels.entries()].filter(([k]) => k.startsWith(prefix)).map(([k, byLabel]) => ({ title: titles.get(k)!, series: [...byLabel.values()] }));
  const env = envId ?? 'run';
  return [
    { id: 'round-metrics', figure: { title: `${env}: round metrics (mean per round, each iteration)`, xLabel: 'env steps', panels: group('round:') } },
    { id: 'updates', figure: { title: `${env}: policy updates (each iteration, per policy)`, xLabel: 'env steps', panels: group('update:') } },
    { id: 'evaluations', figure: { title: `${env}: evaluations`, xLabel: 'env steps', panels: group('evaluation:') } },
  ];
}
