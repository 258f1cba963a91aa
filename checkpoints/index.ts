export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  READABLE_VERSIONS,
  CheckpointError,
  canonicalJson,
  manifestDigest,
  type CheckpointErrorCode,
  type Manifest,
  type ManifestFile,
  type NamedTensor,
  type OptimizerEntry,
  type PolicyEntry,
  type TensorEntry,
} from './format.js';
export { saveCheckpoint, copyCheckpoint, type CheckpointContents } from './save.js';
export {
  loadCheckpoint,
  readManifest,
  verifyCheckpoint,
  restoreOptimizer,
  disposeCheckpoint,
  type LoadedCheckpoint,
  type CheckpointSummary,
  type ExpectOptions,
} from './load.js';
export { recoverInterruptedSave } from './atomic.js';
export {
  CheckpointStore,
  stepFolderName,
  POINTER_FORMAT,
  type CheckpointStoreOptions,
  type StoredCheckpoint,
  type BestCheckpoint,
} from './store.js';
