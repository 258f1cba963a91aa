import { game } from '../training/game/registry.js';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runFigures } from '../training/dashboard/charts.js';
import { layoutFigure, niceTicks, renderFigurePng, renderFigureSvg, type Figure } from '../training/dashboard/figure.js';
import { crc32, formatTick } from '../training/dashboard/png.js';
import type { TrainEvent } from '../training/metrics/events.js';

/** CRC-32 written out bit by bit, independent of the table-driven one under test. */
function refCrc(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

interface Decoded {
  width: number;
  height: number;
  chunks: string[];
  pixel(x: number, y: number): [number, number, number, number];
}

/** A small PNG decoder for what renderFigurePng writes: 8-bit RGBA, no interlace, filter 0. */
function decode(png: Buffer): Decoded {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let off = 8;
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    const crc = png.readUInt32BE(off + 8 + len);
    expect(crc, `CRC of ${type}`).toBe(refCrc(png.subarray(off + 4, off + 8 + len)));
    chunks.push(type);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([...data.subarray(8)]).toEqual([8, 6, 0, 0, 0]);
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  expect(off).toBe(png.length);
  expect(chunks[0]).toBe('IHDR');
  expect(chunks.at(-1)).toBe('IEND');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4 + 1;
  expect(raw.length).toBe(stride * height);
  for (let y = 0; y < height; y++) expect(raw[y * stride], `filter byte of row ${y}`).toBe(0);
  return {
    width,
    height,
    chunks,
    pixel: (x, y) => {
      const i = y * stride + 1 + x * 4;
      return [raw[i]!, raw[i + 1]!, raw[i + 2]!, raw[i + 3]!];
    },
  };
}

const steps = Array.from({ length: 20 }, (_, i) => (i + 1) * 512);
/** regret near 0.4 and welfare near 2: on one shared axis regret would be a flat line. */
const figure: Figure = {
  title: 'attention-market-v0: round metrics',
  xLabel: 'env steps',
  panels: [
    { title: 'user regret per round', series: [{ label: 'meanRegret', x: steps, y: steps.map((_, i) => 0.45 - (0.07 * i) / 19) }] },
    { title: 'user welfare per round', series: [{ label: 'welfare', x: steps, y: steps.map((_, i) => 2 + 0.01 * Math.sin(i)) }] },
    { title: 'approx. KL', series: [{ label: 'user', x: steps, y: steps.map(() => 0.01) }, { label: 'goal', x: steps, y: steps.map((_, i) => 0.02 + 0.001 * i) }] },
    { title: 'nothing yet', series: [] },
  ],
};

type Prim = ReturnType<typeof layoutFigure>['primitives'][number];
const texts = (ps: readonly Prim[]) => ps.filter((p): p is Extract<Prim, { kind: 'text' }> => p.kind === 'text').map((p) => p.text);

describe('figures (small multiples)', () => {
  const layout = layoutFigure(figure);
  const lines = layout.primitives.filter((p): p is Extract<Prim, { kind: 'polyline' }> => p.kind === 'polyline');

  it('writes a valid PNG of the layout size, and an SVG of the same layout', () => {
    const img = decode(renderFigurePng(figure));
    expect([img.width, img.height]).toEqual([layout.width, layout.height]);
    expect(img.chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    const svg = renderFigureSvg(figure);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
    expect(svg).toContain('<title>attention-market-v0: round metrics</title>');
    expect(svg.match(/<polyline /g)).toHaveLength(lines.length);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  });

  it('gives each panel its own y-axis: regret near 0.4 spans its plot as welfare near 2 spans its own', () => {
    const [regret, welfare] = lines;
    const spread = (l: typeof regret) => Math.max(...l.points.map((p) => p[1])) - Math.min(...l.points.map((p) => p[1]));
    const height = (l: typeof regret) => l.clip.y1 - l.clip.y0;
    expect(spread(regret) / height(regret)).toBeGreaterThan(0.6);
    expect(spread(welfare)).toBeGreaterThan(5); // 0.02 of variation is visible in its own panel
    expect(regret.clip).not.toEqual(welfare.clip);
  });

  it('has round ticks with gridlines, the metric as each title, "env steps" on every x-axis, a legend for several series, "no data" when empty', () => {
    const t = texts(layout.primitives);
    for (const title of ['USER REGRET PER ROUND', 'USER WELFARE PER ROUND', 'APPROX. KL', 'NOTHING YET']) expect(t).toContain(title);
    expect(t.filter((x) => x === 'ENV STEPS')).toHaveLength(4);
    expect(t).toContain('NO DATA');
    expect(t).toEqual(expect.arrayContaining(['USER', 'GOAL']));
    for (const tick of ['0.38', '0.4', '0.42', '0.44', '0.46']) expect(t).toContain(tick);
    const grid = layout.primitives.filter((p) => p.kind === 'line' && p.color[0] === 228);
    expect(grid.length).toBeGreaterThan(12);
  });

  it('breaks a line at NaN or infinite points', () => {
    const l = layoutFigure({ title: 't', xLabel: 'x', panels: [{ title: 'p', series: [{ label: 'a', x: [1, 2, 3, 4, 5], y: [1, 2, NaN, 4, Infinity] }] }] });
    const polys = l.primitives.filter((p) => p.kind === 'polyline');
    expect(polys.map((p) => (p.kind === 'polyline' ? p.points.length : 0))).toEqual([2, 1]);
  });

  it('picks round ticks', () => {
    expect(niceTicks(0.38, 0.45).ticks).toEqual([0.38, 0.4, 0.42, 0.44, 0.46]);
    expect(niceTicks(0, 16384, 5).ticks).toEqual([0, 5000, 10000, 15000, 20000]);
    expect(niceTicks(2, 2).ticks.length).toBeGreaterThan(1);
  });
});

describe("a run's figures", () => {
  const ev = (i: number, metrics: Record<string, number>): TrainEvent => ({ kind: 'episode', time: i, step: i * 64, iteration: i, metrics });

  it("trade-market panels carry trade-market titles (the game's words); persuasion's per-round records get none", () => {
    const words = (id: string) => game(id).words;
    const trade = runFigures([ev(1, { priceError: 0.1, excessDemand: 0.2 }), ev(2, { priceError: 0.05, excessDemand: 0.1 })], 'trade-market-v0', words('trade-market-v0'));
    const titles = trade.find((f) => f.id === 'round-metrics')!.figure.panels.map((p) => p.title);
    expect(titles).toEqual(['relative price error |p - p*| / p*', 'excess demand sum (demand - supply)']);
    expect(texts(layoutFigure(trade[0].figure).primitives).join(' ')).not.toMatch(/REGRET|VISIBILITY/);
    const persuasion = runFigures([ev(1, { userType: 1, gap: 0.2, consulted: -1 })], 'emergent-alignment-v0', words('emergent-alignment-v0'));
    // Without words a metric is named by its name, spaced out.
    expect(runFigures([ev(1, { priceError: 0.1 })], 'x-v0')[0].figure.panels.map((p) => p.title)).toEqual(['price error']);
    expect(persuasion[0].figure.panels.map((p) => p.title)).toEqual(["user's gap V* - utility"]);
    // With no evaluation events, the evaluations figure says so rather than showing an empty frame.
    expect(texts(layoutFigure(persuasion.find((f) => f.id === 'evaluations')!.figure).primitives)).toContain('NO DATA');
  });
});

describe('PNG encoding', () => {
  it('implements the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('formats tick labels compactly', () => {
    expect(formatTick(0)).toBe('0');
    expect(formatTick(1.23456)).toBe('1.235');
    expect(formatTick(-42)).toBe('-42');
    expect(formatTick(2_500_000)).toBe('2.5e+6');
    expect(formatTick(0.0001)).toBe('1e-4');
  });
});
