/**
 * The typed events a trainer emits while it runs, discriminated by `kind`. Every event
 * carries `time` (ms since the run started), `step` (the run's env steps so far: rounds
 * played across all copies of the vector env) and `iteration` (the trainer's iteration
 * counter when the event was made; 0 before the first iteration).
 *
 * Events are plain JSON-able objects: the JSONL sink writes them as they are (non-finite
 * numbers become null there), the CSV sink flattens `metrics` / `summary` into
 * `metrics.<name>` / `summary.<name>` columns.
 */
import { filter, type OperatorFunction } from 'rxjs';

/** Fields every event has. */
export interface EventBase {
  /** Milliseconds since the run started. */
  readonly time: number;
  /** Env steps so far: rounds played across all copies of the vector env. */
  readonly step: number;
  /** The trainer's iteration (0 before the first one). */
  readonly iteration: number;
}

/** The tfjs backend the run uses (emitted once, at the start). */
export interface BackendEvent extends EventBase {
  readonly kind: 'backend';
  /** e.g. "tensorflow", "wasm", "cpu". */
  readonly backend: string;
  /** A human line: why this backend, threads, GPU name… */
  readonly detail: string;
  /** Where episodes are played, and why: "host (typed-array vector env: …)" or "device (tensor env on …)". */
  readonly rollouts?: string;
}

/** One trainer iteration (rollout + update) finished. */
export interface IterationEvent extends EventBase {
  readonly kind: 'iteration';
  /** The step budget of the run (the progress bar's 100%). */
  readonly totalSteps: number;
  /** Env steps per second of this iteration. */
  readonly samplesPerSec: number;
  readonly rolloutMs: number;
  readonly updateMs: number;
}

/**
 * Mean round metrics of the episodes finished in the iteration: meanRegret,
 * meanNormalizedRegret, welfare, meanGenerationCost, honesty, estimateError, userReturn,
 * goalReturn, … (the env decides which).
 */
export interface EpisodeEvent extends EventBase {
  readonly kind: 'episode';
  readonly metrics: Readonly<Record<string, number>>;
}

/** One policy's update statistics in an iteration (one event per updated policy). */
export interface UpdateEvent extends EventBase {
  readonly kind: 'update';
  /** Which policy: a side's name (a role of the game), or a population member's. */
  readonly policy: string;
  readonly policyLoss: number;
  readonly valueLoss: number;
  readonly entropy: number;
  readonly approxKl: number;
  readonly clipFraction: number;
  readonly gradNorm: number;
  readonly explainedVariance: number;
  /** The learning rate of the update (absent in runs before it was recorded). */
  readonly learningRate?: number;
  /** Minibatch steps taken (fewer when a target KL stopped the update early). */
  readonly minibatches?: number;
}

/** An evaluation (e.g. exploitability, exact or a labelled lower bound). */
export interface EvaluationEvent extends EventBase {
  readonly kind: 'evaluation';
  /** What was evaluated, e.g. "exploitability (lower bound)". */
  readonly label: string;
  readonly metrics: Readonly<Record<string, number>>;
}

/** A checkpoint folder was written. */
export interface CheckpointEvent extends EventBase {
  readonly kind: 'checkpoint';
  readonly path: string;
  /** Whether it is the best so far (by the trainer's criterion). */
  readonly best: boolean;
}

/** The run finished; `summary` holds its final numbers. */
export interface DoneEvent extends EventBase {
  readonly kind: 'done';
  readonly summary: Readonly<Record<string, number>>;
}

/** Any event of a training run. */
export type TrainEvent = BackendEvent | IterationEvent | EpisodeEvent | UpdateEvent | EvaluationEvent | CheckpointEvent | DoneEvent;

/** The event kinds: 'backend' | 'iteration' | 'episode' | 'update' | 'evaluation' | 'checkpoint' | 'done'. */
export type EventKind = TrainEvent['kind'];

/** The event type of one kind: `EventOf<'update'>` is `UpdateEvent`. */
export type EventOf<K extends EventKind> = Extract<TrainEvent, { kind: K }>;

/** An event as given to `MetricBus.emit`: `time` may be left out (the bus stamps it). */
export type TrainEventInput = WithOptionalTime<TrainEvent>;
type WithOptionalTime<E> = E extends TrainEvent ? Omit<E, 'time'> & { readonly time?: number } : never;

/** Every kind, in the order of a run. */
export const EVENT_KINDS: readonly EventKind[] = ['backend', 'iteration', 'episode', 'update', 'evaluation', 'checkpoint', 'done'];

/** Type guard: `isKind(e, 'update')` narrows `e` to `UpdateEvent`. */
export function isKind<K extends EventKind>(event: TrainEvent, ...kinds: K[]): event is EventOf<K> {
  return (kinds as readonly EventKind[]).includes(event.kind);
}

/** Whether `x` looks like a TrainEvent (a known kind and numeric time, step, iteration), e.g. a parsed JSONL line. */
export function isTrainEvent(x: unknown): x is TrainEvent {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  return (
    typeof e.kind === 'string' &&
    (EVENT_KINDS as readonly string[]).includes(e.kind) &&
    typeof e.time === 'number' &&
    typeof e.step === 'number' &&
    typeof e.iteration === 'number'
  );
}

/** rxjs operator keeping the events of the given kinds, typed: `events$.pipe(ofKind('update'))` is `Observable<UpdateEvent>`. */
export function ofKind<K extends EventKind>(...kinds: K[]): OperatorFunction<TrainEvent, EventOf<K>> {
  const wanted = new Set<EventKind>(kinds);
  return filter((e: TrainEvent): e is EventOf<K> => wanted.has(e.kind));
}
