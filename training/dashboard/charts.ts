/**
 * The dashboard's charts: which metric of which event goes in which chart. Shared by the
 * PNG export (`chartSeries`) and, as the same rules written in the page's client script,
 * by the browser (page.ts keeps the two in step: ids, titles and series labels).
 */
import type { TrainEvent } from '../metrics/events.js';

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

export interface Chart {
  id: ChartId;
  title: string;
  series: Series[];
}

/**
 * Which chart and series label an event's value belongs to: calls `add(chart, label, x, y)`
 * for every finite value. `run` prefixes the label when several runs are shown.
 */
export function eventPoints(event: TrainEvent, run: string | null, add: (chart: ChartId, label: string, x: number, y: number) => void): void {
  const pre = run === null ? '' : `${run} `;
  const put = (chart: ChartId, label: string, y: unknown) => {
    if (typeof y === 'number' && Number.isFinite(y) && Number.isFinite(event.step)) add(chart, pre + label, event.step, y);
  };
  if (event.kind === 'episode') {
    for (const id of ['regret', 'visibility'] as const) for (const k of EPISODE_METRICS[id]) put(id, k, event.metrics[k]);
  } else if (event.kind === 'update') {
    for (const id of ['losses', 'kl-entropy'] as const) for (const k of UPDATE_METRICS[id]) put(id, `${event.policy} ${k}`, (event as unknown as Record<string, unknown>)[k]);
  } else if (event.kind === 'evaluation') {
    for (const [k, v] of Object.entries(event.metrics)) put('exploitability', `${event.label}: ${k}`, v);
  }
}

/** Every chart of the given runs' events (series prefixed by the run name when there are several runs). */
export function chartSeries(runs: readonly { name: string; events: readonly TrainEvent[] }[]): Chart[] {
  const charts = new Map<ChartId, Map<string, Series>>(CHART_IDS.map((id) => [id, new Map()]));
  for (const run of runs) {
    const prefix = runs.length > 1 ? run.name : null;
    for (const e of run.events) {
      eventPoints(e, prefix, (chart, label, x, y) => {
        const m = charts.get(chart)!;
        let s = m.get(label);
        if (!s) m.set(label, (s = { label, x: [], y: [] }));
        s.x.push(x);
        s.y.push(y);
      });
    }
  }
  return CHART_IDS.map((id) => ({ id, title: CHART_TITLES[id], series: [...charts.get(id)!.values()] }));
}
