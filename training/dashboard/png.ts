/**
 * PNG in pure TypeScript (no canvas, no browser): an RGBA raster with Bresenham lines, filled
 * boxes and a tiny built-in 5×7 bitmap font, encoded with node:zlib's deflateSync, and the
 * tick format of the charts. figure.ts draws the report's figures with it.
 */
import { deflateSync } from 'node:zlib';
import { crcTable, crcWith } from '../crc.js';

export interface ChartSeries {
  label: string;
  x: number[];
  y: number[];
}

export type RGB = readonly [number, number, number];

/** Series colours, in order (cycled past the end). */
export const SERIES_COLORS: readonly RGB[] = [
  [31, 119, 180],
  [214, 39, 40],
  [44, 160, 44],
  [255, 127, 14],
  [148, 103, 189],
  [23, 190, 207],
  [140, 86, 75],
  [227, 119, 194],
];
export const BACKGROUND: RGB = [255, 255, 255];
export const FRAME_COLOR: RGB = [64, 64, 64];
export const TEXT_COLOR: RGB = [32, 32, 32];

// ---------------------------------------------------------------------------------------------
// 5×7 bitmap font: each glyph is 7 rows of 5 bits, most significant bit on the left.

const GLYPH_W = 5;
const GLYPH_H = 7;
const ADVANCE = GLYPH_W + 1;

const FONT_SRC: Record<string, string> = {
  '0': '01110 10001 10011 10101 11001 10001 01110',
  '1': '00100 01100 00100 00100 00100 00100 01110',
  '2': '01110 10001 00001 00010 00100 01000 11111',
  '3': '11111 00010 00100 00010 00001 10001 01110',
  '4': '00010 00110 01010 10010 11111 00010 00010',
  '5': '11111 10000 11110 00001 00001 10001 01110',
  '6': '00110 01000 10000 11110 10001 10001 01110',
  '7': '11111 00001 00010 00100 01000 01000 01000',
  '8': '01110 10001 10001 01110 10001 10001 01110',
  '9': '01110 10001 10001 01111 00001 00010 01100',
  '.': '00000 00000 00000 00000 00000 01100 01100',
  '-': '00000 00000 00000 11111 00000 00000 00000',
  '+': '00000 00100 00100 11111 00100 00100 00000',
  e: '00000 00000 01110 10001 11111 10000 01110',
  A: '01110 10001 10001 11111 10001 10001 10001',
  B: '11110 10001 10001 11110 10001 10001 11110',
  C: '01110 10001 10000 10000 10000 10001 01110',
  D: '11100 10010 10001 10001 10001 10010 11100',
  E: '11111 10000 10000 11110 10000 10000 11111',
  F: '11111 10000 10000 11110 10000 10000 10000',
  G: '01110 10001 10000 10111 10001 10001 01111',
  H: '10001 10001 10001 11111 10001 10001 10001',
  I: '01110 00100 00100 00100 00100 00100 01110',
  J: '00111 00010 00010 00010 00010 10010 01100',
  K: '10001 10010 10100 11000 10100 10010 10001',
  L: '10000 10000 10000 10000 10000 10000 11111',
  M: '10001 11011 10101 10101 10001 10001 10001',
  N: '10001 10001 11001 10101 10011 10001 10001',
  O: '01110 10001 10001 10001 10001 10001 01110',
  P: '11110 10001 10001 11110 10000 10000 10000',
  Q: '01110 10001 10001 10001 10101 10010 01101',
  R: '11110 10001 10001 11110 10100 10010 10001',
  S: '01111 10000 10000 01110 00001 00001 11110',
  T: '11111 00100 00100 00100 00100 00100 00100',
  U: '10001 10001 10001 10001 10001 10001 01110',
  V: '10001 10001 10001 10001 10001 01010 00100',
  W: '10001 10001 10001 10101 10101 10101 01010',
  X: '10001 10001 01010 00100 01010 10001 10001',
  Y: '10001 10001 10001 01010 00100 00100 00100',
  Z: '11111 00001 00010 00100 01000 10000 11111',
  ' ': '00000 00000 00000 00000 00000 00000 00000',
  _: '00000 00000 00000 00000 00000 00000 11111',
  ':': '00000 01100 01100 00000 01100 01100 00000',
  '/': '00000 00001 00010 00100 01000 10000 00000',
  '(': '00010 00100 01000 01000 01000 00100 00010',
  ')': '01000 00100 00010 00010 00010 00100 01000',
  '=': '00000 00000 11111 00000 11111 00000 00000',
  ',': '00000 00000 00000 00000 01100 00100 01000',
  '%': '11000 11001 00010 00100 01000 10011 00011',
  '?': '01110 10001 00001 00010 00100 00000 00100',
  '&': '01100 10010 10100 01000 10101 10010 01101',
  '|': '00100 00100 00100 00100 00100 00100 00100',
  '*': '00000 10101 01110 11111 01110 10101 00000',
  '[': '01110 01000 01000 01000 01000 01000 01110',
  ']': '01110 00010 00010 00010 00010 00010 01110',
  '#': '01010 01010 11111 01010 11111 01010 01010',
  '<': '00010 00100 01000 10000 01000 00100 00010',
  '>': '01000 00100 00010 00001 00010 00100 01000',
  "'": '00100 00100 01000 00000 00000 00000 00000',
  '"': '01010 01010 00000 00000 00000 00000 00000',
  '!': '00100 00100 00100 00100 00100 00000 00100',
  ';': '00000 01100 01100 00000 01100 00100 01000',
  '^': '00100 01010 10001 00000 00000 00000 00000',
};

