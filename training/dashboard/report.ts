/**
 * The static report of a run: one self-contained HTML file (renderPage in static mode,
 * the events embedded as JSON) and, optionally, one PNG per chart. Reads the run folder;
 * writes only the files asked for.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { chartSeries } from './charts.js';
import { renderPage } from './page.js';
import { renderChartPng } from './png.js';
import { readRunEvents, readRunInfo, readRunTables, type RunData } from './run-data.js';

export interface ReportOptions {
  /** The HTML file (default <runDir>/report.html). */
  out?: string;
  /** Also write <pngDir>/<chart id>.png (default folder <runDir>/charts). */
  png?: boolean;
  pngDir?: string;
}

export interface ReportResult {
  html: string;
  pngs: string[];
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
  const pngs: string[] = [];
  if (o.png) {
    const dir = resolve(o.pngDir ?? join(runDir, 'charts'));
    mkdirSync(dir, { recursive: true });
    for (const chart of chartSeries([{ name: run.name, events: run.events ?? [] }])) {
      const file = join(dir, `${chart.id}.png`);
      writeFileSync(file, renderChartPng({ title: chart.title, series: chart.series }));
      pngs.push(file);
    }
  }
  return { html, pngs, events: run.events?.length ?? 0 };
}
