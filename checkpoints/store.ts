/**
 * A run's checkpoints: `<runDir>/checkpoints/` holds `step-<12-digit step>/` folders (the last
 * `keepLast` of them, plus the best one's), `best/` (an atomic byte-for-byte copy of the best
 * step by `bestMetric`), and `latest.json`, a small pointer file replaced atomically:
 * `{ format: 'buddy-gym-checkpoint-pointer', version: 1, latest: { step, folder }, best: { step, metric, value } | null }`.
 *
 * A save writes the step folder, then `best/`, then `latest.json`, then deletes old steps, so
 * a crash between any two leaves a consistent store (at worst one step folder too many, or
 * `latest.json` one save behind).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { recoverInterruptedSave, transientSibling, writeFileAtomic } from './atomic.js';
import { CheckpointError } from './format.js';
import { copyCheckpoint, saveCheckpoint, type CheckpointContents } from './save.js';

export const POINTER_FORMAT = 'buddy-gym-checkpoint-pointer';
const STEP_DIGITS = 12;
const STEP_RE = /^step-(\d+)$/;

export interface CheckpointStoreOptions {
  /** How many of the newest step folders to keep (≥ 1). The best step's folder is kept too. */
  keepLast: number;
  /** The metric (a key of the `metrics` given to save) that picks `best/`; none: no `best/`. */
  bestMetric?: string;
  /** Default true. */
  higherIsBetter?: boolean;
}

export interface StoredCheckpoint {
  step: number;
  path: string;
}

export interface BestCheckpoint {
  step: number;
  metric: string;
  value: number;
  /** `<runDir>/checkpoints/best`. */
  path: string;
}

interface Pointer {
  format: typeof POINTER_FORMAT;
  version: 1;
  latest: { step: number; folder: string };
  best: { step: number; metric: string; value: number } | null;
}

export function stepFolderName(step: number): string {
  return `step-${String(step).padStart(STEP_DIGITS, '0')}`;
}

export class CheckpointStore {
  /** `<runDir>/checkpoints`. */
  readonly dir: string;
  readonly keepLast: number;
  readonly bestMetric: string | null;
  readonly higherIsBetter: boolean;
  private bestRecord: Pointer['best'] = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(runDir: string, options: CheckpointStoreOptions) {
    if (typeof runDir !== 'string' || runDir === '') throw new CheckpointError('bad-input', `CheckpointStore: runDir must be a non-empty string, got ${JSON.stringify(runDir)}`);
    if (options == null || typeof options !== 'object') throw new CheckpointError('bad-input', 'CheckpointStore: options { keepLast, bestMetric?, higherIsBetter? } are required');
    const { keepLast, bestMetric, higherIsBetter } = options;
    if (!Number.isSafeInteger(keepLast) || keepLast < 1) {
      throw new CheckpointError('bad-input', `CheckpointStore: option "keepLast" = ${JSON.stringify(keepLast)} is not allowed: an integer ≥ 1`);
    }
    if (bestMetric !== undefined && (typeof bestMetric !== 'string' || bestMetric === '')) {
      throw new CheckpointError('bad-input', `CheckpointStore: option "bestMetric" = ${JSON.stringify(bestMetric)} is not allowed: a non-empty metric name`);
    }
    if (higherIsBetter !== undefined && typeof higherIsBetter !== 'boolean') {
      throw new CheckpointError('bad-input', `CheckpointStore: option "higherIsBetter" = ${JSON.stringify(higherIsBetter)} is not allowed: true or false`);
    }
    this.dir = join(resolve(runDir), 'checkpoints');
    this.keepLast = keepLast;
    this.bestMetric = bestMetric ?? null;
    this.higherIsBetter = higherIsBetter ?? true;
    const pointer = this.readPointer();
    // A best recorded for another metric (or direction) does not compete with this one.
    if (pointer?.best && pointer.best.metric === this.bestMetric && existsSync(join(this.dir, 'best'))) this.bestRecord = pointer.best;
  }

  private get pointerPath(): string {
    return join(this.dir, 'latest.json');
  }

