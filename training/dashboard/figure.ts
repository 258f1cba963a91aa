/**
 * A figure of small multiples: one panel per metric, each with its own y-axis (so regret at
 * 0.4 is not flattened under welfare at 2), nice round ticks, gridlines, the metric as the
 * panel's title and "env steps" on its x-axis, a "no data" note in an empty panel. The layout
 * is computed once as drawing primitives, then rendered as PNG (pure TypeScript, the bitmap
 * font of png.ts) or as SVG (text a paper can scale).
 */
import { BACKGROUND, encodePng, FRAME_COLOR, formatTick, Raster, SERIES_COLORS, TEXT_COLOR, textWidth, type ChartSeries, type Rect, type RGB } from './png.js';

export interface Panel {
  /** The metric, in words: the panel's title and the name of its y-axis. */
  title: string;
  series: ChartSeries[];
}

export interface Figure {
  title: string;
  /** The x-axis of every panel. */
  xLabel: string;
  panels: Panel[];
}

export interface FigureOptions {
  /** Image width in pixels (default 960). */
  width?: number;
  /** Height of one panel in pixels (default 190). */
  panelHeight?: number;
}

type Primitive =
  | { kind: 'line'; x0: number; y0: number; x1: number; y1: number; color: RGB }
  | { kind: 'polyline'; points: [number, number][]; color: RGB; clip: Rect }
  | { kind: 'box'; x: number; y: number; w: number; h: number; color: RGB }
  | { kind: 'text'; x: number; y: number; text: string; color: RGB };

export interface FigureLayout {
  width: number;
  height: number;
  primitives: Primitive[];
}

const GRID_COLOR: RGB = [228, 228, 228];
const NOTE_COLOR: RGB = [140, 140, 140];
const CHAR_H = 7;

/** About `count` round ticks (1, 2 or 5 × 10^k apart) covering [lo, hi], and the range they span. */
export function niceTicks(lo: number, hi: number, count = 4): { ticks: number[]; lo: number; hi: number } {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.5;
    return niceTicks(lo - pad, hi + pad, count);
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const first = Math.floor(lo / step) * step;
  const last = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let v = first; v <= last + step / 2; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return { ticks, lo: first, hi: last };
}

function finitePoints(series: readonly ChartSeries[]): { xs: number[]; ys: number[] } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) {
        xs.push(s.x[i]);
        ys.push(s.y[i]);
      }
    }
  }
  return { xs, ys };
}

const min = (a: number[]) => a.reduce((m, v) => (v < m ? v : m), Infinity);
const max = (a: number[]) => a.reduce((m, v) => (v > m ? v : m), -Infinity);

/** Cuts `text` to at most `width` pixels of the bitmap font, ending in "..". */
function fit(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  let t = text;
  while (t.length > 1 && textWidth(`${t}..`) > width) t = t.slice(0, -1);
  return `${t}..`;
}

