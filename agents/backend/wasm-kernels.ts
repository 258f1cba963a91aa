/**
 * Repairs to the wasm backend of TensorFlow.js 4.22, registered by `selectBackend` when it picks
 * wasm (call `patchWasmKernels()` yourself after `import '@tensorflow/tfjs-backend-wasm'` if you
 * select wasm by hand). Idempotent; each wrapper keeps the original kernel and its setup.
 *
 * 1. `BatchMatMul` and `_FusedMatMul`. The wasm kernels send every call with a transpose flag,
 *    and every batched (batch > 1) call, to a naive C++ loop instead of XNNPACK's fully-connected
 *    operator: 10–16× slower, and every dense layer's gradient sets a transpose flag. That loop
 *    also adds a fused bias wrongly (it indexes the bias by row × cols + col, clamped to the last
 *    element), so `_FusedMatMul` with a bias is wrong whenever it takes that path. The wrappers
 *    transpose explicitly first, fold a shared right-hand side's batch into the rows, and then
 *    call the original kernel with no transpose flag, so that it runs XNNPACK. A fused call that
 *    would still take the slow loop with a bias (a batched right-hand side, or a bias that is not
 *    one value per output column) is done as matmul, then `Add`, then the activation's kernel.
 * 2. `UnsortedSegmentSum`, which wasm lacks, so `tf.gather` had no gradient there. It is written
 *    over the wasm heap in JavaScript: exact (sums in double precision, rounded once), and off
 *    the hot path of our networks.
 * 3. Speed: the wasm `Transpose` kernel is ~20× slower than an elementwise op of the same size
 *    (see transposeTiles), and the reductions (`Sum`, `Mean`, `Max`, `Min`, `Prod`) call it
 *    whenever they reduce a non-inner axis, as every bias gradient does. Both go through a tiled
 *    transpose over the heap instead (~2.5× faster), which fix 1 uses too.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const BACKEND = 'wasm';
/** Marks a kernel function as ours, so patching twice (or after a reload) changes nothing. */
const PATCHED = Symbol.for('buddy-gym.wasm-kernel');

type TensorInfo = tf.TensorInfo;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: tf.NamedAttrMap };
type Kernel = (args: KernelArgs) => TensorInfo;

function isOurs(config: tf.KernelConfig | undefined): boolean {
  return config != null && (config.kernelFunc as unknown as Record<symbol, boolean>)[PATCHED] === true;
}

function mark<F extends Kernel>(f: F): F {
  (f as unknown as Record<symbol, boolean>)[PATCHED] = true;
  return f;
}

function wasmKernel(name: string): Kernel {
  const config = tf.getKernel(name, BACKEND);
  if (config == null) {
    throw new Error(`wasm kernel '${name}' is not registered: import '@tensorflow/tfjs-backend-wasm' before patching it`);
  }
  return config.kernelFunc as unknown as Kernel;
}

