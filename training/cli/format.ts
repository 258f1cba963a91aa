/** Plain-text tables and numbers for the CLI. */
import type { Stat } from '../stats.js';

/** Columns padded to their widest cell; `right[i]` right-aligns column i. */
export function table(rows: readonly (readonly string[])[], right: readonly boolean[] = []): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows.map((r) =>
    r
      .map((c, i) => {
        const pad = widths[i] - [...c].length;
        return right[i] ? ' '.repeat(pad) + c : i === r.length - 1 ? c : c + ' '.repeat(pad);
      })
      .join('  ')
      .trimEnd(),
  );
}

/** A number with 4 decimals (−0 shown as 0); NaN as "n/a". */
export function num(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** "± 0.0123" (or "± n/a" with one episode). */
export function ci(s: Stat, digits = 4): string {
  return `± ${num(s.ci95, digits)}`;
}

/** A Stat for JSON: NaN becomes null. */
export function statJson(s: Stat): { mean: number | null; ci95: number | null; n: number } {
  const f = (x: number) => (Number.isFinite(x) ? x : null);
  return { mean: f(s.mean), ci95: f(s.ci95), n: s.n };
}
