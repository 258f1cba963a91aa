/**
 * Words for a game's round metrics (light: no TensorFlow.js, so that report and the charts
 * can use them): labels for summaries and chart titles, and the metrics that record what
 * happened in a round rather than measure it (left out of summaries and charts). Each game
 * gives its own (games/<game>/words.ts, in its descriptor).
 */

export interface MetricWords {
  /** Words for metric names in summaries and charts. */
  readonly metricLabels?: Readonly<Record<string, string>>;
  /**
   * Round metrics that record what happened in a round (a user type, an index, a flag) rather
   * than measure it: their mean says nothing, so summaries and charts leave them out (the
   * metric files keep them).
   */
  readonly recordOnly?: readonly string[];
  /** The game's headline figures: the round metrics its tables show (play, eval) and train's summary asks about. */
  readonly headline?: readonly string[];
  /** Which way is better for its round metrics (headline ones at least): higher or lower. */
  readonly better?: Readonly<Record<string, 'higher' | 'lower'>>;
}

/**
 * Words for a metric: the game's label, "<side> reward per agent per round" for a side's
 * reward, else the camelCase name in words ("excessDemand" → "excess demand").
 */
export function metricLabel(words: MetricWords, key: string): string {
  const label = words.metricLabels?.[key];
  if (label !== undefined) return label;
  const reward = /^(.+)Reward$/.exec(key);
  const spaced = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/\b([A-Z])([a-z]+)/g, (_, a: string, b: string) => a.toLowerCase() + b);
  if (reward) return `${spaced(reward[1]).replace(/ /g, '-')} reward per agent per round`;
  return spaced(key);
}

/** The metrics worth a summary row or a chart, in their order: all but the record-only ones. */
export function summaryMetrics(words: MetricWords, keys: Iterable<string>): string[] {
  const hidden = new Set(words.recordOnly ?? []);
  return [...keys].filter((k) => !hidden.has(k));
}
