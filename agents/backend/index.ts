export { BACKEND_NAMES, isBackendName, parseBackendName, installHint, type BackendName, type ConcreteBackendName } from './names.js';
export {
  selectBackend,
  formatBackendReport,
  AUTO_ORDER,
  type BackendReport,
  type BackendAttempt,
  type SelectBackendOptions,
} from './select.js';
export { patchWasmKernels, wasmKernelsPatched } from './wasm-kernels.js';
