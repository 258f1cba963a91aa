import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FRAME_COLOR, SERIES_COLORS, TEXT_COLOR, crc32, formatTick, renderChartPng, type Chart } from '../training/dashboard/png.js';

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

/** A small PNG decoder for what renderChartPng writes: 8-bit RGBA, no interlace, filter 0. */
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

const same = (p: readonly number[], c: readonly number[]) => p[0] === c[0] && p[1] === c[1] && p[2] === c[2];

/** The plot frame: the longest run of frame-coloured pixels on the first row that has one, etc. */
function frame(img: Decoded): { x0: number; y0: number; x1: number; y1: number } {
  const midY = Math.floor(img.height / 2);
  const xsOnMid: number[] = [];
  for (let x = 0; x < img.width; x++) if (same(img.pixel(x, midY), FRAME_COLOR)) xsOnMid.push(x);
  const x0 = Math.min(...xsOnMid);
  const x1 = Math.max(...xsOnMid);
  const midX = Math.floor((x0 + x1) / 2);
  const ysOnMid: number[] = [];
  for (let y = 0; y < img.height; y++) if (same(img.pixel(midX, y), FRAME_COLOR)) ysOnMid.push(y);
  return { x0, x1, y0: Math.min(...ysOnMid), y1: Math.max(...ysOnMid) };
}

