/**
 * Builds dist/ once per test run when it is missing or older than the sources, because the
 * tests that run the real `bin/buddy-gym.js` and the README's examples (which import the
 * package by name) need it. The build goes to a sibling folder that is then swapped in, so
 * a run beside this one never sees a half-built dist/; a lock keeps two runs from building
 * at once. A failed build does not stop the run: it is handed to the tests that need dist/
 * (`inject('distBuild')`), which fail with the build's output, while the others go on.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** null when dist/ is fresh, else why it could not be built. */
    distBuild: { error: string | null; built: boolean };
  }
}

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['index.ts', 'envs', 'agents', 'training', 'checkpoints', 'package.json', 'tsup.config.ts', 'tsconfig.json'];
const OUTPUTS = ['dist/index.js', 'dist/index.d.ts', 'dist/cli.js', 'dist/dashboard-worker.js'];

function newestSource(path: string): number {
  const full = join(root, path);
  if (!existsSync(full)) return 0;
  const st = statSync(full);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file shows as a newer folder
  for (const entry of readdirSync(full)) newest = Math.max(newest, newestSource(join(path, entry)));
  return newest;
}

export function distIsFresh(): boolean {
  if (!OUTPUTS.every((p) => existsSync(join(root, p)))) return false;
  const built = Math.min(...OUTPUTS.map((p) => statSync(join(root, p)).mtimeMs));
  return SOURCES.every((s) => newestSource(s) <= built);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function build(): void {
  const lock = join(root, '.tmp', 'dist-build.lock');
  mkdirSync(join(root, '.tmp'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another run is building; a lock older than 2 minutes is from a run that died.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for another test run to finish building dist/');
      sleep(200);
    }
  }
  try {
    if (distIsFresh()) return; // built by the run we waited for
    // The temporary folder is a sibling of dist/, so the source maps' relative paths stay right.
    const out = `.dist-build-${process.pid}`;
    try {
      execFileSync(join(root, 'node_modules', '.bin', 'tsup'), ['--out-dir', out], { cwd: root, stdio: 'pipe', timeout: 120_000 });
      const old = join(root, `.dist-old-${process.pid}`);
      if (existsSync(join(root, 'dist'))) renameSync(join(root, 'dist'), old);
      renameSync(join(root, out), join(root, 'dist'));
      rmSync(old, { recursive: true, force: true });
    } finally {
      rmSync(join(root, out), { recursive: true, force: true });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export default function setup(project: TestProject): void {
  if (distIsFresh()) {
    project.provide('distBuild', { error: null, built: false });
    return;
  }
  try {
    build();
    project.provide('distBuild', { error: null, built: true });
  } catch (e) {
    const err = e as { message?: string; stdout?: Buffer; stderr?: Buffer };
    const output = `${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`.trim();
    project.provide('distBuild', { error: `building dist/ with tsup failed: ${err.message ?? String(e)}\n${output.slice(-4000)}`, built: false });
  }
}