/** Replaces the wasm kernel `name` by `make(original)`, keeping its setup and dispose functions. */
function wrapKernel(name: string, make: (original: Kernel) => Kernel): void {
  const config = tf.getKernel(name, BACKEND);
  if (config == null) {
    throw new Error(`wasm kernel '${name}' is not registered: import '@tensorflow/tfjs-backend-wasm' before patching it`);
  }
  if (isOurs(config)) return;
  const original = config.kernelFunc as unknown as Kernel;
  tf.unregisterKernel(name, BACKEND);
  tf.registerKernel({ ...config, kernelFunc: mark(make(original)) as unknown as tf.KernelFunc });
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

type HeapArray = Float32Array | Int32Array | Uint8Array;

/**
 * dst[b][j][i] = src[b][i][j] for `batch` row-major [rows, cols] matrices, in 32×32 tiles.
 * The wasm Transpose kernel walks the output with a stride of `rows` floats; at 1024 rows that
 * stride is 4 KiB and every write lands in the same cache set, which makes it ~20× slower than
 * an elementwise op of the same size. This tiled loop over the wasm heap is ~2.5× faster.
 */
function transposeTiles(src: HeapArray, dst: HeapArray, batch: number, rows: number, cols: number): void {
  const T = 32;
  const size = rows * cols;
  for (let b = 0; b < batch; b++) {
    const base = b * size;
    for (let j0 = 0; j0 < cols; j0 += T) {
      const j1 = Math.min(j0 + T, cols);
      for (let i0 = 0; i0 < rows; i0 += T) {
        const i1 = Math.min(i0 + T, rows);
        for (let j = j0; j < j1; j++) {
          const o = base + j * rows;
          for (let i = i0; i < i1; i++) dst[o + i] = src[base + i * cols + j];
        }
      }
    }
  }
}

const HEAP_DTYPES = new Set(['float32', 'int32', 'bool']);

/**
 * `perm` as `batch` independent 2-D transposes of [rows, cols] blocks, when it is one: the
 * leading axes stay, and the rest is rotated (axes [b, …, b+k-1] move behind [b+k, …, r-1]).
 */
function asTiledTranspose(shape: readonly number[], perm: readonly number[]): { batch: number; rows: number; cols: number } | null {
  const r = shape.length;
  let b = 0;
  while (b < r && perm[b] === b) b++;
  if (b >= r - 1) return null;
  const k = perm[b] - b; // the first moved axis comes from b + k
  for (let i = b; i < r; i++) {
    const expected = i < r - k ? i + k : i - (r - k) + b;
    if (perm[i] !== expected) return null;
  }
  return { batch: sizeOf(shape.slice(0, b)), rows: sizeOf(shape.slice(b, b + k)), cols: sizeOf(shape.slice(b + k)) };
}

/** Transpose by `perm` over the heap in JS when it is tiled 2-D transposes; null when it is not. */
function tiledTranspose(backend: BackendWasm, x: TensorInfo, perm: readonly number[]): TensorInfo | null {
  if (!HEAP_DTYPES.has(x.dtype)) return null;
  const plan = asTiledTranspose(x.shape, perm);
  if (plan == null) return null;
  const out = backend.makeOutput(
    perm.map((p) => x.shape[p]),
    x.dtype,
  );
  // Views after the allocation: growing the heap detaches older ones.
  transposeTiles(
    backend.typedArrayFromHeap(x) as HeapArray,
    backend.typedArrayFromHeap(out) as HeapArray,
    plan.batch,
    plan.rows,
    plan.cols,
  );
  return out;
}

/** Helpers over the wasm backend's own kernels; every TensorInfo they return is disposed by the caller. */
class Ops {
  private readonly reshapeKernel = wasmKernel('Reshape');
  constructor(readonly backend: BackendWasm) {}

  /** Swaps the last two axes. */
  swapLast(x: TensorInfo): TensorInfo {
    const r = x.shape.length;
    const perm = [...Array(r).keys()];
    perm[r - 2] = r - 1;
    perm[r - 1] = r - 2;
    return tiledTranspose(this.backend, x, perm) ?? this.run('Transpose', { x }, { perm });
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.reshapeKernel({ inputs: { x }, backend: this.backend, attrs: { shape } });
  }

  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): TensorInfo {
    return wasmKernel(name)({ inputs, backend: this.backend, attrs });
  }

  dispose(...xs: TensorInfo[]): void {
    for (const x of xs) this.backend.disposeData(x.dataId);
  }
}

interface MatMulPlan {
  a: TensorInfo;
  b: TensorInfo;
  /** Temporaries made here: dispose after the call. */
  temps: TensorInfo[];
  /** The shape the result must have (the original kernel's output shape). */
  outShape: number[];
  /** True when the call will take XNNPACK's path (no transpose, one batch on both sides). */
  fast: boolean;
}

