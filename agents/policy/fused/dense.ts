import type { ParamBlock } from './params.js';
import { ACCUMULATE, TANH, type FusedRuntime } from './runtime.js';

/**
 * Scratch buffers of a network, by name, grown (never shrunk) to the rows of the largest
 * batch seen: activations kept from a forward pass for the backward pass that follows it.
 */
export class Scratch {
  private readonly bufs = new Map<string, { ptr: number; floats: number }>();

  constructor(readonly rt: FusedRuntime) {}

  /** A buffer of at least `floats` floats (contents undefined after it grows). */
  get(name: string, floats: number): number {
    const b = this.bufs.get(name);
    if (b && b.floats >= floats) return b.ptr;
    if (b) this.rt.release(b.ptr);
    const grown = { ptr: this.rt.alloc(Math.max(floats, b ? b.floats * 2 : 0)), floats: Math.max(floats, b ? b.floats * 2 : 0) };
    this.bufs.set(name, grown);
    return grown.ptr;
  }

  dispose(): void {
    for (const b of this.bufs.values()) this.rt.release(b.ptr);
    this.bufs.clear();
  }
}

/** A dense layer y = x·W + b over the flat parameters: byte pointers of W [in, out], b [out] and their gradients. */
export interface Dense {
  readonly w: number;
  readonly b: number;
  readonly gw: number;
  readonly gb: number;
  readonly inSize: number;
  readonly outSize: number;
}

/** The dense layer `name` (tfjs `${name}/kernel`, `${name}/bias`) of a parameter block. */
export function denseOf(p: ParamBlock, name: string, inSize: number, outSize: number, bias = true): Dense {
  p.slot(`${name}/kernel`, [inSize, outSize]);
  if (bias) p.slot(`${name}/bias`, [outSize]);
  return {
    w: p.ptr(`${name}/kernel`),
    b: bias ? p.ptr(`${name}/bias`) : 0,
    gw: p.gradPtr(`${name}/kernel`),
    gb: bias ? p.gradPtr(`${name}/bias`) : 0,
    inSize,
    outSize,
  };
}

/** y [n, out] = x [n, in] (row stride ldx)·W + b, then tanh if asked. */
export function denseForward(rt: FusedRuntime, d: Dense, x: number, ldx: number, y: number, n: number, tanh: boolean): void {
  if (d.outSize === 1 && !tanh) {
    const bias = d.b ? rt.f32(d.b, 1)[0] : 0;
    rt.split('gemv', [x, ldx, d.w, bias, y, 0, n, d.inSize], n * d.inSize);
    return;
  }
  rt.split('gemm', [x, ldx, d.w, d.outSize, d.b, 0, 1, y, d.outSize, 0, n, d.inSize, d.outSize, tanh ? TANH : 0], n * d.inSize * d.outSize);
}

/**
 * Gradients of a dense layer, accumulated: gW += xᵀ·dy, gb += Σ_rows dy; and, when `dx`
 * is given, dx [n, in] = dy·Wᵀ (written, not accumulated). `wT` is scratch for Wᵀ.
 */
export function denseBackward(rt: FusedRuntime, d: Dense, x: number, ldx: number, dy: number, n: number, dx: number, wT: Scratch): void {
  const { inSize, outSize } = d;
  if (outSize === 1) rt.split('gemv_tn', [x, ldx, dy, d.gw, n, 0, inSize, ACCUMULATE], n * inSize);
  else rt.split('gemm_tn', [x, ldx, dy, outSize, d.gw, outSize, n, 0, inSize, outSize, ACCUMULATE], n * inSize * outSize);
  if (d.gb) rt.k.colsum(dy, outSize, n, outSize, d.gb, ACCUMULATE);
  if (!dx) return;
  // W [in, out] row-major read as [1, in] when out = 1; otherwise transposed once into scratch.
  let wt = d.w;
  if (outSize > 1) {
    wt = wT.get('wT', inSize * outSize);
    const w = rt.f32(d.w, inSize * outSize);
    const t = rt.f32(wt, inSize * outSize);
    for (let i = 0; i < inSize; i++) for (let j = 0; j < outSize; j++) t[j * inSize + i] = w[i * outSize + j];
  }
  rt.split('gemm', [dy, outSize, wt, inSize, 0, 0, 1, dx, inSize, 0, n, outSize, inSize, 0], n * inSize * outSize);
}

/**
 * A stack of tanh layers and a linear output layer (CleanRL's MLP), forward and backward,
 * keeping its activations between the two.
 */
export class MlpStack {
  private readonly acts: number[] = [];
  private rows = 0;

  constructor(
    readonly rt: FusedRuntime,
    readonly hidden: readonly Dense[],
    readonly out: Dense,
    private readonly scratch: Scratch,
    private readonly name: string,
  ) {}

  /** Output pointer [n, out.outSize] of the forward pass on x [n, ·] (row stride ldx). */
  forward(x: number, ldx: number, n: number): number {
    let input = x;
    let ld = ldx;
    this.acts.length = 0;
    this.hidden.forEach((d, i) => {
      const h = this.scratch.get(`${this.name}.h${i}`, n * d.outSize);
      denseForward(this.rt, d, input, ld, h, n, true);
      this.acts.push(h);
      input = h;
      ld = d.outSize;
    });
    const y = this.scratch.get(`${this.name}.out`, n * this.out.outSize);
    denseForward(this.rt, this.out, input, ld, y, n, false);
    this.rows = n;
    return y;
  }

  /** Accumulates the weights' gradients for dOut [n, out.outSize] of the last forward pass on x. */
  backward(x: number, ldx: number, n: number, dOut: number): void {
    if (n !== this.rows) throw new Error(`${this.name}: backward over ${n} rows after a forward over ${this.rows}`);
    const L = this.hidden.length;
    let dy = dOut;
    let layer = this.out;
    for (let i = L - 1; i >= -1; i--) {
      const input = i >= 0 ? this.acts[i] : x;
      const ld = i >= 0 ? this.hidden[i].outSize : ldx;
      const dx = i >= 0 ? this.scratch.get(`${this.name}.d${i}`, n * this.hidden[i].outSize) : 0;
      denseBackward(this.rt, layer, input, ld, dy, n, dx, this.scratch);
      if (i < 0) break;
      this.rt.k.tanh_bwd(dx, this.acts[i], n * this.hidden[i].outSize);
      dy = dx;
      layer = this.hidden[i];
    }
  }
}
