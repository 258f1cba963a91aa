/**
 * The metric bus: the trainer `emit`s typed events, sinks subscribe to `events$`.
 *
 * `emit` is synchronous and cheap: it stamps `time` when missing and pushes the event into
 * an rxjs Subject (a ReplaySubject with a bounded buffer, so a late subscriber such as a
 * dashboard gets the recent past). No subscriber ever runs inside `emit`: `events$` passes
 * through `decouple()`, which queues the events and hands them on in batches on a later
 * turn of the event loop. A slow sink therefore costs the trainer one array push per
 * event; the file sinks buffer in memory what their stream cannot take yet.
 */
import { Observable, ReplaySubject, Subject, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { TrainEvent, TrainEventInput } from './events.js';

export interface MetricBusOptions {
  /**
   * How many past events a late subscriber receives first (the ReplaySubject's buffer);
   * 0: none, Infinity: all (unbounded memory). Default 1000.
   */
  readonly replay?: number;
  /** Milliseconds since the run started, for events emitted without `time`. Default: since the bus was made. */
  readonly now?: () => number;
  /** Where subscribers are run; default: a `setImmediate` batch (see `decouple`). */
  readonly scheduler?: SchedulerLike;
}

/** The events of one run, as an Observable that sinks subscribe to. */
export class MetricBus {
  /** Every event emitted (after the replayed past ones, for a late subscriber); delivered asynchronously, in order; completes with `complete()`. */
  readonly events$: Observable<TrainEvent>;
  readonly #subject: Subject<TrainEvent>;
  readonly #now: () => number;
  #completed = false;

  constructor(options: MetricBusOptions = {}) {
    const replay = options.replay ?? 1000;
    if (!(replay >= 0)) throw new RangeError(`MetricBus: replay must be ≥ 0, got ${replay}`);
    this.#subject = replay > 0 ? new ReplaySubject<TrainEvent>(replay) : new Subject<TrainEvent>();
    if (options.now) this.#now = options.now;
    else {
      const start = performance.now();
      this.#now = () => Math.round((performance.now() - start) * 1000) / 1000; // µs resolution: short numbers in the files
    }
    this.events$ = this.#subject.asObservable().pipe(decouple(options.scheduler));
  }

  /** Milliseconds since the run started (the clock that stamps events). */
  elapsed(): number {
    return this.#now();
  }

  /** Publishes an event; returns at once, never runs a subscriber. Ignored after `complete()`. */
  emit(event: TrainEventInput): void {
    if (this.#completed) return;
    this.#subject.next((event.time === undefined ? { ...event, time: this.#now() } : event) as TrainEvent);
  }

  /** Ends the stream: sinks flush and their `done` resolves. Later `emit`s are ignored. */
  complete(): void {
    this.#completed = true;
    this.#subject.complete();
  }

  /** Whether `complete()` was called. */
  get completed(): boolean {
    return this.#completed;
  }
}

type Note<T> = { readonly n: T } | { readonly error: unknown } | { readonly complete: true };

/**
 * rxjs operator that never calls the subscriber inside the source's `next`: values (and
 * the error / completion) are queued and delivered in order, in one batch per turn of the
 * event loop (`setImmediate`, or `scheduler` when given). The source's `next` costs one
 * array push.
 */
export function decouple<T>(scheduler?: SchedulerLike): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let queue: Note<T>[] = [];
      let pending: { cancel(): void } | null = null;
      const flush = (): void => {
        pending = null;
        const batch = queue;
        queue = [];
        for (const note of batch) {
          if (subscriber.closed) return;
          if ('n' in note) subscriber.next(note.n);
          else if ('error' in note) subscriber.error(note.error);
          else subscriber.complete();
        }
      };
      const enqueue = (note: Note<T>): void => {
        queue.push(note);
        if (pending) return;
        if (scheduler) {
          const s: Subscription = scheduler.schedule(flush);
          pending = { cancel: () => s.unsubscribe() };
        } else {
          const h = setImmediate(flush);
          pending = { cancel: () => clearImmediate(h) };
        }
      };
      const sub = source.subscribe({
        next: (n) => enqueue({ n }),
        error: (error: unknown) => enqueue({ error }),
        complete: () => enqueue({ complete: true }),
      });
      return () => {
        sub.unsubscribe();
        pending?.cancel();
        pending = null;
        queue = [];
      };
    });
}
