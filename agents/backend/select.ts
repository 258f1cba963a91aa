/**
 * Picks the TensorFlow.js backend for `--backend`. `auto` tries, in order:
 *
 *   tensorflow-gpu  @tensorflow/tfjs-node-gpu, kept only when TensorFlow reports a CUDA GPU
 *   tensorflow      @tensorflow/tfjs-node (TensorFlow's C library on the CPU)
 *   wasm            @tensorflow/tfjs-backend-wasm (SIMD, one thread in Node), repaired by wasm-kernels.ts
 *   cpu             pure JavaScript, the fallback
 *
 * `webgpu` (Dawn's `webgpu` package with @tensorflow/tfjs-backend-webgpu, repaired by
 * webgpu-kernels.ts and webgpu-readsync.ts) is never tried by `auto`: ask for it by name. The
 * native and webgpu packages are optional peer dependencies, imported here by a computed
 * specifier so that neither tsc nor a bundler resolves them and a plain `npm ci` works without
 * them (a bundle that inlines one hands it over with registerBundledModule). Naming one backend
 * that cannot start is an error saying why and what to install; `auto` records why each was
 * passed over (see formatBackendReport).
 */
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError, installHint, parseBackendName, type BackendName, type ConcreteBackendName } from './names.js';
import { patchWasmKernels } from './wasm-kernels.js';
import { patchWebgpuKernels } from './webgpu-kernels.js';
import { patchWebgpuReadSync, trackDawnImmediates } from './webgpu-readsync.js';

export interface BackendAttempt {
  /** The `--backend` name tried ('tensorflow-gpu', 'wasm', …). */
  backend: string;
  ok: boolean;
  /** Why it was passed over, or what was found when it was kept. */
  reason: string;
}

export interface BackendReport {
  /** tf.getBackend() after selection: 'tensorflow', 'wasm', 'cpu' or 'webgpu'. */
  name: string;
  requested: BackendName;
  /** Every backend tried, in order; the last one is the one kept. */
  attempts: BackendAttempt[];
  /** webgpu only: the adapter is a software rasteriser (right answers, no speed). */
  software?: boolean;
}

export interface SelectBackendOptions {
  /** Receives the one-line report (formatBackendReport) once a backend is chosen. */
  log?: (line: string) => void;
}

/** Tried by `auto`, in this order. */
export const AUTO_ORDER: readonly ConcreteBackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

interface Outcome {
  ok: boolean;
  reason: string;
  software?: boolean;
  /** What would make it work, for the error when this backend was named explicitly. */
  hint?: string;
}

const require = createRequire(import.meta.url);

/**
 * Optional packages that a bundle carries inlined (scripts/gpu/entry.ts): a package that
 * shares tfjs-core must come from inside the bundle, since one imported from a node_modules
 * beside it would bring its own copy of tfjs-core.
 */
const bundled = new Map<string, () => Promise<unknown>>();

/** Makes `importOptional(specifier)` call `load` (a literal `import()` a bundler inlines). */
export function registerBundledModule(specifier: string, load: () => Promise<unknown>): void {
  bundled.set(specifier, load);
}

/** Imports a package that tsc and bundlers must not try to resolve (it may be absent). */
const importOptional = (specifier: string): Promise<unknown> => bundled.get(specifier)?.() ?? import(specifier);

/** Whether `pkg` can be resolved from this module (i.e. is installed where Node will look). */
function isInstalled(pkg: string): boolean {
  if (bundled.has(pkg)) return true;
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch (e) {
    // A package whose "exports" hides package.json is still installed.
    return (e as { code?: string }).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED';
  }
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : typeof e === 'object' && e && 'message' in e ? String(e.message) : String(e);
  return message.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}

/** The `tensorflow` backend object registered by tfjs-node(-gpu), as far as we read it. */
interface NodeBackendInfo {
  isGPUPackage?: boolean;
  isUsingGpuDevice?: boolean;
}

function registeredWith(name: string): boolean {
  return tf.findBackendFactory(name) != null;
}

/**
 * Imports a native package (which registers the `tensorflow` backend with our tfjs-core and makes
 * it current), then selects it. Returns the backend object or a reason it could not be used.
 */
