/**
 * The names `--backend` accepts. `auto` picks the fastest that loads (see select.ts); the
 * others name one TensorFlow.js backend, and asking for one that cannot load is an error.
 */
export const BACKEND_NAMES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu', 'webgpu'] as const;

export type BackendName = (typeof BACKEND_NAMES)[number];

/** Every name but `auto`: one backend each. */
export type ConcreteBackendName = Exclude<BackendName, 'auto'>;

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

/**
 * A backend named on the command line (or by a caller) that cannot start here: a missing
 * optional package, no GPU. A fact about this machine, not a crash: the CLI reports it as
 * one line with exit code 2.
 */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
  constructor(
    readonly backend: string,
    message: string,
  ) {
    super(message);
  }
}

/** `value` as a BackendName, or an error that names the value and lists the allowed names. */
export function parseBackendName(value: unknown): BackendName {
  if (isBackendName(value)) return value;
  const shown = typeof value === 'string' ? `"${value}"` : String(value);
  throw new Error(`unknown backend ${shown}: expected one of ${BACKEND_NAMES.join(', ')}`);
}

/** The npm package each optional backend needs, and the exact version to install (one tfjs-core). */
export const BACKEND_PACKAGES: Partial<Record<ConcreteBackendName, readonly string[]>> = {
  'tensorflow-gpu': ['@tensorflow/tfjs-node-gpu'],
  tensorflow: ['@tensorflow/tfjs-node'],
  webgpu: ['@tensorflow/tfjs-backend-webgpu', 'webgpu'],
};

const PEER_VERSIONS: Record<string, string> = {
  '@tensorflow/tfjs-node-gpu': '4.22.0',
  '@tensorflow/tfjs-node': '4.22.0',
  '@tensorflow/tfjs-backend-webgpu': '4.22.0',
  webgpu: '0.6.2',
};

/** `npm install …` for the optional packages a backend needs ('' for wasm and cpu, which ship). */
export function installHint(name: ConcreteBackendName): string {
  const pkgs = BACKEND_PACKAGES[name];
  if (!pkgs) return '';
  return `npm install ${pkgs.map((p) => `${p}@${PEER_VERSIONS[p]}`).join(' ')}`;
}
