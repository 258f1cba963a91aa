import { FUSED_KERNELS_WASM_BASE64 } from './kernels-wasm.js';
import { ThreadPool } from './threads.js';

/** The slice of the WebAssembly JS API used here (lib.dom has it; @types/node only as a namespace). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The kernels of kernels.wat.mjs, by name; pointers are byte offsets. */
export interface Kernels {
  gemm(X: number, ldx: number, W: number, ldw: number, B: number, bstride: number, bdiv: number, Y: number, ldy: number, m0: number, m1: number, k: number, n: number, flags: number): void;
  gemv(X: number, ldx: number, w: number, b: number, y: number, m0: number, m1: number, k: number): void;
  gemm_tn(X: number, ldx: number, D: number, ldd: number, G: number, ldg: number, m: number, p0: number, p1: number, n: number, flags: number): void;
  gemv_tn(X: number, ldx: number, d: number, g: number, m: number, p0: number, p1: number, flags: number): void;
  colsum(D: number, ldd: number, m: number, n: number, out: number, flags: number): void;
  pool_features(obs: number, ldo: number, pool: number, q: number, mem: number, P: number, D: number, f: number, entry: number, ew: number, shared: number, sw: number, t0: number, t1: number): void;
  group_sum(D: number, ldd: number, groups: number, size: number, n: number, out: number, ldo: number): void;
  tanh_bwd(D: number, H: number, count: number): void;
  adam(P: number, G: number, M: number, V: number, lr: number, b1: number, b2: number, eps: number, c1: number, c2: number, count: number): void;
  sumsq(X: number, count: number): number;
  scale(X: number, s: number, count: number): void;
  add(X: number, Y: number, count: number): void;
}

/** Kernel flag bits. */
export const TANH = 1;
export const ACCUMULATE = 2;

/** Kernels that may be split across threads: the index of their range arguments [lo, hi). */
export const SPLITTABLE = { gemm: 9, gemv: 5, gemm_tn: 7, gemv_tn: 5, pool_features: 12 } as const;
export type SplittableKernel = keyof typeof SPLITTABLE;

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB
/** Allocations are aligned to (and sized in multiples of) a cache line. */
const ALIGN = 64;

let compiled: object | null = null;
/** The compiled kernels (once per process; also handed to worker threads). */
export function kernelModule(): object {
  compiled ??= new Wasm.Module(Buffer.from(FUSED_KERNELS_WASM_BASE64, 'base64'));
  return compiled;
}

/**
 * The fused engine's WebAssembly memory: one shared memory (worker threads run the same
 * kernels on it), a first-fit allocator with coalescing over it, and typed views. Byte 0..63
 * are never handed out, so pointer 0 means "none" in kernel arguments.
 */
export class FusedRuntime {
  readonly memory: WasmMemory;
  readonly k: Kernels;
  /** Free blocks [start, size] in bytes, sorted by start, never adjacent. */
  private free: [number, number][] = [];
  private readonly sizes = new Map<number, number>();
  private pool: ThreadPool | null = null;
  private wanted = 1;

  constructor(initialBytes = 4 * 2 ** 20) {
    const pages = Math.max(1, Math.ceil(initialBytes / PAGE));
    this.memory = new Wasm.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
    this.k = new Wasm.Instance(kernelModule(), { env: { memory: this.memory } }).exports as unknown as Kernels;
    this.free.push([ALIGN, pages * PAGE - ALIGN]);
  }

  /** Bytes of memory. */
  get bytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** A zeroed block of `floats` 4-byte elements; returns its byte offset. */
  alloc(floats: number): number {
    if (!Number.isInteger(floats) || floats < 0) throw new RangeError(`FusedRuntime.alloc: ${floats} is not a count of floats`);
    const size = Math.max(ALIGN, Math.ceil((floats * 4) / ALIGN) * ALIGN);
    let i = this.free.findIndex(([, s]) => s >= size);
    if (i < 0) {
      this.grow(size);
      i = this.free.findIndex(([, s]) => s >= size);
    }
    const [start, s] = this.free[i];
    if (s === size) this.free.splice(i, 1);
    else this.free[i] = [start + size, s - size];
    this.sizes.set(start, size);
    new Uint8Array(this.memory.buffer, start, size).fill(0);
    return start;
  }