async function loadNative(pkg: string): Promise<{ backend: NodeBackendInfo } | { reason: string; hint?: string }> {
  if (!registeredWith('tensorflow')) {
    if (!isInstalled(pkg)) return { reason: `${pkg} not installed` };
    try {
      await importOptional(pkg);
    } catch (e) {
      // Usually the native library was not downloaded at install time (no network then).
      return { reason: `${pkg} failed to load: ${firstLine(e)}`, hint: `reinstall it where it can download libtensorflow: npm install ${pkg}@${tf.version_core}` };
    }
    if (!registeredWith('tensorflow')) {
      return { reason: `${pkg} loaded but registered with another copy of @tensorflow/tfjs (install ${pkg}@${tf.version_core})` };
    }
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) return { reason: `${pkg} loaded but its backend failed to initialise` };
  } catch (e) {
    return { reason: `${pkg} loaded but its backend failed to initialise: ${firstLine(e)}` };
  }
  return { backend: tf.backend() as unknown as NodeBackendInfo };
}

async function tryTensorflowGpu(): Promise<Outcome> {
  const pkg = '@tensorflow/tfjs-node-gpu';
  if (registeredWith('tensorflow') && !isInstalled(pkg)) {
    return { ok: false, reason: `${pkg} not installed` };
  }
  const loaded = await loadNative(pkg);
  if ('reason' in loaded) return { ok: false, ...loaded };
  // NodeJSKernelBackend records `isGPUPackage` (which package built it) and `isUsingGpuDevice`
  // (the binding's answer: TensorFlow's eager context lists a GPU device, i.e. CUDA and cuDNN
  // loaded and found a card). Without a card the GPU build silently runs on the CPU.
  if (loaded.backend.isGPUPackage === false) {
    return { ok: false, reason: `the TensorFlow backend already loaded comes from @tensorflow/tfjs-node, not ${pkg}` };
  }
  if (loaded.backend.isUsingGpuDevice !== true) {
    return {
      ok: false,
      reason: `${pkg} loaded but TensorFlow sees no CUDA GPU`,
      hint: 'it needs an NVIDIA driver, CUDA 11.2 and cuDNN 8.1 on the library path (see its log above); or use --backend auto',
    };
  }
  return { ok: true, reason: `${pkg} on a CUDA GPU` };
}

async function tryTensorflow(): Promise<Outcome> {
  const pkg = '@tensorflow/tfjs-node';
  // Once tfjs-node-gpu is loaded it owns the `tensorflow` backend (two native TensorFlow
  // libraries cannot share a process); without a GPU it is TensorFlow on the CPU, which is
  // what this backend means, so it is used as such.
  const viaGpuPackage = registeredWith('tensorflow') && !isInstalled(pkg);
  const loaded = await loadNative(pkg);
  if ('reason' in loaded) return { ok: false, ...loaded };
  if (loaded.backend.isGPUPackage === true && loaded.backend.isUsingGpuDevice === true) {
    return { ok: false, reason: `the TensorFlow backend already loaded is @tensorflow/tfjs-node-gpu on a GPU, not the CPU build` };
  }
  return { ok: true, reason: viaGpuPackage ? `@tensorflow/tfjs-node-gpu's TensorFlow on the CPU` : `${pkg} on the CPU` };
}