const FONT = new Map<string, number[]>(Object.entries(FONT_SRC).map(([ch, rows]) => [ch, rows.split(' ').map((r) => parseInt(r, 2))]));

/** The glyph for a character: 'e' has its own (for exponents in tick labels); titles and labels are drawn upper-cased. */
function glyph(ch: string): number[] {
  return FONT.get(ch) ?? FONT.get(ch.toUpperCase()) ?? FONT.get('?')!;
}

export function textWidth(text: string): number {
  return text.length === 0 ? 0 : text.length * ADVANCE - 1;
}

// ---------------------------------------------------------------------------------------------
// Raster

/** An RGBA canvas with lines, filled boxes and the bitmap font (shared by the figure renderer). */
export class Raster {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array(width * height * 4);
    for (let i = 0; i < this.data.length; i += 4) {
      this.data[i] = BACKGROUND[0];
      this.data[i + 1] = BACKGROUND[1];
      this.data[i + 2] = BACKGROUND[2];
      this.data[i + 3] = 255;
    }
  }

  set(x: number, y: number, c: RGB, clip?: Rect): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    if (clip && (x < clip.x0 || x > clip.x1 || y < clip.y0 || y > clip.y1)) return;
    const i = (y * this.width + x) * 4;
    this.data[i] = c[0];
    this.data[i + 1] = c[1];
    this.data[i + 2] = c[2];
    this.data[i + 3] = 255;
  }

  /** Bresenham's line from (x0, y0) to (x1, y1), both ends included, clipped to `clip`. */
  line(x0: number, y0: number, x1: number, y1: number, c: RGB, clip?: Rect): void {
    const dx = Math.abs(x1 - x0);
    const dy = -Math.abs(y1 - y0);
    const sx = x0 < x1 ? 1 : -1;
    const sy = y0 < y1 ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      this.set(x0, y0, c, clip);
      if (x0 === x1 && y0 === y1) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x0 += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y0 += sy;
      }
    }
  }

  fill(x0: number, y0: number, w: number, h: number, c: RGB): void {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) this.set(x, y, c);
  }

  text(x: number, y: number, s: string, c: RGB): void {
    for (let k = 0; k < s.length; k++) {
      const rows = glyph(s[k]!);
      for (let r = 0; r < GLYPH_H; r++) {
        const bits = rows[r]!;
        for (let col = 0; col < GLYPH_W; col++) if (bits & (1 << (GLYPH_W - 1 - col))) this.set(x + k * ADVANCE + col, y + r, c);
      }
    }
  }
}

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

// ---------------------------------------------------------------------------------------------
// PNG encoding

const CRC32 = crcTable(0xedb88320);

/** CRC-32 (ISO 3309 / PNG) of the bytes. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  return crcWith(CRC32, bytes, crc);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes 8-bit RGBA pixels (row by row, no padding) as a PNG. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new RangeError(`encodePng: expected ${width * height * 4} bytes of RGBA, got ${rgba.length}`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type None
    raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

// ---------------------------------------------------------------------------------------------
// Chart

/** A tick label: at most 4 significant digits, exponent notation for very large or small values. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(4)));
}