  /** Returns a block to the allocator. */
  release(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`FusedRuntime.release: ${ptr} is not an allocated block`);
    this.sizes.delete(ptr);
    let i = 0;
    while (i < this.free.length && this.free[i][0] < ptr) i++;
    this.free.splice(i, 0, [ptr, size]);
    // coalesce with the next and the previous block
    if (i + 1 < this.free.length && ptr + size === this.free[i + 1][0]) {
      this.free[i][1] += this.free[i + 1][1];
      this.free.splice(i + 1, 1);
    }
    if (i > 0 && this.free[i - 1][0] + this.free[i - 1][1] === ptr) {
      this.free[i - 1][1] += this.free[i][1];
      this.free.splice(i, 1);
    }
  }

  /** Bytes handed out and not released (for leak tests). */
  get allocatedBytes(): number {
    let s = 0;
    for (const v of this.sizes.values()) s += v;
    return s;
  }

  private grow(atLeast: number): void {
    const before = this.bytes;
    const pages = Math.max(Math.ceil(atLeast / PAGE), Math.ceil(before / PAGE)); // at least double
    if (before / PAGE + pages > MAX_PAGES) throw new RangeError(`the fused engine needs more than WebAssembly's 4 GiB of memory`);
    this.memory.grow(pages);
    const last = this.free[this.free.length - 1];
    if (last && last[0] + last[1] === before) last[1] += pages * PAGE;
    else this.free.push([before, pages * PAGE]);
  }

  /** A Float32Array over `floats` elements at byte offset `ptr`. */
  f32(ptr: number, floats: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, floats);
  }

  /** An Int32Array over `count` elements at byte offset `ptr`. */
  i32(ptr: number, count: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, count);
  }

  /** Threads (the calling thread included) that split the large kernels; 1 runs everything here. */
  get threads(): number {
    return this.pool?.size ?? 1;
  }

  set threads(n: number) {
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new RangeError(`fused engine threads must be an integer in [1, 64], got ${n}`);
    this.wanted = n;
    if (this.pool && this.pool.size !== n) {
      this.pool.close();
      this.pool = null;
    }
  }

  /**
   * Runs `kernel` over the range [lo, hi) of its range argument, split into contiguous parts
   * (multiples of 4, the kernels' row block) over the threads when `work` (multiply-adds) is
   * large enough to pay for the hand-off. Every output element is computed by one thread in
   * one summation order, so the result does not depend on the thread count.
   */
  split(kernel: SplittableKernel, args: number[], work: number): void {
    const at = SPLITTABLE[kernel];
    const lo = args[at];
    const hi = args[at + 1];
    const fn = this.k[kernel] as (...a: number[]) => void;
    if (this.wanted <= 1 || work < MIN_SPLIT_WORK || hi - lo < 8) {
      fn(...args);
      return;
    }
    this.pool ??= new ThreadPool(this.wanted, kernelModule(), this.memory, Object.keys(SPLITTABLE));
    this.pool.run(Object.keys(SPLITTABLE).indexOf(kernel), args, at, fn);
  }

  /** Stops the worker threads (they are unref'd, so a process may also just exit). */
  close(): void {
    this.pool?.close();
    this.pool = null;
  }
}

/** Below this many multiply-adds a kernel runs on the calling thread (a hand-off costs ~10–30 µs). */
const MIN_SPLIT_WORK = 400_000;

let shared: FusedRuntime | null = null;

/** The process's fused runtime (one memory, one thread pool), made on first use. */
export function fusedRuntime(): FusedRuntime {
  shared ??= new FusedRuntime();
  return shared;
}