/** Pixels of the colour strictly inside the frame. */
function pixelsOf(img: Decoded, color: readonly number[]): [number, number][] {
  const f = frame(img);
  const out: [number, number][] = [];
  for (let y = f.y0 + 1; y < f.y1; y++) for (let x = f.x0 + 1; x < f.x1; x++) if (same(img.pixel(x, y), color)) out.push([x, y]);
  return out;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('renderChartPng', () => {
  it('writes a valid PNG (signature, IHDR, IDAT, IEND, CRCs) of the default and the asked size', () => {
    const chart: Chart = { title: 'Regret', series: [{ label: 'user', x: [0, 1, 2], y: [3, 1, 2] }] };
    const a = decode(renderChartPng(chart));
    expect([a.width, a.height]).toEqual([640, 320]);
    expect(a.chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    const b = decode(renderChartPng(chart, { width: 300, height: 150 }));
    expect([b.width, b.height]).toEqual([300, 150]);
    expect(b.pixel(0, 0)).toEqual([255, 255, 255, 255]);
  });

  it('implements the standard CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('draws a constant series as a horizontal line in the middle row of the plot, across its width', () => {
    const img = decode(renderChartPng({ title: 'flat', series: [{ label: 'c', x: range(20), y: range(20).map(() => 0.25) }] }));
    const f = frame(img);
    const pts = pixelsOf(img, SERIES_COLORS[0]!);
    const rows = new Set(pts.map(([, y]) => y));
    expect(rows.size).toBe(1);
    const row = [...rows][0]!;
    expect(Math.abs(row - (f.y0 + f.y1) / 2)).toBeLessThanOrEqual(1);
    const xs = pts.map(([x]) => x);
    expect(Math.min(...xs)).toBe(f.x0 + 1);
    expect(Math.max(...xs)).toBe(f.x1 - 1);
    expect(pts.length).toBe(f.x1 - f.x0 - 1); // continuous
  });

  it('places each series at its value: y = const at the right row between the others, a rising line from bottom-left to top-right', () => {
    const x = range(11);
    const img = decode(
      renderChartPng({
        title: 'two',
        series: [
          { label: 'rise', x, y: x.map((v) => v * 10) }, // 0..100
          { label: 'quarter', x, y: x.map(() => 25) },
        ],
      }),
    );
    const f = frame(img);
    const rise = pixelsOf(img, SERIES_COLORS[0]!);
    const flat = pixelsOf(img, SERIES_COLORS[1]!);
    // The rising line starts at the inner bottom-left corner and ends at the inner top-right one.
    expect(rise).toContainEqual([f.x0 + 1, f.y1 - 1]);
    expect(rise).toContainEqual([f.x1 - 1, f.y0 + 1]);
    // y = 25 on a 0..100 axis: a quarter of the way up the inner height.
    const expectedRow = Math.round(f.y1 - 1 - 0.25 * (f.y1 - 1 - (f.y0 + 1)));
    const flatRows = new Set(flat.map(([, y]) => y));
    expect([...flatRows]).toEqual([expectedRow]);
    // Legend swatches sit below the frame in the series colours.
    let swatches = 0;
    for (let y = f.y1 + 1; y < img.height; y++) for (let xx = 0; xx < img.width; xx++) if (same(img.pixel(xx, y), SERIES_COLORS[1]!)) swatches++;
    expect(swatches).toBeGreaterThan(0);
  });

  it('draws tick labels and the title as text', () => {
    const img = decode(renderChartPng({ title: 'Losses', series: [{ label: 'policy', x: [0, 1e6], y: [-0.5, 2] }] }));
    let text = 0;
    for (let y = 0; y < 16; y++) for (let x = 0; x < img.width; x++) if (same(img.pixel(x, y), TEXT_COLOR)) text++;
    expect(text).toBeGreaterThan(20); // the title
    const f = frame(img);
    let left = 0;
    for (let y = f.y0; y <= f.y1; y++) for (let x = 0; x < f.x0 - 2; x++) if (same(img.pixel(x, y), TEXT_COLOR)) left++;
    expect(left).toBeGreaterThan(10); // the y labels
  });

  it('draws an empty frame with the title for no series, empty series, or only NaN points', () => {
    for (const series of [[], [{ label: 'a', x: [], y: [] }], [{ label: 'a', x: [0, 1, NaN], y: [NaN, NaN, 2] }]]) {
      const img = decode(renderChartPng({ title: 'Empty chart', series }));
      const f = frame(img);
      expect(f.x1 - f.x0).toBeGreaterThan(img.width / 2);
      expect(f.y1 - f.y0).toBeGreaterThan(img.height / 2);
      for (const c of SERIES_COLORS) expect(pixelsOf(img, c)).toEqual([]);
      let title = 0;
      for (let y = 0; y < 16; y++) for (let x = 0; x < img.width; x++) if (same(img.pixel(x, y), TEXT_COLOR)) title++;
      expect(title).toBeGreaterThan(20);
    }
  });

  it('skips NaN and infinite points, breaking the line there', () => {
    const x = range(21);
    const y = x.map((v) => (v === 10 ? NaN : v === 11 ? Infinity : 1));
    // A second series sets the y axis so the line is not in the middle by accident.
    const img = decode(renderChartPng({ title: 'gaps', series: [{ label: 's', x, y }, { label: 't', x: [0, 20], y: [0, 2] }] }));
    const f = frame(img);
    const pts = pixelsOf(img, SERIES_COLORS[0]!);
    expect(new Set(pts.map(([, yy]) => yy)).size).toBe(1);
    const xs = new Set(pts.map(([xx]) => xx));
    const at = (v: number) => Math.round(f.x0 + 1 + (v / 20) * (f.x1 - 1 - (f.x0 + 1)));
    expect(xs.has(at(9))).toBe(true);
    expect(xs.has(at(12))).toBe(true);
    for (let xx = at(9) + 1; xx < at(12); xx++) expect(xs.has(xx), `gap at x=${xx}`).toBe(false);
    // NaN x values are skipped too.
    const img2 = decode(renderChartPng({ title: 'nan x', series: [{ label: 's', x: [0, NaN, 2], y: [0, 5, 1] }] }));
    expect(pixelsOf(img2, SERIES_COLORS[0]!).length).toBeGreaterThan(0);
  });

  it('rejects bad options and bad charts', () => {
    const chart: Chart = { title: 't', series: [] };
    for (const opts of [{ width: 0 }, { width: -5 }, { width: 100.5 }, { height: NaN }, { height: 10 }, { width: 100_000 }, { width: '640' as unknown as number }]) {
      expect(() => renderChartPng(chart, opts), JSON.stringify(opts)).toThrow(/width|height/);
    }
    expect(() => renderChartPng({ title: 't', series: [{ label: 'a', x: [1, 2], y: [1] }] })).toThrow(/2 x values but 1 y/);
    expect(() => renderChartPng({ title: 't', series: null as unknown as [] })).toThrow(/series/);
    expect(() => renderChartPng({ title: 3 as unknown as string, series: [] })).toThrow(/title/);
  });

  it('formats tick labels compactly', () => {
    expect(formatTick(0)).toBe('0');
    expect(formatTick(1.23456)).toBe('1.235');
    expect(formatTick(-42)).toBe('-42');
    expect(formatTick(2_500_000)).toBe('2.5e+6');
    expect(formatTick(0.0001)).toBe('1e-4');
  });
});
