/**
 * JSONL sink: every event as one JSON line, appended to a file (made with its folder when
 * missing) or written to a stream. Non-finite numbers become null, as in JSON.
 */
import type { Observable } from 'rxjs';
import type { TrainEvent } from '../events.js';
import { BufferedWriter, openAppend, streamTarget, subscribeSink, type Sink } from './common.js';

export interface JsonlSinkOptions {
  /** For a stream target: end it when the events complete (default true; false for stdout / stderr). */
  readonly end?: boolean;
}

/**
 * Appends each event of `events$` as a JSON line to `target` (a file path, or a writable
 * stream). Writes are queued in memory and batched, so a slow target never slows the
 * emitter. `done` resolves after the events completed and every line was written, and for
 * a file, fsync'd and closed.
 */
export function jsonlSink(events$: Observable<TrainEvent>, target: string | NodeJS.WritableStream, options: JsonlSinkOptions = {}): Sink {
  const writer = new BufferedWriter(
    typeof target === 'string' ? openAppend(target).then((f) => f.target) : streamTarget(target, { end: options.end ?? true }),
  );
  return subscribeSink(
    events$,
    (e) => writer.write(JSON.stringify(e) + '\n'),
    () => writer.end(),
  );
}
