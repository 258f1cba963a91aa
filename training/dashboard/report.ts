/**
 * The static report of a run: one self-contained HTML file (renderPage in static mode,
 * the events embedded as JSON) and, optionally, its figures as PNG and SVG (small multiples
 * in the game's words, see charts.ts). Reads the run folder; writes only the files asked for.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { MetricWords } from '../profiles/metric-words.js';
import { runFigures } from './charts.js';
import { renderFigurePng, renderFigureSvg } from './figure.js';
import { renderPage } from './page.js';
import { readRunEvents, readRunInfo, readRunTables, type RunData } from './run-data.js';

export interface ReportOptions {
  /** The HTML file (default <runDir>/report.html). */
  out?: string;
  /** Also write <chartsDir>/<figure>.png (default folder <runDir>/charts). */
  png?: boolean;
  /** Also write <chartsDir>/<figure>.svg. */
  svg?: boolean;
  chartsDir?: string;
  /** The words of env `id`'s metrics, for a run whose run.json does not hold them (runs from before they were recorded). */
  wordsFor?: (id: string) => MetricWords | undefined;
}

export interface ReportResult {
  html: string;
  /** The figure files written, PNG then SVG of each. */
  charts: string[];
  events: number;
}

/** The run's data as the report shows it. */
export function loadRun(dir: string, name = basename(resolve(dir))): RunData {
  const events = readRunEvents(dir);
  return { name, info: readRunInfo(dir, events), events, tables: readRunTables(dir) };
}

/** Writes the report of `runDir`; returns what was written. */
export function writeReport(runDir: string, o: ReportOptions = {}): ReportResult {
  const run = loadRun(runDir);
  const html = resolve(o.out ?? join(runDir, 'report.html'));
  writeFileSync(html, renderPage({ mode: 'static', title: `buddy-gym report: ${run.name}`, runs: [run] }));
  const charts: string[] = [];
  if (o.png || o.svg) {
    const dir = resolve(o.chartsDir ?? join(runDir, 'charts'));
    mkdirSync(dir, { recursive: true });
    for (const { id, figure } of runFigures(run.events ?? [], run.info.env, run.info.words ?? (run.info.env === undefined ? undefined : o.wordsFor?.(run.info.env)))) {
      if (o.png) charts.push(write(join(dir, `${id}.png`), renderFigurePng(figure)));
      if (o.svg) charts.push(write(join(dir, `${id}.svg`), renderFigureSvg(figure)));
    }
  }
  return { html, charts, events: run.events?.length ?? 0 };
}

function write(file: string, data: string | Buffer): string {
  writeFileSync(file, data);
  return file;
}
