/** `--backend` for every command that runs policies: the flag, checked, and the line that says which backend runs and why. */
import { BACKEND_NAMES, isBackendName, type BackendName, type BackendReport } from '../agents/backend/index.js';
import { backendReasons } from '../training/run.js';
import { stringFlag, type FlagValues } from './args.js';
import { UsageError } from './errors.js';

/** `--backend`, checked. */
export function backendFlag(values: FlagValues): BackendName {
  const raw = stringFlag(values, 'backend') ?? 'auto';
  if (!isBackendName(raw)) throw new UsageError(`--backend must be one of ${BACKEND_NAMES.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw;
}

/** "backend: wasm (WebAssembly with SIMD, 1 thread; passed over: tensorflow: ... not installed)". */
export function backendLine(report: BackendReport): string {
  const reasons = backendReasons(report);
  return `backend: ${report.name}${reasons ? ` (${reasons})` : ''}`;
}
