import { summarise, type Stat } from '../stats.js';

/** How a candidate compares with a reference on the same worlds, 95% CI of the paired difference. */
export type Verdict = 'better' | 'worse' | 'tie';

/** A paired comparison: both means, the per-world difference (candidate − reference) and the verdict. */
export interface Comparison {
  candidate: Stat;
  reference: Stat;
  /** Mean of candidate − reference over the worlds, with its 95% Student-t half-width. */
  difference: Stat;
  higherIsBetter: boolean;
  verdict: Verdict;
}

/** The mean of a − b over paired samples (the same worlds), with its 95% CI. */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>): Stat {
  if (a.length !== b.length) throw new RangeError(`pairedDifference: ${a.length} and ${b.length} samples are not pairs`);
  return summarise(Float64Array.from({ length: a.length }, (_, i) => a[i] - b[i]));
}

/** better / worse when the difference's 95% CI excludes 0 in that direction, else tie. */
export function verdictOf(difference: Stat, higherIsBetter: boolean): Verdict {
  const lo = difference.mean - difference.ci95;
  const hi = difference.mean + difference.ci95;
  if (!(difference.n >= 2) || Number.isNaN(difference.ci95)) return 'tie';
  if (lo > 0) return higherIsBetter ? 'better' : 'worse';
  if (hi < 0) return higherIsBetter ? 'worse' : 'better';
  return 'tie';
}

export function compare(candidate: ArrayLike<number>, reference: ArrayLike<number>, higherIsBetter: boolean): Comparison {
  const difference = pairedDifference(candidate, reference);
  return { candidate: summarise(candidate), reference: summarise(reference), difference, higherIsBetter, verdict: verdictOf(difference, higherIsBetter) };
}

/** "better (lower is better; Δ −0.021 ± 0.004, 95% CI)". */
export function describeComparison(c: Comparison, digits = 4): string {
  const sign = c.difference.mean >= 0 ? '+' : '−';
  return `${c.verdict} (${c.higherIsBetter ? 'higher' : 'lower'} is better; Δ ${sign}${Math.abs(c.difference.mean).toFixed(digits)} ± ${c.difference.ci95.toFixed(digits)}, 95% CI, ${c.difference.n} paired worlds)`;
}
