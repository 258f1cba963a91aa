/**
 * TensorBoard sink (`train --tensorboard`): the run's scalars as a TensorBoard event file in
 * the run folder, beside metrics.jsonl, so that `tensorboard --logdir runs/` (or W&B's
 * TensorBoard sync) shows the curves. Tags, each at the event's env step:
 *   round/<metric>              an episode event's round metrics (the game's own names)
 *   update/<policy>/<statistic> losses, entropy, KL, clip fraction, gradient norm, explained variance
 *   iteration/<quantity>        samples per second, rollout and update milliseconds
 *   evaluation/<label>/<metric> evaluations (exploitability, the population's NashConv)
 * Records are queued in memory and appended one write at a time, like the other sinks.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import type { TrainEvent } from '../events.js';
import { fileVersionEvent, scalarEvent, tfRecord } from '../tfevents.js';
import { subscribeSink, type Sink } from './common.js';

const UPDATE_STATS = ['policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction', 'gradNorm', 'explainedVariance'] as const;
const ITERATION_STATS = ['samplesPerSec', 'rolloutMs', 'updateMs'] as const;

/** TensorBoard tags may hold letters, digits, `_ - . /`: anything else becomes `_`. */
const tagPart = (s: string) => s.replace(/[^A-Za-z0-9_.\-/]+/g, '_');

/** The scalars of one event, as (tag, value) pairs; non-finite values are left out. */
export function eventScalars(e: TrainEvent): [string, number][] {
  const out: [string, number][] = [];
  const put = (tag: string, v: unknown) => {
    if (typeof v === 'number' && Number.isFinite(v)) out.push([tag, v]);
  };
  if (e.kind === 'episode') for (const [k, v] of Object.entries(e.metrics)) put(`round/${tagPart(k)}`, v);
  else if (e.kind === 'update') for (const k of UPDATE_STATS) put(`update/${tagPart(e.policy)}/${k}`, e[k]);
  else if (e.kind === 'iteration') for (const k of ITERATION_STATS) put(`iteration/${k}`, e[k]);
  else if (e.kind === 'evaluation') for (const [k, v] of Object.entries(e.metrics)) put(`evaluation/${tagPart(e.label)}/${tagPart(k)}`, v);
  return out;
}

let files = 0;

/** The event file's name, as TensorBoard looks for it: events.out.tfevents.<seconds>.<host>.<pid>.<n> (a resumed run adds a file). */
export function eventFileName(now = Date.now()): string {
  return `events.out.tfevents.${Math.floor(now / 1000)}.${tagPart(hostname())}.${process.pid}.${files++}`;
}

/** Writes every scalar of `events$` into a new event file in `dir` (which must exist). */
export function tensorboardSink(events$: Observable<TrainEvent>, dir: string): Sink {
  const start = Date.now();
  const file = join(dir, eventFileName(start));
  let queue: Buffer[] = [tfRecord(fileVersionEvent(start / 1000))];
  let writing: Promise<void> | null = null;
  let failure: unknown = null;
  const handle: Promise<FileHandle> = open(file, 'wx');
  handle.catch((e: unknown) => (failure ??= e));
  const flush = async (): Promise<void> => {
    const fh = await handle;
    while (queue.length > 0 && failure === null) {
      const batch = Buffer.concat(queue);
      queue = [];
      await fh.write(batch);
    }
  };
  const kick = () => {
    writing ??= flush()
      .catch((e: unknown) => void (failure ??= e))
      .finally(() => (writing = null));
  };
  kick();
  return subscribeSink(
    events$,
    (e) => {
      const scalars = eventScalars(e);
      if (scalars.length === 0 || failure !== null) return;
      queue.push(tfRecord(scalarEvent(start / 1000 + e.time / 1000, e.step, scalars)));
      kick();
    },
    async () => {
      while (writing) await writing;
      if (queue.length > 0 && failure === null) await flush().catch((e: unknown) => void (failure ??= e));
      const fh = await handle.catch(() => null);
      if (fh) {
        await fh.sync().catch(() => undefined);
        await fh.close();
      }
      if (failure !== null) throw new Error(`tensorboard: cannot write ${file}: ${(failure as Error).message ?? String(failure)}`);
    },
  );
}