/**
 * Transposes a and b explicitly where flagged and, when b has one batch and a several, folds a's
 * batch into its rows ([B, M, K] → [1, B·M, K]), so that the original kernel sees no transpose
 * flag and batch 1 wherever that gives the same product.
 */
function planMatMul(ops: Ops, a0: TensorInfo, b0: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulPlan {
  const temps: TensorInfo[] = [];
  let a = a0;
  let b = b0;
  if (transposeA) temps.push((a = ops.swapLast(a)));
  if (transposeB) temps.push((b = ops.swapLast(b)));
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  const m = a.shape[a.shape.length - 2];
  const k = a.shape[a.shape.length - 1];
  const n = b.shape[b.shape.length - 1];
  const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter), m, n];
  const aBatch = sizeOf(aOuter);
  const bBatch = sizeOf(bOuter);
  if (bBatch === 1 && aBatch > 1) {
    // One right-hand side for every batch of a: a's batches are just more rows.
    temps.push((a = ops.reshape(a, [1, aBatch * m, k])));
  }
  const fast = bBatch === 1;
  return { a, b, temps, outShape, fast };
}

function patchedBatchMatMul(original: Kernel): Kernel {
  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    const ops = new Ops(backend);
    const plan = planMatMul(ops, a, b, transposeA, transposeB);
    try {
      const out = original({ inputs: { a: plan.a, b: plan.b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
      out.shape = plan.outShape;
      return out;
    } finally {
      ops.dispose(...plan.temps);
    }
  };
}

/** The activation's own wasm kernel applied to x (x is not disposed). */
function applyActivation(ops: Ops, x: TensorInfo, attrs: tf.NamedAttrMap, prelu: TensorInfo | undefined): TensorInfo | null {
  const activation = (attrs.activation as string | undefined) ?? 'linear';
  switch (activation) {
    case 'linear':
      return null;
    case 'relu':
      return ops.run('Relu', { x });
    case 'relu6':
      return ops.run('Relu6', { x });
    case 'sigmoid':
      return ops.run('Sigmoid', { x });
    case 'elu':
      return ops.run('Elu', { x });
    case 'leakyrelu':
      return ops.run('LeakyRelu', { x }, { alpha: (attrs.leakyreluAlpha as number | undefined) ?? 0.2 });
    case 'prelu':
      if (prelu == null) throw new Error('_FusedMatMul: prelu activation without preluActivationWeights');
      return ops.run('Prelu', { x, alpha: prelu });
    default:
      throw new Error(`_FusedMatMul: activation '${activation}' is not supported on wasm`);
  }
}

function patchedFusedMatMul(original: Kernel): Kernel {
  return ({ inputs, backend, attrs }) => {
    const { a, b, bias, preluActivationWeights } = inputs as {
      a: TensorInfo;
      b: TensorInfo;
      bias?: TensorInfo;
      preluActivationWeights?: TensorInfo;
    };
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    const ops = new Ops(backend);
    const plan = planMatMul(ops, a, b, transposeA, transposeB);
    const n = plan.outShape[plan.outShape.length - 1];
    try {
      // The original fuses a bias correctly only on XNNPACK's path, and only a rank-1 bias with
      // one value per output column (it reads the bias's rank from the backend's own record).
      const biasFusable =
        bias == null ||
        (plan.fast && bias.shape.length === 1 && bias.shape[0] === n && backend.dataIdMap.get(bias.dataId)?.shape.length === 1);
      const preluFusable = preluActivationWeights == null || plan.fast;
      const flat = { ...attrs, transposeA: false, transposeB: false };
      if (biasFusable && preluFusable) {
        const out = original({ inputs: { a: plan.a, b: plan.b, bias, preluActivationWeights }, backend, attrs: flat });
        out.shape = plan.outShape;
        return out;
      }
      // Unfused: product, then bias, then activation, each by its own kernel.
      const product = original({ inputs: { a: plan.a, b: plan.b }, backend, attrs: { ...flat, activation: 'linear' } });
      product.shape = plan.outShape;
      let y = product;
      if (bias != null) {
        const withBias = ops.run('Add', { a: y, b: bias });
        ops.dispose(y);
        y = withBias;
      }
      const activated = applyActivation(ops, y, attrs, preluActivationWeights);
      if (activated == null) return y;
      ops.dispose(y);
      return activated;
    } finally {
      ops.dispose(...plan.temps);
    }
  };
}

function patchedTranspose(original: Kernel): Kernel {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    return tiledTranspose(args.backend, x, args.attrs.perm as number[]) ?? original(args);
  };
}

/**
 * Reductions over axes that are not the innermost: the wasm kernels first move the reduced axes
 * last with the slow Transpose (a bias gradient, a sum over the batch axis, spends ~90% of its
 * time there). Transposed here by tiles instead, then reduced by the original over inner axes.
 */
function patchedReduction(original: Kernel): Kernel {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
    const perm = tf.backend_util.getAxesPermutation(axes, rank);
    const moved = perm == null ? null : tiledTranspose(backend, x, perm);
    if (moved == null) return original(args);
    try {
      const inner = tf.backend_util.getInnerMostAxes(axes.length, rank);
      const out = original({ inputs: { x: moved }, backend, attrs: { ...attrs, axis: inner, keepDims: false } });
      if (attrs.keepDims === true) out.shape = tf.backend_util.expandShapeToKeepDim(out.shape, axes);
      return out;
    } finally {
      backend.disposeData(moved.dataId);
    }
  };
}

