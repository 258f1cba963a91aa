import { Worker } from 'node:worker_threads';
import type { WasmMemory } from './runtime.js';

/**
 * Worker threads that run the fused kernels on the shared memory: the calling thread
 * posts one kernel call with its range split into `size` parts, runs the last part itself
 * and waits for the others. Hand-offs go through a SharedArrayBuffer with Atomics (a short
 * spin, then a futex wait), not through messages, so one costs microseconds.
 *
 * Control block (Int32): [0] job sequence (−1: stop), [1] kernel index, [2] argument count,
 * [3] index of the range argument, then per worker w: [4 + 3w] done sequence,
 * [5 + 3w] range start, [6 + 3w] range end. Arguments are float64s in a second buffer.
 */
const SEQ = 0;
const KERNEL = 1;
const ARGC = 2;
const RANGE_AT = 3;
const slot = (w: number) => 4 + 3 * w;
const MAX_ARGS = 16;
/** Spins before a futex wait: enough to catch a partner that finishes within ~20 µs. */
const SPINS = 2000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrlBuf, argsBuf, index, names, spins } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = names.map((n) => exports[n]);
const ctrl = new Int32Array(ctrlBuf);
const args = new Float64Array(argsBuf);
const base = 4 + 3 * index;
let seen = 0;
for (;;) {
  let s = 0;
  while (Atomics.load(ctrl, 0) === seen) {
    if (++s > spins) { Atomics.wait(ctrl, 0, seen); s = 0; }
  }
  seen = Atomics.load(ctrl, 0);
  if (seen < 0) break;
  const argc = ctrl[2];
  const a = new Array(argc);
  for (let i = 0; i < argc; i++) a[i] = args[i];
  a[ctrl[3]] = ctrl[base + 1];
  a[ctrl[3] + 1] = ctrl[base + 2];
  if (a[ctrl[3]] < a[ctrl[3] + 1]) fns[ctrl[1]](...a);
  Atomics.store(ctrl, base, seen);
  Atomics.notify(ctrl, base);
}
`;

export class ThreadPool {
  private readonly workers: Worker[] = [];
  private readonly ctrl: Int32Array;
  private readonly args: Float64Array;
  private seq = 0;

  /** `size` threads in all: this one and size − 1 workers. */
  constructor(
    readonly size: number,
    module: object,
    memory: WasmMemory,
    names: string[],
  ) {
    const ctrlBuf = new SharedArrayBuffer(4 * slot(size));
    const argsBuf = new SharedArrayBuffer(8 * MAX_ARGS);
    this.ctrl = new Int32Array(ctrlBuf);
    this.args = new Float64Array(argsBuf);
    for (let w = 0; w < size - 1; w++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctrlBuf, argsBuf, index: w, names, spins: SPINS } });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /**
   * Calls kernel `kernel` (index into the names) with `args`, its range argument at
   * `rangeAt` split into `size` contiguous parts whose inner boundaries are multiples of 4.
   */
  run(kernel: number, args: number[], rangeAt: number, self: (...a: number[]) => void): void {
    if (args.length > MAX_ARGS) throw new RangeError(`ThreadPool.run: at most ${MAX_ARGS} arguments`);
    const lo = args[rangeAt];
    const hi = args[rangeAt + 1];
    const parts = this.size;
    const step = Math.ceil((hi - lo) / parts / 4) * 4;
    const c = this.ctrl;
    for (let i = 0; i < args.length; i++) this.args[i] = args[i];
    c[KERNEL] = kernel;
    c[ARGC] = args.length;
    c[RANGE_AT] = rangeAt;
    for (let w = 0; w < parts - 1; w++) {
      c[slot(w) + 1] = Math.min(hi, lo + w * step);
      c[slot(w) + 2] = Math.min(hi, lo + (w + 1) * step);
    }
    this.seq = this.seq >= 0x3fffffff ? 1 : this.seq + 1;
    Atomics.store(c, SEQ, this.seq);
    Atomics.notify(c, SEQ);
    const mine = args.slice();
    mine[rangeAt] = Math.min(hi, lo + (parts - 1) * step);
    if (mine[rangeAt] < hi) self(...mine);
    for (let w = 0; w < parts - 1; w++) {
      let s = 0;
      while (Atomics.load(c, slot(w)) !== this.seq) {
        if (++s > SPINS) {
          Atomics.wait(c, slot(w), Atomics.load(c, slot(w)), 1);
          s = 0;
        }
      }
    }
  }

  close(): void {
    Atomics.store(this.ctrl, SEQ, -1);
    Atomics.notify(this.ctrl, SEQ);
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}
