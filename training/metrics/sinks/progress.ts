/**
 * Progress sink: on a terminal, one progress line redrawn in place with `\r` (percent,
 * step/total, samples/s, ETA, the latest mean regret), at most every `throttleMs`; in CI
 * or a pipe, plain lines (no `\r`, no ANSI codes) at most every `intervalMs` of run time
 * or every `everyIterations` iterations. Both print a line for the backend, each
 * checkpoint and evaluation, and the final summary. The formatting is pure and exported.
 */
import { asyncScheduler, tap, throttleTime, type Observable } from 'rxjs';
import type { TrainEvent } from '../events.js';
import { formatCount, formatEta, num } from '../format.js';
import { BufferedWriter, streamTarget, subscribeSink, type Sink } from './common.js';

/** Kept importable from here (cli/info.ts imports formatCount from this module). */
export { formatCount, formatEta };

export interface ProgressSinkOptions {
  /** Where to write (usually process.stderr); left open. */
  readonly out: NodeJS.WritableStream;
  /** true: one line redrawn in place; false: plain lines. */
  readonly tty: boolean;
  /** The step budget, when the iteration events do not carry a valid one. */
  readonly totalSteps?: number;
  /** TTY: least milliseconds between redraws (default 100). */
  readonly throttleMs?: number;
  /** Plain: a progress line at most every this many ms of run time (default 10 000). */
  readonly intervalMs?: number;
  /** Plain: also a line every this many iterations (default: time only). */
  readonly everyIterations?: number;
  /** TTY: the terminal width (default `out.columns`, else 80). */
  readonly columns?: number;
}

/** What the progress line shows, folded from the events. */
export interface ProgressState {
  readonly iteration: number;
  readonly step: number;
  /** Run time of the latest event (ms). */
  readonly time: number;
  readonly totalSteps: number | undefined;
  /** The trainer's samples/s of the latest iteration (NaN before one). */
  readonly samplesPerSec: number;
  /** The latest episode event's meanRegret. */
  readonly regret: number | undefined;
  /** (time, step) of the latest iteration events (up to 10): the rate behind the ETA. */
  readonly recent: readonly (readonly [number, number])[];
}

const RECENT = 10;

export function initialProgress(totalSteps?: number): ProgressState {
  return { iteration: 0, step: 0, time: 0, totalSteps: validTotal(totalSteps), samplesPerSec: NaN, regret: undefined, recent: [] };
}

function validTotal(t: number | undefined): number | undefined {
  return t !== undefined && Number.isFinite(t) && t > 0 ? t : undefined;
}

/** Folds one event into the progress state. */
export function reduceProgress(s: ProgressState, e: TrainEvent): ProgressState {
  const next = { ...s, iteration: Math.max(s.iteration, e.iteration), step: Math.max(s.step, e.step), time: Math.max(s.time, e.time) };
  switch (e.kind) {
    case 'iteration':
      return {
        ...next,
        totalSteps: validTotal(e.totalSteps) ?? s.totalSteps,
        samplesPerSec: e.samplesPerSec,
        recent: [...s.recent, [e.time, e.step] as const].slice(-RECENT),
      };
    case 'episode': {
      const r = e.metrics.meanRegret;
      return typeof r === 'number' ? { ...next, regret: r } : next;
    }
    default:
      return next;
  }
}

/** Env steps per second for the ETA: over the recent iterations, else the trainer's samples/s; NaN when unknown. */
export function progressRate(s: ProgressState): number {
  if (s.recent.length >= 2) {
    const [t0, s0] = s.recent[0];
    const [t1, s1] = s.recent[s.recent.length - 1];
    if (t1 > t0 && s1 > s0) return ((s1 - s0) * 1000) / (t1 - t0);
  }
  return Number.isFinite(s.samplesPerSec) && s.samplesPerSec > 0 ? s.samplesPerSec : NaN;
}

