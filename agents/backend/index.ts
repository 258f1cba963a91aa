export { BACKEND_NAMES, BackendUnavailableError, isBackendName, parseBackendName, installHint, type BackendName, type ConcreteBackendName } from './names.js';
export {
  selectBackend,
  formatBackendReport,
  registerBundledModule,
  AUTO_ORDER,
  type BackendReport,
  type BackendAttempt,
  type SelectBackendOptions,
} from './select.js';
export { patchWasmKernels, wasmKernelsPatched } from './wasm-kernels.js';
export { patchWebgpuReadSync, webgpuReadSyncPatched } from './webgpu-readsync.js';
export { patchWebgpuKernels, webgpuKernelsPatched } from './webgpu-kernels.js';
