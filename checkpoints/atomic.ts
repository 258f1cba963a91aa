/**
 * Durable, atomic file-system steps: files written and fsynced, folders swapped in by rename,
 * small JSON files replaced by rename, and the clean-up after a save that was killed.
 *
 * POSIX has no atomic "replace a non-empty folder" (rename(2) fails with ENOTEMPTY and Node
 * has no renameat2(RENAME_EXCHANGE)), so replacing `dir` takes two renames: `dir` aside to
 * `dir.old-<pid>-<hex>`, then the new folder in. A kill between them leaves no `dir` but a
 * complete `dir.old-*`: `loadCheckpoint(dir)` then reads that one, and the next save to `dir`
 * renames it back first (`recoverInterruptedSave`). Folders named `*.tmp-*` / `*.old-*` are
 * never loaded by their own name.
 */
import { randomBytes } from 'node:crypto';
import { lstat, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CHECKPOINT_FORMAT, CheckpointError, TRANSIENT_RE } from './format.js';

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

/** Writes a new file (refusing to overwrite one), fsyncs it and closes it. */
export async function writeFileDurable(path: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsyncs a folder so that the names created or renamed in it survive a crash. */
export async function fsyncDir(path: string): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    // Windows cannot open a folder; its renames are journalled by NTFS.
    if (process.platform === 'win32' && ['EISDIR', 'EPERM', 'EACCES'].includes(errno(e) ?? '')) return;
    throw e;
  }
  try {
    await fh.sync();
  } catch (e) {
    // Some file systems do not fsync folders (EINVAL); nothing more can be done there.
    if (!['EINVAL', 'ENOTSUP', 'EPERM', 'EBADF'].includes(errno(e) ?? '')) throw e;
  } finally {
    await fh.close();
  }
}

/** `<path>.<kind>-<pid>-<8 hex>`: a sibling that TRANSIENT_RE recognises. */
export function transientSibling(path: string, kind: 'tmp' | 'old'): string {
  return `${path}.${kind}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (e) {
    if (errno(e) === 'ENOENT') return false;
    throw e;
  }
}

/** Does `dir` hold a manifest.json that parses and says it is a buddy-gym checkpoint? */
export async function looksLikeCheckpoint(dir: string): Promise<boolean> {
  try {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { format?: unknown };
    return m !== null && typeof m === 'object' && m.format === CHECKPOINT_FORMAT;
  } catch {
    return false;
  }
}

/**
 * Moves the complete folder `tmp` to `dir`. A `dir` already there must be a buddy-gym
 * checkpoint (possibly damaged) or empty: it is renamed aside, the new one renamed in, the
 * parent fsynced, and the old one removed. Anything else at `dir` is refused, not destroyed.
 */
export async function installFolder(tmp: string, dir: string): Promise<void> {
  const parent = dirname(dir);
  let st;
  try {
    st = await lstat(dir);
  } catch (e) {
    if (errno(e) !== 'ENOENT') throw e;
  }
  if (!st) {
    await rename(tmp, dir);
    await fsyncDir(parent);
    return;
  }
  if (!st.isDirectory()) {
    throw new CheckpointError('bad-input', `cannot write a checkpoint at ${dir}: a file is in the way`, dir);
  }
  const entries = await readdir(dir);
  if (entries.length > 0) {
    const hasManifest = entries.includes('manifest.json');
    let foreign = !hasManifest;
    if (hasManifest) {
      try {
        const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { format?: unknown };
        foreign = m !== null && typeof m === 'object' && typeof m.format === 'string' && m.format !== CHECKPOINT_FORMAT;
      } catch {
        foreign = false; // our own checkpoint with a damaged manifest: replacing it is the point
      }
    }
    if (foreign) {
      throw new CheckpointError(
        'bad-input',
        `refusing to replace ${dir}: it is a non-empty folder and not a buddy-gym checkpoint`,
        dir,
      );
    }
  }
  const old = transientSibling(dir, 'old');
  await rename(dir, old);
  try {
    await rename(tmp, dir);
  } catch (e) {
    await rename(old, dir).catch(() => undefined);
    throw e;
  }
  await fsyncDir(parent);
  await rm(old, { recursive: true, force: true });
}

/** Replaces the file `path` with `text` atomically: temporary sibling, fsync, rename, fsync. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = transientSibling(path, 'tmp');
  try {
    await writeFileDurable(tmp, text);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dirname(path));
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}

interface Transient {
  path: string;
  kind: 'tmp' | 'old';
  pid: number;
}

async function transientSiblings(dir: string): Promise<Transient[]> {
  const parent = dirname(dir);
  const base = basename(dir);
  let names: string[];
  try {
    names = await readdir(parent);
  } catch (e) {
    if (errno(e) === 'ENOENT') return [];
    throw e;
  }
  const out: Transient[] = [];
  for (const name of names) {
    const m = TRANSIENT_RE.exec(name);
    if (m && m[1] === base) out.push({ path: join(parent, name), kind: m[2] as 'tmp' | 'old', pid: Number(m[3]) });
  }
  return out;
}

/**
 * When `dir` is missing because a save was killed between its two renames: the complete
 * previous checkpoint it had renamed aside (`dir.old-*`), newest first; else null.
 */
export async function findRenamedAside(dir: string): Promise<string | null> {
  if (await exists(dir)) return null;
  const olds = (await transientSiblings(dir)).filter((t) => t.kind === 'old');
  const dated: { path: string; mtime: number }[] = [];
  for (const t of olds) {
    if (await looksLikeCheckpoint(t.path)) dated.push({ path: t.path, mtime: (await stat(t.path)).mtimeMs });
  }
  dated.sort((a, b) => b.mtime - a.mtime);
  return dated[0]?.path ?? null;
}

/**
 * Repairs what a killed save to `dir` left: renames a complete `dir.old-*` back when `dir` is
 * missing, and removes the `dir.tmp-*` / `dir.old-*` folders of processes that no longer run.
 * Called by every save; harmless when there is nothing to do.
 */
export async function recoverInterruptedSave(dir: string): Promise<void> {
  const aside = await findRenamedAside(dir);
  if (aside) {
    await rename(aside, dir);
    await fsyncDir(dirname(dir));
  }
  for (const t of await transientSiblings(dir)) {
    if (!pidAlive(t.pid)) await rm(t.path, { recursive: true, force: true });
  }
}
