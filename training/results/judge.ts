import type { Comparison } from '../evaluation/paired.js';

/** "−0.0271 ± 0.0045" for a paired difference. */
export function delta(c: Comparison, digits = 4): string {
  const m = c.difference.mean;
  return `${m < 0 ? '−' : '+'}${Math.abs(m).toFixed(digits)} ± ${c.difference.ci95.toFixed(digits)}`;
}

/** "0.3012 ± 0.0061". */
export function meanCi(s: { mean: number; ci95: number }, digits = 4): string {
  return `${s.mean.toFixed(digits)} ± ${s.ci95.toFixed(digits)}`;
}

/** "2/3 seeds" style count. */
export function seedsReached(flags: readonly boolean[]): string {
  return `${flags.filter(Boolean).length}/${flags.length} seeds`;
}

/** The upper (or lower) end of a paired difference's 95% CI. */
export function upper(c: Comparison): number {
  return c.difference.mean + c.difference.ci95;
}

export function lower(c: Comparison): number {
  return c.difference.mean - c.difference.ci95;
}
