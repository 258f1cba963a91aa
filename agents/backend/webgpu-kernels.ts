/**
 * A repair to @tensorflow/tfjs-backend-webgpu 4.22's kernels, registered over the originals
 * (as wasm-kernels.ts does for wasm).
 *
 * `AddN` runs one shader that binds every input and the output as storage buffers. WebGPU's
 * default limit is 8 storage buffers per shader stage (tfjs asks for no more), so an AddN of 8
 * or more tensors failed validation and silently produced nothing; the gradient of a layer
 * input used many times (the pool scorer's observation feeds seven slices) is such a sum. The
 * wrapper sums at most `maxStorageBuffersPerShaderStage − 1` tensors per call and then sums
 * the partial sums, as the original Concat kernel already does for its inputs.
 *
 * `Cast` from int32 or bool to float32 does not convert: it labels the same i32 buffer
 * float32. Programs that read their input through getters convert it, but `Transpose` (and so
 * every reduction over an inner axis) writes the raw i32 into an f32 output, which fails WGSL
 * validation and silently leaves zeros. The wrapper materialises the cast with `Round`
 * (exact on integers), whose getter converts. `Transpose` of an int32 tensor fails the same
 * way; the wrapper transposes it as float32 (exact below 2^24) and casts back.
 */
import * as tf from '@tensorflow/tfjs';

const BACKEND = 'webgpu';
const PATCHED = Symbol.for('buddy-gym.webgpu-kernel');

type TensorInfo = tf.TensorInfo;
interface WebGpuBackendLike {
  device: { limits: { maxStorageBuffersPerShaderStage: number } };
  disposeData(dataId: object): boolean;
}
type Kernel = (args: { inputs: TensorInfo[]; backend: WebGpuBackendLike; attrs?: tf.NamedAttrMap }) => TensorInfo;
type NamedKernel = (args: { inputs: Record<string, TensorInfo>; backend: WebGpuBackendLike; attrs?: tf.NamedAttrMap }) => TensorInfo;

function isOurs(config: tf.KernelConfig | undefined): boolean {
  return config != null && (config.kernelFunc as unknown as Record<symbol, boolean>)[PATCHED] === true;
}

/** Inputs one AddN shader may bind: the stage's storage buffers less the output's. */
export function addNChunkSize(backend: WebGpuBackendLike): number {
  return Math.max(2, backend.device.limits.maxStorageBuffersPerShaderStage - 1);
}

function chunkedAddN(original: Kernel): Kernel {
  return ({ inputs, backend, attrs }) => {
    const chunk = addNChunkSize(backend);
    let level = inputs;
    let made: TensorInfo[] = []; // partial sums made here, disposed once summed
    while (level.length > chunk) {
      const next: TensorInfo[] = [];
      for (let i = 0; i < level.length; i += chunk) {
        const part = level.slice(i, i + chunk);
        next.push(part.length === 1 ? part[0] : original({ inputs: part, backend, attrs }));
      }
      for (const t of made) if (!next.includes(t)) backend.disposeData(t.dataId);
      made = next.filter((t) => !inputs.includes(t));
      level = next;
    }
    const out = original({ inputs: level, backend, attrs });
    for (const t of made) backend.disposeData(t.dataId);
    return out;
  };
}

function int32AsFloatTranspose(original: NamedKernel): NamedKernel {
  return ({ inputs, backend, attrs }) => {
    const x = inputs.x;
    if (x.dtype !== 'int32') return original({ inputs, backend, attrs });
    const cast = tf.getKernel('Cast', BACKEND)!.kernelFunc as unknown as NamedKernel;
    const asFloat = cast({ inputs: { x }, backend, attrs: { dtype: 'float32' } });
    const moved = original({ inputs: { x: asFloat }, backend, attrs });
    const out = cast({ inputs: { x: moved }, backend, attrs: { dtype: 'int32' } });
    backend.disposeData(asFloat.dataId);
    backend.disposeData(moved.dataId);
    return out;
  };
}

function convertingCast(original: NamedKernel): NamedKernel {
  return ({ inputs, backend, attrs }) => {
    const x = inputs.x;
    const out = original({ inputs, backend, attrs });
    const shared = out.dataId === x.dataId && attrs?.dtype === 'float32' && (x.dtype === 'int32' || x.dtype === 'bool');
    if (!shared) return out;
    const round = tf.getKernel('Round', BACKEND)!.kernelFunc as unknown as NamedKernel;
    const converted = round({ inputs: { x: out }, backend });
    backend.disposeData(out.dataId); // the reference the shared cast took
    return converted;
  };
}

const REPAIRS: Record<string, (original: never) => Kernel | NamedKernel> = { AddN: chunkedAddN, Cast: convertingCast, Transpose: int32AsFloatTranspose };

/** True once the repairs are registered for webgpu. */
export function webgpuKernelsPatched(): boolean {
  return Object.keys(REPAIRS).every((name) => isOurs(tf.getKernel(name, BACKEND)));
}

/** Registers the repairs for the webgpu backend; needs '@tensorflow/tfjs-backend-webgpu' imported. */
export function patchWebgpuKernels(): void {
  for (const [name, repair] of Object.entries(REPAIRS)) {
    const config = tf.getKernel(name, BACKEND);
    if (config == null) throw new Error(`webgpu kernel '${name}' is not registered: import '@tensorflow/tfjs-backend-webgpu' before patching it`);
    if (isOurs(config)) continue;
    const kernelFunc = repair(config.kernelFunc as never);
    (kernelFunc as unknown as Record<symbol, boolean>)[PATCHED] = true;
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel({ ...config, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}