async function tryWasm(): Promise<Outcome> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-wasm failed to load: ${firstLine(e)}` };
  }
  // Point the loader at the package's own .wasm files by absolute path: its default (next to
  // the script that loads it) is wrong once our code is bundled into dist/.
  const engine = tf.engine() as unknown as { registry: Record<string, unknown> };
  if (engine.registry.wasm == null) {
    try {
      const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
      wasm.setWasmPaths(dir + sep);
    } catch (e) {
      return { ok: false, reason: `could not locate the .wasm files: ${firstLine(e)}` };
    }
  }
  patchWasmKernels();
  try {
    if (!(await tf.setBackend('wasm'))) return { ok: false, reason: 'the WebAssembly module failed to initialise' };
  } catch (e) {
    return { ok: false, reason: `the WebAssembly module failed to initialise: ${firstLine(e)}` };
  }
  // Threads stay off in Node (tfjs forces WASM_HAS_MULTITHREAD_SUPPORT false there).
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return { ok: true, reason: `WebAssembly${simd ? ' with SIMD' : ' without SIMD'}, ${wasm.getThreadsCount()} thread` };
}

async function tryCpu(): Promise<Outcome> {
  if (!(await tf.setBackend('cpu'))) return { ok: false, reason: 'the cpu backend failed to initialise' };
  return { ok: true, reason: 'pure JavaScript' };
}

/** A software rasteriser rather than a GPU, by the adapter's own description. */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|softpipe|swiftshader|software|warp|microsoft basic render/i;

interface GpuAdapterLike {
  info?: Record<string, unknown>;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<unknown>;
}
interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<GpuAdapterLike | null>;
}

function describeAdapter(adapter: GpuAdapterLike): { text: string; software: boolean } {
  const info = adapter.info ?? {};
  const parts = ['vendor', 'architecture', 'device', 'description'].map((k) => info[k]).filter((v) => typeof v === 'string' && v !== '');
  const text = [...new Set(parts as string[])].join(' ') || 'unknown adapter';
  const software = adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || SOFTWARE_ADAPTER.test(text);
  return { text, software };
}

/**
 * The adapter tfjs-backend-webgpu will get: `requestAdapter` with our options merged in, and
 * `requestAdapterInfo()` supplied from `adapter.info` where Dawn no longer has it (tfjs 4.22
 * still calls it). Methods are bound to the real adapter so that Dawn's brand checks pass.
 */
function wrapGpu(gpu: GpuLike, extra: Record<string, unknown>): GpuLike {
  return {
    async requestAdapter(options?: Record<string, unknown>) {
      const adapter = await gpu.requestAdapter({ ...options, ...extra });
      if (adapter == null) return null;
      return new Proxy(adapter as object, {
        get(target, prop) {
          if (prop === 'requestAdapterInfo' && typeof (target as GpuAdapterLike).requestAdapterInfo !== 'function') {
            return async () => (target as GpuAdapterLike).info;
          }
          const value = Reflect.get(target, prop, target) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      }) as GpuAdapterLike;
    },
  };
}

async function tryWebgpu(): Promise<Outcome> {
  for (const pkg of ['webgpu', '@tensorflow/tfjs-backend-webgpu']) {
    if (!isInstalled(pkg)) return { ok: false, reason: `${pkg} not installed` };
  }
  let dawn: { create: (flags: string[]) => GpuLike; globals: Record<string, unknown> };
  try {
    dawn = (await importOptional('webgpu')) as typeof dawn;
  } catch (e) {
    return { ok: false, reason: `webgpu (Dawn) failed to load: ${firstLine(e)}` };
  }
  // Before Dawn schedules anything: synchronous reads run its callbacks early (webgpu-readsync.ts).
  trackDawnImmediates();
  // A real GPU first (Vulkan, Metal or D3D); else Dawn's OpenGL ES backend, which on a machine
  // without one runs over Mesa's llvmpipe, headless, at the 'compatibility' feature level.
  const tries: { flags: string[]; options: Record<string, unknown>; env?: Record<string, string> }[] = [
    { flags: [], options: {} },
    { flags: ['backend=opengles'], options: { featureLevel: 'compatibility' }, env: { EGL_PLATFORM: 'surfaceless' } },
  ];
  let chosen: { gpu: GpuLike; options: Record<string, unknown>; adapter: { text: string; software: boolean } } | null = null;
  const failures: string[] = [];
  for (const t of tries) {
    for (const [k, v] of Object.entries(t.env ?? {})) process.env[k] ??= v;
    try {
      const gpu = dawn.create(t.flags);
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', ...t.options });
      if (adapter == null) {
        failures.push(`${t.flags.join(' ') || 'default'}: no adapter`);
        continue;
      }
      chosen = { gpu, options: t.options, adapter: describeAdapter(adapter) };
      break;
    } catch (e) {
      failures.push(`${t.flags.join(' ') || 'default'}: ${firstLine(e)}`);
    }
  }
  if (chosen == null) {
    return {
      ok: false,
      reason: `Dawn found no WebGPU adapter (${failures.join('; ')})`,
      hint:
        process.platform === 'linux'
          ? 'with an NVIDIA GPU, the Vulkan loader (libvulkan1) and the driver\'s Vulkan ICD; without one, Mesa for the software adapter: apt-get install libegl-dev libegl-mesa0 libgl1-mesa-dri (Dawn opens libEGL.so); see docs/gpu.md'
          : 'a GPU driver with Vulkan, Metal or Direct3D 12; see docs/gpu.md',
    };
  }
  // tfjs-backend-webgpu registers itself on import only if navigator.gpu is there by then.
  Object.assign(globalThis, dawn.globals);
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', {
    value: Object.assign(Object.create(nav) as object, { gpu: wrapGpu(chosen.gpu, chosen.options) }),
    configurable: true,
    writable: true,
  });
  try {
    await importOptional('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-webgpu failed to load: ${firstLine(e)}` };
  }
  if (!registeredWith('webgpu')) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-webgpu loaded but registered with another copy of @tensorflow/tfjs` };
  }
  patchWebgpuKernels();
  try {
    if (!(await tf.setBackend('webgpu'))) return { ok: false, reason: `the webgpu backend failed to initialise on ${chosen.adapter.text}` };
  } catch (e) {
    return { ok: false, reason: `the webgpu backend failed to initialise on ${chosen.adapter.text}: ${firstLine(e)}` };
  }
  // Node has no OffscreenCanvas, which tfjs's synchronous read needs (see webgpu-readsync.ts).
  patchWebgpuReadSync(tf.backend());
  const { text, software } = chosen.adapter;
  return {
    ok: true,
    software,
    reason: software ? `software adapter ${text}: right answers, not speed` : `${text}`,
  };
}

const TRY: Record<ConcreteBackendName, () => Promise<Outcome>> = {
  'tensorflow-gpu': tryTensorflowGpu,
  tensorflow: tryTensorflow,
  wasm: tryWasm,
  cpu: tryCpu,
  webgpu: tryWebgpu,
};

/** Runs one small op to prove the backend computes. */
async function smokeTest(): Promise<string | null> {
  try {
    const t = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.scalar(1)));
    const v = await t.data();
    t.dispose();
    return v[0] === 2 && v[1] === 3 ? null : `computed [${Array.from(v).join(', ')}] for [1, 2] + 1`;
  } catch (e) {
    return firstLine(e);
  }
}

/**
 * tfjs's cpu backend greets Node users on its first tensor with "Hi, looks like you are
 * running TensorFlow.js in Node.js ... install our node backend". Here the backend is chosen
 * on purpose and the run's first line says which and why, so the greeting is marked as given.
 */
export function silenceCpuGreeting(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu !== null && cpu.firstUse === true) cpu.firstUse = false;
}

/**
 * Makes `name` (or, for 'auto', the first of AUTO_ORDER that works) the current tfjs backend
 * and reports what was tried. Throws when a named backend cannot start, saying why and what
 * to install.
 */
export async function selectBackend(name: BackendName, opts: SelectBackendOptions = {}): Promise<BackendReport> {
  const requested = parseBackendName(name);
  silenceCpuGreeting();
  const candidates = requested === 'auto' ? AUTO_ORDER : [requested];
  const attempts: BackendAttempt[] = [];
  for (const candidate of candidates) {
    let outcome = await TRY[candidate]();
    if (outcome.ok) {
      const broken = await smokeTest();
      if (broken != null) outcome = { ok: false, reason: `started but failed a smoke test: ${broken}` };
    }
    attempts.push({ backend: candidate, ok: outcome.ok, reason: outcome.reason });
    if (outcome.ok) {
      const report: BackendReport = { name: tf.getBackend(), requested, attempts };
      if (outcome.software !== undefined) report.software = outcome.software;
      opts.log?.(formatBackendReport(report));
      return report;
    }
    if (requested !== 'auto') {
      const hint = outcome.hint ?? (/not installed$/.test(outcome.reason) ? installHint(candidate) : '');
      throw new BackendUnavailableError(candidate, `backend '${candidate}' is not available: ${outcome.reason}${hint ? `; to use it: ${hint}` : ''}`);
    }
  }
  throw new BackendUnavailableError('auto', `no backend could be started: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`);
}

/**
 * One line for the start of a run: the backend kept, then why each one before it was passed
 * over, e.g. `backend: wasm (tensorflow-gpu: @tensorflow/tfjs-node-gpu not installed;
 * tensorflow: @tensorflow/tfjs-node not installed)`.
 */
export function formatBackendReport(report: BackendReport): string {
  const kept = report.attempts.find((a) => a.ok);
  const passed = report.attempts.filter((a) => !a.ok).map((a) => `${a.backend}: ${a.reason}`);
  const notes = [...passed];
  if (report.software) notes.push(kept ? kept.reason : 'software adapter');
  const label = kept?.backend ?? report.name;
  return notes.length > 0 ? `backend: ${label} (${notes.join('; ')})` : `backend: ${label}`;
}
