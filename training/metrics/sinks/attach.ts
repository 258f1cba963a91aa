/** The standard set of sinks for a run: progress (unless quiet), `metrics.jsonl`, `metrics/<kind>.csv`, and a TensorBoard event file when asked. */
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import { MetricBus } from '../bus.js';
import type { EventKind, TrainEvent } from '../events.js';
import type { Sink } from './common.js';
import { csvSink } from './csv.js';
import { jsonlSink } from './jsonl.js';
import { progressSink } from './progress.js';
import { tensorboardSink } from './tensorboard.js';

export interface AttachSinksOptions {
  /** The run folder (made when missing): `metrics.jsonl` and `metrics/<kind>.csv` go there. */
  readonly runDir: string;
  /** No progress display; the files are still written. */
  readonly quiet?: boolean;
  /** Where the progress goes; default process.stderr. */
  readonly out?: NodeJS.WritableStream;
  /** Progress redrawn in place; default `isInteractive(out)`. */
  readonly tty?: boolean;
  /** The step budget for the progress bar (when the events lack it). */
  readonly totalSteps?: number;
  /** The kinds written as CSV (default iteration, episode, update). */
  readonly csvKinds?: readonly EventKind[];
  /** Also write a TensorBoard event file in `runDir`. */
  readonly tensorboard?: boolean;
}

/** Whether `out` is a terminal worth redrawing: a TTY, not in CI, TERM not "dumb". */
export function isInteractive(out: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return (out as { isTTY?: boolean }).isTTY === true && !env.CI && env.TERM !== 'dumb';
}

/**
 * Subscribes progress (unless `quiet`), JSONL (`runDir/metrics.jsonl`) and CSV
 * (`runDir/metrics/`) sinks. `done` resolves when the bus completed and every sink
 * flushed; it rejects with the first sink error (after all sinks settled).
 */
export function attachSinks(source: MetricBus | Observable<TrainEvent>, options: AttachSinksOptions): Sink {
  const events$ = source instanceof MetricBus ? source.events$ : source;
  const out = options.out ?? process.stderr;
  const sinks: Sink[] = [
    jsonlSink(events$, join(options.runDir, 'metrics.jsonl')),
    csvSink(events$, join(options.runDir, 'metrics'), options.csvKinds ? { kinds: options.csvKinds } : {}),
  ];
  if (options.tensorboard) sinks.push(tensorboardSink(events$, options.runDir));
  if (!options.quiet) sinks.push(progressSink(events$, { out, tty: options.tty ?? isInteractive(out), totalSteps: options.totalSteps }));
  const done = Promise.allSettled(sinks.map((s) => s.done)).then((results) => {
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  });
  done.catch(() => undefined);
  return { done, unsubscribe: () => sinks.forEach((s) => s.unsubscribe()) };
}
