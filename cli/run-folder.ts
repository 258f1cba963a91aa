/**
 * The folders train and eval name on the command line: where a run writes (`--out`, or
 * runs/<id>-<UTC time>, or the run a resumed checkpoint belongs to), making it without
 * Node's recursive mkdir (which spins forever under /proc), and a run folder given where a
 * checkpoint is expected.
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CheckpointStore } from '../checkpoints/store.js';
import { UsageError } from './errors.js';

/** A path for display: relative to the working folder when inside it. */
export function showPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

/**
 * A checkpoint folder given on the command line; a run folder (with checkpoints/ inside and
 * no manifest.json) stands for its latest checkpoint, and `note` says so.
 */
export function checkpointPath(p: string, note: (line: string) => void): string {
  if (existsSync(join(p, 'manifest.json')) || !existsSync(join(p, 'checkpoints'))) return p;
  const latest = new CheckpointStore(p, { keepLast: 1 }).latest();
  if (latest === null) return p;
  note(`${p} is a run folder: using its latest checkpoint, ${showPath(latest)}`);
  return latest;
}

function utcStamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

function isNonEmptyDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory() && readdirSync(p).length > 0;
}

/** The run folder a checkpoint inside `<run>/checkpoints/` belongs to. */
export function runOfCheckpoint(checkpoint: string): string | undefined {
  const abs = resolve(checkpoint);
  return basename(dirname(abs)) === 'checkpoints' ? dirname(dirname(abs)) : undefined;
}

/**
 * The run folder: --out, or the resumed checkpoint's run, or runs/<id>-<UTC time>. Checked
 * (not a file, not a non-empty folder unless it is the resumed run, inside a folder that can
 * be written) but not made: `makeRunFolder` makes it once the run can start.
 */
export function runFolder(outFlag: string | undefined, id: string, resume: string | undefined): string {
  const resumeRun = resume ? runOfCheckpoint(resume) : undefined;
  let out: string;
  if (outFlag !== undefined) {
    if (outFlag.trim() === '') throw new UsageError('--out needs a folder name');
    out = resolve(outFlag);
    if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out ${outFlag} is a file; give a folder`);
    if (isNonEmptyDir(out) && out !== resumeRun) {
      throw new UsageError(
        `--out ${outFlag} exists and is not empty; give a new folder, or --resume one of the checkpoints of that run (${join(outFlag, 'checkpoints', 'step-...')})`,
      );
    }
  } else if (resumeRun) {
    out = resumeRun;
  } else {
    const base = resolve('runs', `${id}-${utcStamp()}`);
    out = base;
    for (let i = 2; isNonEmptyDir(out); i++) out = `${base}-${i}`;
  }
  const { existing } = missingFolders(out, outFlag);
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch {
    throw new UsageError(`${outFlag === undefined ? 'the run folder' : `--out ${outFlag}`}: ${existing} cannot be written to; give a folder you can write to`);
  }
  return out;
}

/** The nearest folder of `dir` that exists, and the folders below it to make, outermost first. */
function missingFolders(dir: string, outFlag: string | undefined): { existing: string; missing: string[] } {
  const missing: string[] = [];
  let p = resolve(dir);
  while (!existsSync(p)) {
    missing.unshift(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  if (!statSync(p).isDirectory()) {
    throw new UsageError(`${outFlag === undefined ? 'the run folder' : `--out ${outFlag}`}: ${p} is a file, so no folder can be made under it`);
  }
  return { existing: p, missing };
}

/**
 * Makes the run folder one level at a time, each mkdir a single system call: Node's recursive
 * mkdir loops forever where a file system answers ENOENT for a folder it will not make (/proc).
 */
export function makeRunFolder(dir: string, outFlag: string | undefined): void {
  for (const m of missingFolders(dir, outFlag).missing) {
    try {
      mkdirSync(m);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      if (code === 'EEXIST' && statSync(m).isDirectory()) continue;
      throw new UsageError(`${outFlag === undefined ? 'the run folder' : `--out ${outFlag}`}: cannot make the folder ${m} (${code}); give a folder on a file system you can write to`);
    }
  }
}
