/** Plain-text tables and numbers for the CLI. */
import { num, table } from '../training/metrics/format.js';
import type { Stat } from '../training/stats.js';

export { num, table };


/** "± 0.0123" (or "± n/a" with one episode). */
export function ci(s: Stat, digits = 4): string {
  return `± ${num(s.ci95, digits)}`;
}

export { statJson } from '../training/stats.js';

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
