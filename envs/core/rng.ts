/**
 * The one seeded PRNG of buddy-gym: xoshiro128** (Blackman & Vigna) on four 32-bit
 * words, seeded through splitmix32 from a (seed, stream) pair so that streams with
 * different ids are independent and reproducible. Normals use the Marsaglia–Tsang
 * ziggurat (128 layers), which needs one 32-bit draw in ~98% of calls: the hot path
 * of the vector env draws hundreds of normals per round, where Box–Muller's log,
 * sqrt and sin would dominate.
 */

/** Serialisable generator state: four unsigned 32-bit words. */
export type RngState = readonly [number, number, number, number];

const TWO_POW_MINUS_32 = 2.3283064365386963e-10;

/** splitmix32: a good 32-bit mixer, used only to expand seeds into state words. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export function assertSeed(seed: unknown, what = 'seed'): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`${what} must be a non-negative safe integer, got ${String(seed)}`);
  }
}

export class Rng {
  /** State words live in `s[o .. o+3]`, so a kernel can keep all its generators in one array. */
  private readonly s: Int32Array; // signed words: Uint32Array stores of values ≥ 2^31 deoptimise V8
  private readonly o: number;

  /**
   * A generator for `seed` (any non-negative safe integer, default 0) and stream id
   * `stream`. With `state`, its four state words live in `state[offset .. offset+3]`, and
   * an undefined seed keeps the words already there.
   */
  constructor(seed?: number, stream = 0, state?: Int32Array, offset = 0) {
    if (state && (offset < 0 || offset + 4 > state.length)) throw new RangeError('Rng: state array too short for offset');
    this.s = state ?? new Int32Array(4);
    this.o = state ? offset : 0;
    if (seed !== undefined) this.seed(seed, stream);
    else if (!state) this.seed(0, stream);
  }

  seed(seed: number, stream = 0): void {
    assertSeed(seed);
    assertSeed(stream, 'stream');
    // Fold the 53-bit seed and the stream id into a chain of splitmix32 outputs.
    let h = splitmix32((seed >>> 0) ^ 0x6a09e667);
    h = splitmix32(h ^ Math.floor(seed / 4294967296));
    h = splitmix32(h ^ Math.imul(stream + 1, 0x9e3779b1));
    const s = this.s;
    const o = this.o;
    s[o] = h = splitmix32(h);
    s[o + 1] = h = splitmix32(h);
    s[o + 2] = h = splitmix32(h);
    s[o + 3] = h = splitmix32(h);
    if ((s[o] | s[o + 1] | s[o + 2] | s[o + 3]) === 0) s[o] = 1; // the all-zero state is a fixed point
  }

  getState(): RngState {
    const { s, o } = this;
    return [s[o] >>> 0, s[o + 1] >>> 0, s[o + 2] >>> 0, s[o + 3] >>> 0];
  }

  setState(state: RngState): void {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new RangeError('Rng state must be four unsigned 32-bit integers');
    }
    if ((state[0] | state[1] | state[2] | state[3]) === 0) throw new RangeError('Rng state must not be all zero');
    for (let i = 0; i < 4; i++) this.s[this.o + i] = state[i] | 0;
  }

  /** Next output of xoshiro128** as a signed 32-bit integer. */
  nextInt32(): number {
    const s = this.s;
    const o = this.o;
    const a = s[o];
    const b = s[o + 1];
    const c = s[o + 2] ^ a;
    const d = s[o + 3] ^ b;
    const r = Math.imul(b, 5);
    s[o] = a ^ d;
    s[o + 1] = b ^ c;
    s[o + 2] = c ^ (b << 9);
    s[o + 3] = (d << 11) | (d >>> 21);
    return Math.imul((r << 7) | (r >>> 25), 9);
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    return this.nextInt32() >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return (this.nextInt32() >>> 0) * TWO_POW_MINUS_32;
  }

  /** Uniform integer in [0, n), unbiased (rejection of the short last block). */
  int(n: number): number {
    if (!(Number.isInteger(n) && n >= 1 && n <= 0x100000000)) {
      throw new RangeError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = Math.floor(0x100000000 / n) * n;
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Standard normal N(0, 1) by the ziggurat. */
  normal(): number {
    const hz = this.nextInt32();
    const iz = hz & 127;
    if (Math.abs(hz) < KN[iz]) return hz * WN[iz];
    return this.normalTail(hz, iz);
  }

  private normalTail(hz: number, iz: number): number {
    const r = ZIG_R;
    for (;;) {
      if (iz === 0) {
        let x: number;
        let y: number;
        do {
          x = -Math.log(1 - this.uniform()) / r;
          y = -Math.log(1 - this.uniform());
        } while (y + y < x * x);
        return hz > 0 ? r + x : -r - x;
      }
      const x = hz * WN[iz];
      if (FN[iz] + this.uniform() * (FN[iz - 1] - FN[iz]) < Math.exp(-0.5 * x * x)) return x;
      hz = this.nextInt32();
      iz = hz & 127;
      if (Math.abs(hz) < KN[iz]) return hz * WN[iz];
    }
  }

  /**
   * Fills `out[offset .. offset+n)` with N(mean, sd²) draws: the same numbers as n calls of
   * `normal()`, with the generator's state held in locals (about twice as fast).
   */
  fillNormal(out: Float32Array | Float64Array, offset: number, n: number, mean = 0, sd = 1): void {
    const s = this.s;
    const o = this.o;
    let a = s[o];
    let b = s[o + 1];
    let c = s[o + 2];
    let d = s[o + 3];
    for (let i = 0; i < n; i++) {
      // one xoshiro128** step, inlined
      const r = Math.imul(b, 5);
      const hz = Math.imul((r << 7) | (r >>> 25), 9);
      c ^= a;
      d ^= b;
      const t = b << 9;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      const iz = hz & 127;
      if (Math.abs(hz) < KN[iz]) {
        out[offset + i] = mean + sd * (hz * WN[iz]);
      } else {
        s[o] = a;
        s[o + 1] = b;
        s[o + 2] = c;
        s[o + 3] = d;
        out[offset + i] = mean + sd * this.normalTail(hz, iz);
        a = s[o];
        b = s[o + 1];
        c = s[o + 2];
        d = s[o + 3];
      }
    }
    s[o] = a;
    s[o + 1] = b;
    s[o + 2] = c;
    s[o + 3] = d;
  }

  /** Fills `out[offset .. offset+n)` with a uniform direction on the unit sphere S^{n-1}. */
  unitVector(out: Float64Array | Float32Array, offset: number, n: number): void {
    let norm2 = 0;
    do {
      this.fillNormal(out, offset, n);
      norm2 = 0;
      for (let i = 0; i < n; i++) norm2 += out[offset + i] * out[offset + i];
    } while (norm2 < 1e-300);
    const inv = 1 / Math.sqrt(norm2);
    for (let i = 0; i < n; i++) out[offset + i] *= inv;
  }

  /** An independent generator derived from this one's next draws (for agents, sub-streams). */
  spawn(stream: number): Rng {
    const seed = this.nextUint32() * 0x200000 + (this.nextUint32() >>> 11);
    return new Rng(seed, stream);
  }
}

// Ziggurat tables (Marsaglia & Tsang 2000, "The ziggurat method", 128 layers).
const ZIG_R = 3.442619855899;
const KN = new Float64Array(128); // compared with |hz| < 2^31, so doubles avoid uint32 conversions
const WN = new Float64Array(128);
const FN = new Float64Array(128);
{
  const m1 = 2147483648.0;
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * m1);
  KN[1] = 0;
  WN[0] = q / m1;
  WN[127] = dn / m1;
  FN[0] = 1.0;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / m1;
  }
}
