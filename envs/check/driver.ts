import type { ResetArgs } from '../core/env.js';
import { Rng } from '../core/rng.js';
import { firstDifference } from './compare.js';
import { describeError } from './report.js';

/** Stream id of the checker's action sampler, seeded with the check seed. */
export const ACTION_STREAM = 0xc4ec;
/** Stream id of the sampler for probe actions (kept apart so probes never shift the run's actions). */
export const PROBE_STREAM = 0xc4ed;

/**
 * What the checker needs from an env of either kind to drive it, record what happened and
 * compare runs. `R` is a reset result, `S` a step result, `A` what step() takes, and `L`
 * the bookkeeping readable between calls (live and acting agents; nothing for a single env).
 * Results and bookkeeping are returned as copies, so an env that reuses its buffers cannot
 * rewrite what was recorded.
 */
export interface Driver<R, S, A, L> {
  reset(args: ResetArgs): R;
  step(action: A): S;
  bookkeeping(): L;
  /** The episode is over: only reset() may follow. */
  isOver(): boolean;
  /** A valid action for the current step, drawn from the action space(s). */
  sampleAction(rng: Rng): A;
  /** The part of a result that two runs with the same seed must reproduce bit for bit (infos are left out). */
  reproducible(result: R | S): unknown;
  snapshot?(): Uint8Array;
  close(): void;
}

export type Event<R, S, A, L> =
  | { kind: 'reset'; label: string; args: ResetArgs; before: L; result: R; after: L; over: boolean }
  | { kind: 'step'; label: string; action: A; before: L; result: S; after: L; over: boolean };

export type StepEvent<R, S, A, L> = Extract<Event<R, S, A, L>, { kind: 'step' }>;

export interface Trajectory<R, S, A, L> {
  readonly seed: number;
  readonly events: readonly Event<R, S, A, L>[];
  readonly steps: number;
  readonly episodes: number;
  /** The call that threw, if one did (the run stops there). */
  readonly failure?: { readonly label: string; readonly error: unknown };
}

export interface RunSpec {
  seed: number;
  /** Seed of the action sampler (the check seed, also when `seed` is varied). */
  actionSeed: number;
  steps: number;
}

/**
 * Plays `steps` env steps with actions sampled from the action spaces: reset({ seed }),
 * then at each episode's end reset() without a seed, so that the env's PRNG carries on.
 */
export function recordRun<R, S, A, L>(driver: Driver<R, S, A, L>, spec: RunSpec): Trajectory<R, S, A, L> {
  const rng = new Rng(spec.actionSeed, ACTION_STREAM);
  const events: Event<R, S, A, L>[] = [];
  let episode = 0;
  let inEpisode = 0;
  let steps = 0;
  let label = 'reset (episode 0)';
  const reset = (args: ResetArgs): void => {
    const before = driver.bookkeeping();
    const result = driver.reset(args);
    events.push({ kind: 'reset', label, args, before, result, after: driver.bookkeeping(), over: driver.isOver() });
    if (driver.isOver()) throw new Error('the episode is over right after reset (no live agent)');
  };
  try {
    reset({ seed: spec.seed });
    while (steps < spec.steps) {
      if (driver.isOver()) {
        episode++;
        inEpisode = 0;
        label = `reset (episode ${episode})`;
        reset({});
      }
      label = `step ${steps} (episode ${episode}, step ${inEpisode})`;
      const action = driver.sampleAction(rng);
      const before = driver.bookkeeping();
      const result = driver.step(action);
      events.push({ kind: 'step', label, action, before, result, after: driver.bookkeeping(), over: driver.isOver() });
      steps++;
      inEpisode++;
    }
  } catch (error) {
    return { seed: spec.seed, events, steps, episodes: episode + 1, failure: { label, error } };
  }
  return { seed: spec.seed, events, steps, episodes: episode + 1 };
}

/** What of an event must be bit-identical between two runs. */
function reproducibleEvent<R, S, A, L>(driver: Driver<R, S, A, L>, ev: Event<R, S, A, L>): unknown {
  return ev.kind === 'step'
    ? { action: ev.action, result: driver.reproducible(ev.result), after: ev.after }
    : { result: driver.reproducible(ev.result), after: ev.after };
}

/** The first difference between two recorded runs, or null. */
export function compareRuns<R, S, A, L>(driver: Driver<R, S, A, L>, a: Trajectory<R, S, A, L>, b: Trajectory<R, S, A, L>): string | null {
  const n = Math.min(a.events.length, b.events.length);
  for (let i = 0; i < n; i++) {
    const ea = a.events[i];
    const eb = b.events[i];
    if (ea.kind !== eb.kind) return `${ea.label}: a ${ea.kind} in one run, a ${eb.kind} in the other`;
    const d = firstDifference(reproducibleEvent(driver, ea), reproducibleEvent(driver, eb));
    if (d !== null) return `${ea.label}: ${d}`;
  }
  if (a.events.length !== b.events.length || (a.failure === undefined) !== (b.failure === undefined)) {
    const why = (t: Trajectory<R, S, A, L>) => (t.failure ? `threw at ${t.failure.label}` : `ran ${t.steps} steps`);
    return `one run ${why(a)}, the other ${why(b)}`;
  }
  return null;
}

/**
 * Plays one recorded event again (the same reset args, or `resetArgs` instead; the same
 * action) and returns how the outcome differs from the recording, or null.
 */
export function replayEvent<R, S, A, L>(driver: Driver<R, S, A, L>, ev: Event<R, S, A, L>, resetArgs?: ResetArgs): string | null {
  let again: Event<R, S, A, L>;
  try {
    if (ev.kind === 'reset') {
      const result = driver.reset(resetArgs ?? ev.args);
      again = { ...ev, result, after: driver.bookkeeping(), over: driver.isOver() };
    } else {
      const result = driver.step(ev.action);
      again = { ...ev, result, after: driver.bookkeeping(), over: driver.isOver() };
    }
  } catch (e) {
    return `${ev.label}: threw ${describeError(e)}`;
  }
  const d = firstDifference(reproducibleEvent(driver, ev), reproducibleEvent(driver, again));
  return d === null ? null : `${ev.label}: ${d}`;
}

/** Replays the first `count` events of a run (the first reset with `firstResetArgs` if given). */
export function replay<R, S, A, L>(
  driver: Driver<R, S, A, L>,
  run: Trajectory<R, S, A, L>,
  count: number,
  firstResetArgs?: ResetArgs,
): string | null {
  const n = Math.min(count, run.events.length);
  for (let i = 0; i < n; i++) {
    const d = replayEvent(driver, run.events[i], i === 0 ? firstResetArgs : undefined);
    if (d !== null) return d;
  }
  return null;
}

/** A deep copy of plain data (typed arrays included); the value itself if it cannot be cloned. */
export function copyData<T>(x: T): T {
  try {
    return structuredClone(x);
  } catch {
    return x;
  }
}