function layoutPanel(p: Panel, box: Rect, xLabel: string, out: Primitive[]): void {
  const { xs, ys } = finitePoints(p.series);
  const empty = xs.length === 0;
  // Title (the y-axis name) and, with several series, a legend on the same line.
  const legend = p.series.length > 1 ? p.series.map((s) => s.label) : [];
  const legendW = legend.reduce((w, l) => w + 10 + textWidth(l.toUpperCase()) + 8, 0);
  out.push({ kind: 'text', x: box.x0 + 4, y: box.y0 + 3, text: fit(p.title.toUpperCase(), box.x1 - box.x0 - 8 - legendW), color: TEXT_COLOR });
  let lx = box.x1 - 4 - legendW;
  legend.forEach((label, i) => {
    out.push({ kind: 'box', x: lx + 8, y: box.y0 + 4, w: 6, h: 5, color: SERIES_COLORS[i % SERIES_COLORS.length] });
    out.push({ kind: 'text', x: lx + 18, y: box.y0 + 3, text: label.toUpperCase(), color: TEXT_COLOR });
    lx += 10 + textWidth(label.toUpperCase()) + 8;
  });

  const yt = empty ? { ticks: [], lo: 0, hi: 1 } : niceTicks(min(ys), max(ys));
  const xt = empty ? { ticks: [], lo: 0, hi: 1 } : niceTicks(min(xs), max(xs), 5);
  const yLabels = yt.ticks.map(formatTick);
  const left = box.x0 + 6 + Math.max(0, ...yLabels.map(textWidth)) + 4;
  const plot: Rect = { x0: left, y0: box.y0 + 16, x1: box.x1 - 8, y1: box.y1 - 24 };
  const px = (x: number) => Math.round(plot.x0 + ((x - xt.lo) / (xt.hi - xt.lo)) * (plot.x1 - plot.x0));
  const py = (y: number) => Math.round(plot.y1 - ((y - yt.lo) / (yt.hi - yt.lo)) * (plot.y1 - plot.y0));
  // Gridlines first, under everything, then the frame.
  yt.ticks.forEach((v, i) => {
    const y = py(v);
    out.push({ kind: 'line', x0: plot.x0, y0: y, x1: plot.x1, y1: y, color: GRID_COLOR });
    out.push({ kind: 'text', x: plot.x0 - 4 - textWidth(yLabels[i]), y: y - 3, text: yLabels[i], color: TEXT_COLOR });
  });
  let lastRight = -Infinity;
  for (const v of xt.ticks) {
    const x = px(v);
    out.push({ kind: 'line', x0: x, y0: plot.y0, x1: x, y1: plot.y1, color: GRID_COLOR });
    const label = formatTick(v);
    const lx0 = Math.max(box.x0, Math.min(x - textWidth(label) / 2, box.x1 - textWidth(label)));
    if (lx0 > lastRight + 6) {
      out.push({ kind: 'text', x: Math.round(lx0), y: plot.y1 + 4, text: label, color: TEXT_COLOR });
      lastRight = lx0 + textWidth(label);
    }
  }
  const f = [plot.x0, plot.y0, plot.x1, plot.y1] as const;
  out.push({ kind: 'line', x0: f[0], y0: f[1], x1: f[2], y1: f[1], color: FRAME_COLOR });
  out.push({ kind: 'line', x0: f[2], y0: f[1], x1: f[2], y1: f[3], color: FRAME_COLOR });
  out.push({ kind: 'line', x0: f[2], y0: f[3], x1: f[0], y1: f[3], color: FRAME_COLOR });
  out.push({ kind: 'line', x0: f[0], y0: f[3], x1: f[0], y1: f[1], color: FRAME_COLOR });
  const axis = xLabel.toUpperCase();
  out.push({ kind: 'text', x: plot.x1 - textWidth(axis), y: plot.y1 + 14, text: axis, color: NOTE_COLOR });
  if (empty) {
    const note = 'NO DATA';
    out.push({ kind: 'text', x: Math.round((plot.x0 + plot.x1 - textWidth(note)) / 2), y: Math.round((plot.y0 + plot.y1 - CHAR_H) / 2), text: note, color: NOTE_COLOR });
    return;
  }
  const inner: Rect = { x0: plot.x0 + 1, y0: plot.y0 + 1, x1: plot.x1 - 1, y1: plot.y1 - 1 };
  p.series.forEach((s, i) => {
    const color = SERIES_COLORS[i % SERIES_COLORS.length];
    let run: [number, number][] = [];
    const flush = () => {
      if (run.length) out.push({ kind: 'polyline', points: run, color, clip: inner });
      run = [];
    };
    for (let k = 0; k < s.x.length; k++) {
      if (Number.isFinite(s.x[k]) && Number.isFinite(s.y[k])) run.push([px(s.x[k]), py(s.y[k])]);
      else flush(); // a gap in the line
    }
    flush();
  });
}