/** Milliseconds left: 0 when the budget is reached, NaN when unknown. */
export function etaMs(s: ProgressState): number {
  if (s.totalSteps === undefined) return NaN;
  const left = s.totalSteps - s.step;
  if (left <= 0) return 0;
  return (left / progressRate(s)) * 1000;
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/**
 * A bar of exactly `width` characters filled to `fraction` (clamped to [0, 1]; NaN empty):
 * full blocks, one eighth-block for the remainder, spaces; `ascii`: '#' and '-'.
 */
export function formatBar(fraction: number, width: number, { ascii = false }: { ascii?: boolean } = {}): string {
  const w = Math.max(0, Math.floor(width));
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  if (ascii) {
    const full = Math.floor(f * w);
    return '#'.repeat(full) + '-'.repeat(w - full);
  }
  const eighths = Math.floor(f * w * 8);
  const full = Math.floor(eighths / 8);
  const part = full < w ? EIGHTHS[eighths % 8] : '';
  return '█'.repeat(full) + part + ' '.repeat(w - full - part.length);
}

/**
 * The in-place terminal line, at most `columns - 1` characters:
 * "[███▌      ] 42.0%  4.20k/10.0k  1.23k/s  ETA 1m05s  regret 0.1234". A narrow terminal
 * loses the bar first, then fields from the end.
 */
export function formatTtyLine(s: ProgressState, columns: number): string {
  const total = s.totalSteps;
  const fields: string[] = [];
  if (total !== undefined) {
    fields.push(`${((100 * Math.min(s.step, total)) / total).toFixed(1)}%`, `${formatCount(s.step, true)}/${formatCount(total, true)}`);
  } else fields.push(`${formatCount(s.step, true)} steps`);
  fields.push(`${formatCount(s.samplesPerSec, true)}/s`);
  if (total !== undefined) fields.push(`ETA ${formatEta(etaMs(s))}`);
  if (s.regret !== undefined) fields.push(`regret ${num(s.regret)}`);
  const room = Math.max(10, columns - 1);
  let text = fields.join('  ');
  const barWidth = Math.min(30, room - text.length - 3);
  if (total !== undefined && barWidth >= 10) return `[${formatBar(s.step / total, barWidth)}] ${text}`;
  while (text.length > room && fields.length > 1) text = (fields.pop(), fields.join('  '));
  return text.slice(0, room);
}

/** A plain progress line: "iteration 12 | 42.0% | 4,200/10,000 steps | 1,234 samples/s | elapsed 42s | ETA 1m05s | regret 0.1234". */
export function formatPlainLine(s: ProgressState): string {
  const fields = [`iteration ${s.iteration}`];
  const total = s.totalSteps;
  if (total !== undefined) {
    fields.push(`${((100 * Math.min(s.step, total)) / total).toFixed(1)}%`, `${formatCount(s.step)}/${formatCount(total)} steps`);
  } else fields.push(`${formatCount(s.step)} steps`);
  fields.push(`${formatCount(s.samplesPerSec)} samples/s`, `elapsed ${formatEta(s.time)}`);
  if (total !== undefined) fields.push(`ETA ${formatEta(etaMs(s))}`);
  if (s.regret !== undefined) fields.push(`regret ${num(s.regret)}`);
  return fields.join(' | ');
}

function numbers(r: Readonly<Record<string, number>>): string {
  return Object.entries(r)
    .map(([k, v]) => `${k} ${num(v)}`)
    .join(', ');
}

/** The line for a backend, evaluation, checkpoint or done event; null for the others. */
export function formatNotice(e: TrainEvent): string | null {
  switch (e.kind) {
    case 'backend':
      return `backend: ${e.backend}${e.detail ? ` (${e.detail})` : ''}${e.rollouts ? `\nrollouts: ${e.rollouts}` : ''}`;
    case 'evaluation': {
      const m = numbers(e.metrics);
      return `evaluation at step ${formatCount(e.step)}: ${e.label}${m ? `: ${m}` : ''}`;
    }
    case 'checkpoint':
      return `checkpoint${e.best ? ' (best)' : ''} at step ${formatCount(e.step)}: ${e.path}`;
    case 'done': {
      const m = numbers(e.summary);
      return `done: ${formatCount(e.iteration)} iterations, ${formatCount(e.step)} steps in ${formatEta(e.time)}${m ? `; ${m}` : ''}`;
    }
    default:
      return null;
  }
}

/** Subscribes a progress display to `events$`; `done` resolves when the last line was written (`out` stays open). */
export function progressSink(events$: Observable<TrainEvent>, options: ProgressSinkOptions): Sink {
  const writer = new BufferedWriter(streamTarget(options.out, { end: false }));
  return options.tty ? ttyProgress(events$, options, writer) : plainProgress(events$, options, writer);
}

function ttyProgress(events$: Observable<TrainEvent>, options: ProgressSinkOptions, writer: BufferedWriter): Sink {
  // A terminal that reports 0 columns (e.g. under `script`) has an unknown width: use 80.
  const reported = options.columns ?? (options.out as { columns?: number }).columns;
  const columns = reported && reported > 0 ? reported : 80;
  let state = initialProgress(options.totalSteps);
  let above: string[] = []; // notices printed above the bar
  let after: string[] = []; // the done line, printed below the final bar
  let shown = 0; // length of the bar line now on screen
  let onScreen = ''; // that line
  let sawIteration = false;

  const draw = (final: boolean): void => {
    let text = '';
    if (above.length > 0) {
      if (shown > 0) text += '\r' + ' '.repeat(shown) + '\r';
      text += above.join('\n') + '\n';
      above = [];
      shown = 0;
      onScreen = '';
    }
    if (sawIteration) {
      const line = formatTtyLine(state, columns);
      if (line !== onScreen) text += '\r' + line + ' '.repeat(Math.max(0, shown - line.length));
      shown = line.length;
      onScreen = line;
    }
    if (final) {
      if (shown > 0) text += '\n';
      shown = 0;
      onScreen = '';
      if (after.length > 0) text += after.join('\n') + '\n';
      after = [];
    }
    if (text) writer.write(text);
  };

  const throttled$ = events$.pipe(
    tap((e) => {
      state = reduceProgress(state, e);
      if (e.kind === 'iteration') sawIteration = true;
      const notice = formatNotice(e);
      if (notice !== null) (e.kind === 'done' ? after : above).push(notice);
    }),
    throttleTime(options.throttleMs ?? 100, asyncScheduler, { leading: true, trailing: true }),
  );
  return subscribeSink(
    throttled$,
    () => draw(false),
    () => {
      draw(true);
      return writer.end();
    },
  );
}

function plainProgress(events$: Observable<TrainEvent>, options: ProgressSinkOptions, writer: BufferedWriter): Sink {
  const intervalMs = options.intervalMs ?? 10_000;
  const every = options.everyIterations;
  let state = initialProgress(options.totalSteps);
  let lastLine: { time: number; iteration: number; step: number } | null = null;
  let sawIteration = false;

  const progressLine = (): void => {
    writer.write(formatPlainLine(state) + '\n');
    lastLine = { time: state.time, iteration: state.iteration, step: state.step };
  };
  const catchUp = (): void => {
    if (sawIteration && (lastLine === null || lastLine.step !== state.step || lastLine.iteration !== state.iteration)) progressLine();
  };

  return subscribeSink(
    events$,
    (e) => {
      state = reduceProgress(state, e);
      if (e.kind === 'iteration') {
        sawIteration = true;
        const due =
          lastLine === null || e.time - lastLine.time >= intervalMs || (every !== undefined && every > 0 && e.iteration - lastLine.iteration >= every);
        if (due) progressLine();
        return;
      }
      const notice = formatNotice(e);
      if (notice === null) return;
      if (e.kind === 'done') catchUp();
      writer.write(notice + '\n');
    },
    () => {
      catchUp();
      return writer.end();
    },
  );
}
