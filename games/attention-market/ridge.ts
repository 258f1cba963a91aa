import { RIDGE_WASM_BASE64 } from './ridge-wasm.js';

/** The slice of the WebAssembly JS API used here (lib.dom has it; @types/node only as a namespace). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null = null;
function ridgeModule(): object {
  // Node compiles small modules synchronously; compile once per process.
  compiled ??= new Wasm.Module(Buffer.from(RIDGE_WASM_BASE64, 'base64'));
  return compiled;
}

/**
 * `count` ridge estimates in R^d, kept by recursive least squares in WebAssembly (f64x2
 * SIMD, see ridge.wat): A⁻¹ by Sherman–Morrison, q = A⁻¹b updated per observation, no
 * solve. Every array is a view of the module's memory, allocated once.
 */
export class RidgeBank {
  /** q = A⁻¹b for every estimate: [count, d]. */
  readonly estimate: Float64Array;
  /** b = Σ y x: [count, d]. */
  readonly b: Float64Array;
  /** A⁻¹, each dp×dp row-major with dp = d rounded up to even (padding stays 0): [count, dp, dp]. */
  readonly ainv: Float64Array;
  readonly dp: number;
  private readonly x: Float64Array;
  private readonly rls: (a: number, q: number, bv: number, x: number, u: number, d: number, dp: number, t: number) => void;
  private readonly xPtr: number;
  private readonly uPtr: number;
  private readonly aPtr: number;
  private readonly qPtr: number;
  private readonly bPtr: number;

  constructor(
    readonly count: number,
    readonly d: number,
  ) {
    const dp = (this.dp = d + (d & 1));
    // Layout (bytes): x scratch | u scratch | A⁻¹ | q | b, every block 16-byte aligned.
    this.xPtr = 0;
    this.uPtr = dp * 8;
    this.aPtr = 2 * dp * 8;
    this.qPtr = this.aPtr + count * dp * dp * 8;
    this.bPtr = this.qPtr + align16(count * d * 8);
    const bytes = this.bPtr + align16(count * d * 8);
    if (bytes > 2 ** 32 - 65536) throw new RangeError(`RidgeBank: ${count} estimates of dimension ${d} need ${bytes} bytes, over WebAssembly's 4 GiB`);
    const memory = new Wasm.Memory({ initial: Math.ceil(bytes / 65536), maximum: Math.ceil(bytes / 65536) });
    const instance = new Wasm.Instance(ridgeModule(), { env: { memory } });
    this.rls = instance.exports.rls as RidgeBank['rls'];
    const buf = memory.buffer;
    this.x = new Float64Array(buf, this.xPtr, dp);
    this.ainv = new Float64Array(buf, this.aPtr, count * dp * dp);
    this.estimate = new Float64Array(buf, this.qPtr, count * d);
    this.b = new Float64Array(buf, this.bPtr, count * d);
  }

  /** Restarts estimate i from the prior: A = αI, b = 0, q = 0. */
  reset(i: number, alpha: number): void {
    const { d, dp } = this;
    const base = i * dp * dp;
    this.ainv.fill(0, base, base + dp * dp);
    for (let r = 0; r < d; r++) this.ainv[base + r * dp + r] = 1 / alpha;
    this.b.fill(0, i * d, (i + 1) * d);
    this.estimate.fill(0, i * d, (i + 1) * d);
  }

  /** Adds the observation (x = src[off .. off+d], target t) to estimate i. */
  update(i: number, src: Float32Array | Float64Array, off: number, t: number): void {
    const d = this.d;
    const x = this.x;
    for (let c = 0; c < d; c++) x[c] = src[off + c];
    const dp = this.dp;
    this.rls(this.aPtr + i * dp * dp * 8, this.qPtr + i * d * 8, this.bPtr + i * d * 8, this.xPtr, this.uPtr, d, dp, t);
  }
}

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}