/** The figure as drawing primitives: the title, then a grid of panels (1, 2 or 3 columns). */
export function layoutFigure(fig: Figure, o: FigureOptions = {}): FigureLayout {
  const width = o.width ?? 960;
  const panelH = o.panelHeight ?? 190;
  const panels = fig.panels.length ? fig.panels : [{ title: fig.title, series: [] }];
  const cols = panels.length === 1 ? 1 : panels.length <= 4 ? 2 : 3;
  const rows = Math.ceil(panels.length / cols);
  const top = 24;
  const height = top + rows * panelH + 6;
  const out: Primitive[] = [{ kind: 'text', x: 8, y: 8, text: fit(fig.title.toUpperCase(), width - 16), color: TEXT_COLOR }];
  const panelW = Math.floor((width - 8) / cols);
  panels.forEach((p, i) => {
    const c = i % cols;
    const r = Math.floor(i / cols);
    const x0 = 4 + c * panelW;
    const y0 = top + r * panelH;
    layoutPanel(p, { x0, y0, x1: x0 + panelW - 4, y1: y0 + panelH - 4 }, fig.xLabel, out);
  });
  return { width, height, primitives: out };
}

/** The figure as a PNG (RGBA, 8 bits per channel). */
export function renderFigurePng(fig: Figure, o: FigureOptions = {}): Buffer {
  const { width, height, primitives } = layoutFigure(fig, o);
  const img = new Raster(width, height);
  for (const p of primitives) {
    if (p.kind === 'line') img.line(p.x0, p.y0, p.x1, p.y1, p.color);
    else if (p.kind === 'box') img.fill(p.x, p.y, p.w, p.h, p.color);
    else if (p.kind === 'text') img.text(p.x, p.y, p.text, p.color);
    else if (p.points.length === 1) img.set(p.points[0][0], p.points[0][1], p.color, p.clip);
    else for (let k = 1; k < p.points.length; k++) img.line(p.points[k - 1][0], p.points[k - 1][1], p.points[k][0], p.points[k][1], p.color, p.clip);
  }
  return encodePng(width, height, img.data);
}

const hex = (c: RGB) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** The same figure as SVG: the same layout, with vector lines and real text. */
export function renderFigureSvg(fig: Figure, o: FigureOptions = {}): string {
  const { width, height, primitives } = layoutFigure(fig, o);
  const clips = new Map<string, string>();
  const body: string[] = [];
  for (const p of primitives) {
    if (p.kind === 'line') body.push(`<line x1="${p.x0 + 0.5}" y1="${p.y0 + 0.5}" x2="${p.x1 + 0.5}" y2="${p.y1 + 0.5}" stroke="${hex(p.color)}"/>`);
    else if (p.kind === 'box') body.push(`<rect x="${p.x}" y="${p.y}" width="${p.w}" height="${p.h}" fill="${hex(p.color)}"/>`);
    else if (p.kind === 'text') body.push(`<text x="${p.x}" y="${p.y + CHAR_H}" fill="${hex(p.color)}">${esc(p.text)}</text>`);
    else {
      const key = `${p.clip.x0},${p.clip.y0},${p.clip.x1},${p.clip.y1}`;
      if (!clips.has(key)) clips.set(key, `c${clips.size}`);
      const pts = p.points.map(([x, y]) => `${x + 0.5},${y + 0.5}`).join(' ');
      body.push(`<polyline points="${pts}" fill="none" stroke="${hex(p.color)}" stroke-width="1.5" clip-path="url(#${clips.get(key)})"/>`);
    }
  }
  const defs = [...clips].map(([k, id]) => {
    const [x0, y0, x1, y1] = k.split(',').map(Number);
    return `<clipPath id="${id}"><rect x="${x0}" y="${y0}" width="${x1 - x0 + 1}" height="${y1 - y0 + 1}"/></clipPath>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="10" fill="${hex(TEXT_COLOR)}">`,
    `<title>${esc(fig.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="${hex(BACKGROUND)}"/>`,
    `<defs>${defs.join('')}</defs>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
