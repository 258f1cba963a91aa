/**
 * Synchronous reads (`dataSync`, `arraySync`) on the webgpu backend in Node.
 *
 * tfjs-backend-webgpu 4.22 reads a GPU tensor synchronously through two OffscreenCanvas
 * contexts (the browser copies the pixels back synchronously); Node has no OffscreenCanvas, so
 * every `dataSync()` of a GPU-resident tensor threw `OffscreenCanvas is not defined`, and the
 * trainers, whose rollouts read actions synchronously, could not run on webgpu.
 *
 * WebGPU itself maps a buffer only asynchronously. Dawn's Node binding completes a `mapAsync`
 * in `wgpuInstanceProcessEvents`, which it runs from a callback it passes to the global
 * `setImmediate` (AsyncRunner::ScheduleProcessEvents, which looks `setImmediate` up on every
 * call, and schedules one callback at a time while any GPU promise is pending). So, once the
 * webgpu backend is chosen, `setImmediate` is wrapped: each of those callbacks (a nameless
 * native function) is made to run at most once and is remembered until it has run. A
 * synchronous read copies the tensor to a staging buffer, starts `mapAsync`, and runs the
 * remembered callbacks itself until the buffer is mapped: the read completes inside the call.
 * When the event loop later reaches a callback that already ran, it does nothing.
 * tests/webgpu.test.ts checks these reads against the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';

/** Marks a readSync as ours, so patching twice changes nothing. */
const PATCHED = Symbol.for('buddy-gym.webgpu-readsync');

/** The parts of tfjs-backend-webgpu's WebGPUBackend this file uses. */
interface WebGpuBackendLike {
  readSync(dataId: object): tf.backend_util.BackendValues;
  tensorMap: { get(dataId: object): { values?: tf.backend_util.BackendValues; dtype: tf.DataType; resource?: unknown } | undefined };
  bufferManager: { acquireBuffer(size: number, usage: number): GpuBufferLike; releaseBuffer(buffer: GpuBufferLike): void };
  commandEncoder: { copyBufferToBuffer(src: unknown, srcOffset: number, dst: unknown, dstOffset: number, size: number): void } | null;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
}

interface GpuBufferLike {
  size: number;
  mapState: 'unmapped' | 'pending' | 'mapped';
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

// WebGPU's constants (GPUBufferUsage, GPUMapMode), fixed by the spec.
const MAP_READ = 0x0001;
const COPY_DST = 0x0008;
const MODE_READ = 0x0001;

/** How long a read may wait for the GPU before it is given up. */
const TIMEOUT_MS = 120_000;

type Immediate = (...args: unknown[]) => unknown;

/** Dawn's scheduled ProcessEvents callbacks that have not run yet, each guarded to run once. */
const pendingDawnCallbacks = new Set<() => void>();
const TRACKER = Symbol.for('buddy-gym.webgpu-immediate-tracker');

/** Dawn's callbacks are native functions with no name (Napi::Function::New). */
function looksLikeDawnCallback(fn: unknown): fn is Immediate {
  return typeof fn === 'function' && fn.name === '' && fn.length === 0 && Function.prototype.toString.call(fn).endsWith('{ [native code] }');
}

/** Wraps the global setImmediate so that Dawn's callbacks can be run early (see above). Idempotent. */
export function trackDawnImmediates(): void {
  const g = globalThis as unknown as { setImmediate: Immediate & Record<symbol, boolean> };
  if (g.setImmediate[TRACKER]) return;
  const real = g.setImmediate;
  const wrapped = ((fn: unknown, ...args: unknown[]) => {
    if (!looksLikeDawnCallback(fn)) return real(fn, ...args);
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      pendingDawnCallbacks.delete(once);
      fn(...args);
    };
    pendingDawnCallbacks.add(once);
    return real(once);
  }) as Immediate & Record<symbol, boolean>;
  wrapped[TRACKER] = true;
  g.setImmediate = wrapped;
}

/**
 * Maps `buffer` for reading and returns once it is mapped, running Dawn's event processing in
 * place. Throws (leaving the buffer to the caller to destroy) when the map fails or the GPU
 * takes longer than TIMEOUT_MS.
 */
function mapReadSync(buffer: GpuBufferLike): void {
  trackDawnImmediates();
  let failure: unknown;
  buffer.mapAsync(MODE_READ).catch((e: unknown) => (failure = e ?? 'mapAsync rejected'));
  const deadline = performance.now() + TIMEOUT_MS;
  while (buffer.mapState !== 'mapped') {
    const next = pendingDawnCallbacks.values().next();
    if (next.done) {
      throw new Error(`webgpu: mapping a staging buffer for a synchronous read failed (map state ${buffer.mapState})${failure ? `: ${String(failure)}` : ''}`);
    }
    next.value();
    if (performance.now() > deadline) throw new Error(`webgpu: a synchronous read waited more than ${TIMEOUT_MS / 1000} s for the GPU`);
  }
}

function readSyncViaStaging(backend: WebGpuBackendLike, resource: GpuBufferLike, dtype: tf.DataType): tf.backend_util.BackendValues {
  const size = resource.size;
  const staging = backend.bufferManager.acquireBuffer(size, COPY_DST | MAP_READ);
  let bytes: ArrayBuffer;
  try {
    backend.ensureCommandEncoderReady();
    backend.endComputePassEncoder();
    backend.commandEncoder!.copyBufferToBuffer(resource, 0, staging, 0, size);
    backend.submitQueue();
    mapReadSync(staging);
    bytes = staging.getMappedRange().slice(0);
  } catch (e) {
    // Not back to the pool: a buffer whose map is still pending would break its next user.
    staging.destroy();
    throw e;
  }
  staging.unmap();
  backend.bufferManager.releaseBuffer(staging);
  return tf.util.convertBackendValuesAndArrayBuffer(bytes, dtype);
}

/**
 * Replaces the webgpu backend's readSync, where there is no OffscreenCanvas (Node), by a read
 * through a staging buffer mapped synchronously. Values already on the CPU, strings and
 * complex64 go to the original. Returns whether the backend now has it.
 */
export function patchWebgpuReadSync(backend: tf.KernelBackend): boolean {
  if (typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined') return false;
  const b = backend as unknown as WebGpuBackendLike & Record<symbol, boolean>;
  if (b[PATCHED]) return true;
  trackDawnImmediates();
  const original = b.readSync.bind(b);
  b.readSync = (dataId: object) => {
    const data = b.tensorMap.get(dataId);
    if (data == null || data.values != null || data.dtype === 'string' || data.dtype === 'complex64' || data.resource == null) return original(dataId);
    const values = readSyncViaStaging(b, data.resource as GpuBufferLike, data.dtype);
    data.values = values; // cached on the CPU, as the original does
    return values;
  };
  b[PATCHED] = true;
  return true;
}

/** True once the current webgpu backend reads synchronously through patchWebgpuReadSync. */
export function webgpuReadSyncPatched(): boolean {
  const backend = tf.findBackend('webgpu') as unknown as Record<symbol, boolean> | null;
  return backend?.[PATCHED] === true;
}
