/**
 * CSV sink: one file per event kind in a folder (`<dir>/update.csv`, `<dir>/episode.csv`,
 * …), made when its first event arrives. The columns are fixed by the first event of the
 * kind (or by the header already in the file, when a resumed run appends): time, step,
 * iteration, then the event's other fields in order, with `metrics` / `summary` flattened
 * to `metrics.<name>` / `summary.<name>`. A later event's missing field is an empty cell;
 * a field the header lacks is left out (the JSONL file keeps everything). RFC 4180
 * quoting; `\n` line ends; numbers as JavaScript prints them (NaN, Infinity).
 */
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import type { EventKind, TrainEvent } from '../events.js';
import { BufferedWriter, openAppend, subscribeSink, type Sink } from './common.js';

export interface CsvSinkOptions {
  /** The kinds that get a file; default iteration, episode, update. */
  readonly kinds?: readonly EventKind[];
}

export const DEFAULT_CSV_KINDS: readonly EventKind[] = ['iteration', 'episode', 'update'];

/** A scalar cell value of a flattened event. */
export type Cell = string | number | boolean | null | undefined;

const BASE_COLUMNS = ['time', 'step', 'iteration'] as const;

/**
 * An event as one flat row: time, step, iteration first, then the other fields (not
 * `kind`) in order; nested objects become `<field>.<name>` columns, arrays JSON text.
 */
export function flattenEvent(e: TrainEvent): Map<string, Cell> {
  const row = new Map<string, Cell>();
  for (const k of BASE_COLUMNS) row.set(k, e[k]);
  for (const [k, v] of Object.entries(e)) {
    if (k === 'kind' || row.has(k)) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [name, x] of Object.entries(v as Record<string, unknown>)) row.set(`${k}.${name}`, scalar(x));
    } else row.set(k, scalar(v));
  }
  return row;
}

function scalar(v: unknown): Cell {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** One CSV cell: quoted (with doubled quotes) when it holds a comma, quote, line break or edge spaces; null/undefined empty. */
export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line, with its `\n`. */
export function csvLine(cells: readonly Cell[]): string {
  return cells.map(csvCell).join(',') + '\n';
}

/** Splits one CSV line (no line breaks inside cells): for reading an existing header. */
export function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) break;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else cell += line[i++];
      }
      while (i < line.length && line[i] !== ',') cell += line[i++];
    } else {
      while (i < line.length && line[i] !== ',') cell += line[i++];
    }
    cells.push(cell);
    if (i >= line.length) return cells;
    i++; // the comma
  }
}

/** One kind's file: columns fixed at its first row (or by its existing header). */
class CsvFile {
  #columns: string[] | null = null;
  readonly writer: BufferedWriter;

  constructor(path: string) {
    this.writer = new BufferedWriter(
      openAppend(path).then((f) => {
        if (f.firstLine) this.#columns = parseCsvLine(f.firstLine);
        return f.target;
      }),
    );
  }

  add(e: TrainEvent): void {
    const row = flattenEvent(e);
    // Formatted at write time, once the file is open and its existing header (if any) known.
    this.writer.write(() => {
      let head = '';
      if (!this.#columns) {
        this.#columns = [...row.keys()];
        head = csvLine(this.#columns);
      }
      return head + csvLine(this.#columns.map((c) => row.get(c)));
    });
  }
}

/** Writes the events of `kinds` to `<dir>/<kind>.csv` (appending). `done` resolves once all files are flushed, fsync'd and closed. */
export function csvSink(events$: Observable<TrainEvent>, dir: string, options: CsvSinkOptions = {}): Sink {
  const kinds = new Set<EventKind>(options.kinds ?? DEFAULT_CSV_KINDS);
  const files = new Map<EventKind, CsvFile>();
  return subscribeSink(
    events$,
    (e) => {
      if (!kinds.has(e.kind)) return;
      let file = files.get(e.kind);
      if (!file) files.set(e.kind, (file = new CsvFile(join(dir, `${e.kind}.csv`))));
      file.add(e);
    },
    async () => {
      const results = await Promise.allSettled([...files.values()].map((f) => f.writer.end()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  );
}
