/**
 * What every sink shares: the `Sink` handle, a subscribe helper that turns completion into
 * a flushed `done`, and `BufferedWriter`, which queues text in memory and writes it in
 * batches with one write in flight at a time (so a slow disk or terminal never pushes
 * back on the trainer: the text waits in memory instead).
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { dirname } from 'node:path';
import type { Observable } from 'rxjs';
import type { TrainEvent } from '../events.js';

/** A subscribed sink. */
export interface Sink {
  /** Resolves once the events stream completed (or `unsubscribe()` was called) and all output was flushed; rejects with the sink's error (I/O, a folder that cannot be made). */
  readonly done: Promise<void>;
  /** Stops listening and flushes what was received; `done` settles after that. */
  unsubscribe(): void;
}

/**
 * Subscribes `onEvent` to `events$`; when the stream ends (completion, error, or
 * `unsubscribe()`) calls `finish` once and settles `done` with it. An exception from
 * `onEvent` stops the sink and rejects `done`. `done` never counts as an unhandled rejection.
 */
export function subscribeSink(events$: Observable<TrainEvent>, onEvent: (e: TrainEvent) => void, finish: () => Promise<void>): Sink {
  let settle!: (p: Promise<void>) => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  done.catch(() => undefined);
  let ended = false;
  let failure: unknown;
  let failed = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    settle(finish().then(() => {
      if (failed) throw failure;
    }));
  };
  let subscription: { unsubscribe(): void } | undefined;
  subscription = events$.subscribe({
    next: (e) => {
      if (ended) return;
      try {
        onEvent(e);
      } catch (err) {
        failed = true;
        failure = err;
        subscription?.unsubscribe();
        end();
      }
    },
    error: end, // the trainer reports its own failure; the sink flushes what it has
    complete: end,
  });
  if (ended) subscription.unsubscribe();
  return {
    done,
    unsubscribe: () => {
      subscription?.unsubscribe();
      end();
    },
  };
}

/** Where a BufferedWriter writes. */
export interface WriteTarget {
  /** Writes a whole chunk; resolves when it has been handed on (to the OS or the stream). */
  write(chunk: string): Promise<void>;
  /** After the last write: ends / fsyncs / closes as the target needs. */
  close(): Promise<void>;
}

/** Text, or a function giving it that runs when the text is written (after the target is open). */
export type Pending = string | (() => string);

/**
 * An in-memory queue in front of a WriteTarget: `write` returns at once; the queued text
 * is joined and written as one chunk, one chunk in flight at a time, so whatever arrives
 * while a write is pending goes out together in the next one. Memory, not the trainer,
 * absorbs a slow target. After an error, text is dropped and `end()` rejects with it.
 */
export class BufferedWriter {
  #pending: Pending[] = [];
  #flushing: Promise<void> | null = null;
  #error: unknown = null;
  #ending: Promise<void> | null = null;
  readonly #target: Promise<WriteTarget>;

  constructor(target: WriteTarget | Promise<WriteTarget>) {
    this.#target = Promise.resolve(target);
    this.#target.catch((e: unknown) => this.#fail(e));
  }

  /** The first error, if any (the writer then drops text). */
  get error(): unknown {
    return this.#error;
  }

  /** Queues text (or a thunk formatting it at write time); never blocks. Ignored after an error or `end()`. */
  write(text: Pending): void {
    if (this.#error !== null || this.#ending) return;
    this.#pending.push(text);
    this.#flushing ??= this.#flush();
  }

  async #flush(): Promise<void> {
    try {
      const target = await this.#target;
      while (this.#pending.length > 0 && this.#error === null) {
        const batch = this.#pending;
        this.#pending = [];
        let chunk = '';
        for (const p of batch) chunk += typeof p === 'string' ? p : p();
        if (chunk) await target.write(chunk);
      }
    } catch (e) {
      this.#fail(e);
    } finally {
      this.#flushing = null;
    }
  }

  #fail(e: unknown): void {
    this.#error ??= e ?? new Error('write failed');
    this.#pending = [];
  }

  /** Writes what is queued, then closes the target; resolves when all is flushed, rejects with the first error. */
  end(): Promise<void> {
    this.#ending ??= (async () => {
      while (this.#flushing) await this.#flushing;
      if (this.#pending.length > 0) await (this.#flushing = this.#flush());
      let target: WriteTarget;
      try {
        target = await this.#target;
      } catch {
        throw this.#error;
      }
      try {
        await target.close();
      } catch (e) {
        this.#fail(e);
      }
      if (this.#error !== null) throw this.#error;
    })();
    return this.#ending;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Makes the folder of `path` (and its parents); a clear error when it cannot. */
export async function ensureFolder(dir: string, forWhat: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new Error(`metrics: cannot create the folder ${dir} for ${forWhat}: ${message(e)}`, { cause: e });
  }
}

/** An opened file: the target, and the first line already in it (for a CSV header), if any. */
export interface OpenedFile {
  readonly target: WriteTarget;
  /** The file's existing first line (without the newline), or null for a new / empty file. */
  readonly firstLine: string | null;
}

/**
 * Opens `path` for appending (making its folder first). When the file already ends without
 * a newline (a run killed mid-line), the first write starts a new line. `close()` fsyncs
 * and closes the file.
 */
export async function openAppend(path: string): Promise<OpenedFile> {
  await ensureFolder(dirname(path), path);
  let fh: FileHandle;
  try {
    fh = await open(path, 'a+');
  } catch (e) {
    throw new Error(`metrics: cannot open ${path} for writing: ${message(e)}`, { cause: e });
  }
  let firstLine: string | null = null;
  let prefix = '';
  try {
    const { size } = await fh.stat();
    if (size > 0) {
      const head = Buffer.alloc(Math.min(size, 64 * 1024));
      const { bytesRead } = await fh.read(head, 0, head.length, 0);
      const text = head.subarray(0, bytesRead).toString('utf8');
      const nl = text.indexOf('\n');
      firstLine = (nl >= 0 ? text.slice(0, nl) : text).replace(/\r$/, '');
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw new Error(`metrics: cannot read ${path}: ${message(e)}`, { cause: e });
  }
  return {
    firstLine,
    target: {
      async write(chunk) {
        const text = prefix + chunk;
        prefix = '';
        await fh.appendFile(text, 'utf8');
      },
      async close() {
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
      },
    },
  };
}

/**
 * A Node writable stream as a target. `end: true` ends the stream on close and waits for
 * it to finish (a stream owned by the sink); `end: false` (stdout, stderr) leaves it open
 * and only waits for the last write's callback.
 */
export function streamTarget(stream: NodeJS.WritableStream, { end }: { end: boolean }): WriteTarget {
  let error: unknown = null;
  const onError = (e: unknown): void => {
    error ??= e;
  };
  stream.on('error', onError);
  return {
    write(chunk) {
      return new Promise<void>((resolve, reject) => {
        if (error !== null) return reject(error);
        stream.write(chunk, (e?: Error | null) => (e ? reject(e) : error !== null ? reject(error) : resolve()));
      });
    },
    async close() {
      try {
        if (error !== null) throw error;
        if (end) {
          stream.end();
          await finished(stream);
        }
        if (error !== null) throw error;
      } finally {
        if (!end) stream.removeListener('error', onError);
      }
    },
  };
}