/** Reductions whose wasm kernels transpose non-inner axes first. */
const REDUCTIONS = ['Sum', 'Mean', 'Max', 'Min', 'Prod'] as const;

/**
 * out[s, …] = Σ over rows i with segmentIds[i] = s of x[i, …]; ids outside [0, numSegments)
 * are dropped, as TensorFlow does. segmentIds has the shape of x's leading axes.
 */
const unsortedSegmentSum: Kernel = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = attrs.numSegments as number;
  const idsRank = segmentIds.shape.length;
  const inner = sizeOf(x.shape.slice(idsRank));
  const rows = sizeOf(segmentIds.shape);
  const outShape = [numSegments, ...x.shape.slice(idsRank)];
  const acc = new Float64Array(numSegments * inner);
  {
    // Views of the heap go stale when the heap grows: read before allocating the output.
    const xs = backend.typedArrayFromHeap(x);
    const ids = backend.typedArrayFromHeap(segmentIds);
    for (let i = 0; i < rows; i++) {
      const s = ids[i];
      if (!(s >= 0 && s < numSegments)) continue;
      const src = i * inner;
      const dst = s * inner;
      for (let j = 0; j < inner; j++) acc[dst + j] += xs[src + j];
    }
  }
  const out = backend.makeOutput(outShape, x.dtype);
  backend.typedArrayFromHeap(out).set(acc);
  return out;
};

/** True once the repairs are registered for wasm. */
export function wasmKernelsPatched(): boolean {
  return (
    ['BatchMatMul', '_FusedMatMul', 'Transpose', ...REDUCTIONS].every((k) => isOurs(tf.getKernel(k, BACKEND))) &&
    tf.getKernel('UnsortedSegmentSum', BACKEND) != null
  );
}

/** Registers the repairs for the wasm backend; needs '@tensorflow/tfjs-backend-wasm' imported. */
export function patchWasmKernels(): void {
  wrapKernel('BatchMatMul', patchedBatchMatMul);
  wrapKernel('_FusedMatMul', patchedFusedMatMul);
  wrapKernel('Transpose', patchedTranspose);
  for (const name of REDUCTIONS) wrapKernel(name, patchedReduction);
  if (tf.getKernel('UnsortedSegmentSum', BACKEND) == null) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: BACKEND,
      kernelFunc: mark(unsortedSegmentSum) as unknown as tf.KernelFunc,
    });
  }
}
