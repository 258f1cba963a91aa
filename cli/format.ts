/** Plain-text tables and numbers for the CLI. */
import { num } from '../training/metrics/format.js';
import type { Stat } from '../training/stats.js';

export { num };

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

/** "± 0.0123" (or "± n/a" with one episode). */
export function ci(s: Stat, digits = 4): string {
  return `± ${num(s.ci95, digits)}`;
}

/** A Stat for JSON: NaN becomes null. */
export function statJson(s: Stat): { mean: number | null; ci95: number | null; n: number } {
  const f = (x: number) => (Number.isFinite(x) ? x : null);
  return { mean: f(s.mean), ci95: f(s.ci95), n: s.n };
}

/**
 * `line` fitted to `width` columns: broken at spaces, never inside a word (a path longer
 * than the width stays whole). Continuation lines hang under the start of the cell the break
 * falls in (cells are separated by two or more spaces), or two columns in from the line's
 * own indent, so tables and help texts stay readable in a narrow terminal.
 */
export function wrapLine(line: string, width: number): string[] {
  if (!(width >= 20) || line.length <= width || line.includes('\n')) return [line];
  const lead = /^ */.exec(line)![0].length;
  // The break: the last space at or before the width (past the indent).
  let cut = line.lastIndexOf(' ', width);
  while (cut > lead && line[cut - 1] === ' ') cut--;
  if (cut <= lead) {
    cut = line.indexOf(' ', width); // one long word: leave it whole
    if (cut < 0) return [line];
  }
  const cells = [...line.matchAll(/ {2,}(?=\S)/g)].filter((m) => m.index > 0).map((m) => ({ gap: m.index, at: m.index + m[0].length }));
  // A cell that starts far right moves down whole rather than leave a word or two behind.
  const broken = cells.filter((c) => c.at <= cut).pop();
  if (broken && broken.at > width * 0.6 && broken.gap > lead) cut = broken.gap;
  let hang = Math.min(lead + 2, Math.floor(width / 2));
  for (const c of cells) if (c.at <= width * 0.6 && c.at <= cut) hang = c.at;
  const out = [line.slice(0, cut).trimEnd()];
  const pad = ' '.repeat(hang);
  // Words keep the spaces after them, so the columns of what moves down keep their gaps.
  let current = '';
  for (const word of line.slice(cut).trim().split(/(?<= )(?=\S)/)) {
    if (current !== '' && hang + (current + word).trimEnd().length > width) {
      out.push(pad + current.trimEnd());
      current = word;
    } else current += word;
  }
  if (current !== '') out.push(pad + current.trimEnd());
  return out;
}
