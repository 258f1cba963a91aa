/**
 * Line charts as SVG text for RESULTS.md (papers take SVG): labelled axes with "nice" ticks
 * and gridlines, one polyline per series, an optional shaded band (e.g. ± 95% CI across
 * seeds) or error bars per point, a legend, and horizontal reference lines (a baseline, a
 * known optimum). Non-finite points are skipped. No dependencies: plain strings.
 */
export interface SvgSeries {
  label: string;
  x: readonly number[];
  y: readonly number[];
  /** Half-widths at each point: drawn as a band (lines) or error bars (markers). */
  band?: readonly number[];
  /** Draw markers and error bars instead of a line (for a few points, e.g. λ values). */
  markers?: boolean;
}

export interface SvgChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly SvgSeries[];
  /** Horizontal lines with a label (e.g. "greedy 0.328", "KG optimum 0.625"). */
  references?: readonly { y: number; label: string }[];
  /** Log-scale x axis (values > 0). */
  logX?: boolean;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#17becf', '#8c564b', '#e377c2'];
const W = 640;
const H = 360;
const M = { left: 64, right: 16, top: 36, bottom: 64 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.round(t / step) * step);
  return ticks;
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(4))));

export function svgChart(c: SvgChart): string {
  const pts = c.series.flatMap((s) => s.x.map((x, i) => ({ x, y: s.y[i], b: s.band?.[i] ?? 0 }))).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!c.logX || p.x > 0));
  const ys = [...pts.flatMap((p) => [p.y - p.b, p.y + p.b]), ...(c.references ?? []).map((r) => r.y)].filter(Number.isFinite);
  const body: string[] = [];
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  body.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(c.title)}</text>`);
  if (pts.length === 0) {
    body.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
    body.push(`<text x="${W / 2}" y="${M.top + ph / 2}" text-anchor="middle" font-size="13" fill="#666">no data</text>`);
    return wrap(body);
  }
  const tx = (x: number) => (c.logX ? Math.log10(x) : x);
  let [x0, x1] = [Math.min(...pts.map((p) => tx(p.x))), Math.max(...pts.map((p) => tx(p.x)))];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - Math.max(1e-6, Math.abs(y0) * 0.1), y1 + Math.max(1e-6, Math.abs(y1) * 0.1)];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const sx = (x: number) => M.left + ((tx(x) - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => M.top + (1 - (y - y0) / (y1 - y0)) * ph;
  // grid, ticks and axis labels
  const xt = c.logX ? niceTicks(x0, x1, 5).filter((t) => Number.isInteger(t)).map((t) => 10 ** t) : niceTicks(x0, x1, 6);
  for (const t of xt) {
    const X = sx(t).toFixed(1);
    body.push(`<line x1="${X}" y1="${M.top}" x2="${X}" y2="${M.top + ph}" stroke="#e4e4e4"/>`);
    body.push(`<text x="${X}" y="${M.top + ph + 16}" text-anchor="middle" font-size="11">${fmt(t)}</text>`);
  }
  for (const t of niceTicks(y0, y1, 6)) {
    const Y = sy(t).toFixed(1);
    body.push(`<line x1="${M.left}" y1="${Y}" x2="${M.left + pw}" y2="${Y}" stroke="#e4e4e4"/>`);
    body.push(`<text x="${M.left - 6}" y="${Y}" text-anchor="end" dominant-baseline="middle" font-size="11">${fmt(t)}</text>`);
  }
  body.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  body.push(`<text x="${M.left + pw / 2}" y="${H - 32}" text-anchor="middle" font-size="12">${esc(c.xLabel)}</text>`);
  body.push(`<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(c.yLabel)}</text>`);
  for (const r of c.references ?? []) {
    const Y = sy(r.y).toFixed(1);
    body.push(`<line x1="${M.left}" y1="${Y}" x2="${M.left + pw}" y2="${Y}" stroke="#666" stroke-dasharray="5 4"/>`);
    body.push(`<text x="${M.left + pw - 4}" y="${Number(Y) - 4}" text-anchor="end" font-size="11" fill="#444">${esc(r.label)}</text>`);
  }
  // series
  c.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    const ok = s.x.map((x, i) => i).filter((i) => Number.isFinite(s.x[i]) && Number.isFinite(s.y[i]) && (!c.logX || s.x[i] > 0));
    if (s.band && !s.markers && ok.length > 1) {
      const up = ok.map((i) => `${sx(s.x[i]).toFixed(1)},${sy(s.y[i] + (s.band![i] || 0)).toFixed(1)}`);
      const down = ok.map((i) => `${sx(s.x[i]).toFixed(1)},${sy(s.y[i] - (s.band![i] || 0)).toFixed(1)}`).reverse();
      body.push(`<polygon points="${[...up, ...down].join(' ')}" fill="${color}" fill-opacity="0.15" stroke="none"/>`);
    }
    if (s.markers) {
      for (const i of ok) {
        const X = sx(s.x[i]).toFixed(1);
        const b = s.band?.[i] ?? 0;
        if (b > 0) body.push(`<line x1="${X}" y1="${sy(s.y[i] - b).toFixed(1)}" x2="${X}" y2="${sy(s.y[i] + b).toFixed(1)}" stroke="${color}" stroke-width="1.5"/>`);
        body.push(`<circle cx="${X}" cy="${sy(s.y[i]).toFixed(1)}" r="3.5" fill="${color}"/>`);
      }
    }
    if (ok.length > 1) body.push(`<polyline points="${ok.map((i) => `${sx(s.x[i]).toFixed(1)},${sy(s.y[i]).toFixed(1)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="1.6"${s.markers ? ' stroke-opacity="0.5"' : ''}/>`);
    // legend below the axis label: three entries a row
    const lx = M.left + (k % 3) * (pw / 3);
    const ly = H - 18 + Math.floor(k / 3) * 12;
    body.push(`<rect x="${lx}" y="${ly - 4}" width="10" height="3" fill="${color}"/>`);
    body.push(`<text x="${lx + 14}" y="${ly}" font-size="11">${esc(s.label)}</text>`);
  });
  return wrap(body);
}

function wrap(body: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">\n<rect width="${W}" height="${H}" fill="white"/>\n${body.join('\n')}\n</svg>\n`;
}
