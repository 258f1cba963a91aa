/** Numbers, durations and plain-text tables, for the metric sinks, the games' reports and the CLI (cli/format.ts re-exports `num` and `table`). */

/** A number with 4 decimals (−0 shown as 0); NaN as "n/a". */
export function num(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const s = x.toFixed(digits);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
}

/** A count: "12,345" or, `compact`, "12.3k" / "4.56M". "?" when not finite. */
export function formatCount(n: number, compact = false): string {
  if (!Number.isFinite(n)) return '?';
  if (!compact || Math.abs(n) < 1000) return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const units = ['k', 'M', 'G', 'T'];
  let x = n / 1000;
  let u = 0;
  while (Math.abs(Number(x.toPrecision(3))) >= 1000 && u < units.length - 1) {
    x /= 1000;
    u++;
  }
  return `${x.toPrecision(3)}${units[u]}`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A duration: "45s", "1m05s", "2h03m", "3d04h"; "?" when unknown (NaN, infinite, negative). */
export function formatEta(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const sec = Math.round(ms / 1000);
  if (sec < 60) return `${sec}s`;
  const min = Math.floor(sec / 60);
  if (min < 60) return `${min}m${pad2(sec % 60)}s`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h}h${pad2(min % 60)}m`;
  return `${Math.floor(h / 24)}d${pad2(h % 24)}h`;
}

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