  private readPointer(): Pointer | null {
    try {
      const p = JSON.parse(readFileSync(this.pointerPath, 'utf8')) as Pointer;
      if (p?.format !== POINTER_FORMAT || typeof p.latest?.folder !== 'string' || !STEP_RE.test(p.latest.folder)) return null;
      return p;
    } catch {
      return null;
    }
  }

  /**
   * Writes `step-<step>` (replacing one of the same step), updates `best/` when
   * `metrics[bestMetric]` beats the best so far (a NaN never does; ties keep the older),
   * updates `latest.json` and deletes step folders beyond the newest `keepLast` (never the
   * best's). Saves through one store run one after another.
   */
  save(step: number, contents: CheckpointContents, metrics: Record<string, number>): Promise<{ path: string; isBest: boolean }> {
    try {
      return this.enqueue(step, contents, this.metricValue(step, metrics));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Checks step and metrics before anything is written; the best metric's value or null. */
  private metricValue(step: number, metrics: Record<string, number>): number | null {
    if (!Number.isSafeInteger(step) || step < 0) throw new CheckpointError('bad-input', `CheckpointStore.save: step must be an integer ≥ 0, got ${step}`);
    let value: number | null = null;
    if (this.bestMetric !== null) {
      const v = metrics?.[this.bestMetric];
      if (typeof v !== 'number') {
        throw new CheckpointError(
          'bad-input',
          `CheckpointStore.save: metrics has no number "${this.bestMetric}" (the bestMetric); it has ${Object.keys(metrics ?? {}).join(', ') || 'nothing'}`,
        );
      }
      value = v;
    }
    return value;
  }

  private enqueue(step: number, contents: CheckpointContents, value: number | null): Promise<{ path: string; isBest: boolean }> {
    const run = this.chain.then(() => this.doSave(step, contents, value));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async doSave(step: number, contents: CheckpointContents, value: number | null): Promise<{ path: string; isBest: boolean }> {
    const folder = stepFolderName(step);
    const path = join(this.dir, folder);
    await saveCheckpoint(path, contents);
    let isBest = false;
    if (this.bestMetric !== null && value !== null && Number.isFinite(value)) {
      const b = this.bestRecord;
      isBest = b === null || (this.higherIsBetter ? value > b.value : value < b.value);
      if (isBest) {
        await copyCheckpoint(path, join(this.dir, 'best'));
        this.bestRecord = { step, metric: this.bestMetric, value };
      }
    }
    const pointer: Pointer = { format: POINTER_FORMAT, version: 1, latest: { step, folder }, best: this.bestRecord };
    await recoverInterruptedSave(this.pointerPath);
    await writeFileAtomic(this.pointerPath, `${JSON.stringify(pointer, null, 2)}\n`);
    await this.prune();
    return { path, isBest };
  }

  private async prune(): Promise<void> {
    const all = this.list();
    const keep = new Set(all.slice(-this.keepLast).map((c) => c.step));
    if (this.bestRecord) keep.add(this.bestRecord.step);
    for (const c of all) {
      if (keep.has(c.step)) continue;
      // Renamed first, so a deletion cut short never leaves a half folder under a step name.
      const aside = transientSibling(c.path, 'old');
      await rename(c.path, aside);
      await rm(aside, { recursive: true, force: true });
    }
  }

  /** The step folders, oldest first. */
  list(): StoredCheckpoint[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: StoredCheckpoint[] = [];
    for (const name of names) {
      const m = STEP_RE.exec(name);
      if (!m) continue;
      const path = join(this.dir, name);
      try {
        if (!statSync(path).isDirectory()) continue;
      } catch {
        continue;
      }
      out.push({ step: Number(m[1]), path });
    }
    return out.sort((a, b) => a.step - b.step);
  }

  /** The folder of the latest save (`latest.json`, else the highest step there), or null. */
  latest(): string | null {
    const p = this.readPointer();
    if (p && existsSync(join(this.dir, p.latest.folder))) return join(this.dir, p.latest.folder);
    const all = this.list();
    return all.length ? all[all.length - 1].path : null;
  }

  /** The best checkpoint so far by `bestMetric`, or null. */
  best(): BestCheckpoint | null {
    const b = this.bestRecord;
    return b ? { ...b, path: join(this.dir, 'best') } : null;
  }
}
