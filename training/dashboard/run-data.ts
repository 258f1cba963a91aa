/**
 * Reading a run folder for the dashboard and the report (read only: nothing is written
 * there): its events (`metrics.jsonl`), its config (`run.json`, written by `train`, or the
 * latest checkpoint's manifest) and its final evaluation tables (`summary.json` from
 * `train`, `eval.json` from `eval --out-json`).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { isTrainEvent, type TrainEvent } from '../metrics/events.js';
import type { MetricWords } from '../profiles/metric-words.js';

/** What the page's header shows about one run. */
export interface RunInfo {
  env?: string;
  envOptions?: Record<string, unknown>;
  settings?: Record<string, unknown>;
  backend?: string;
  backendDetail?: string;
  resumedFrom?: string | null;
  /** The game's words for its metrics (labels, record-only ones), as train recorded them. */
  words?: MetricWords;
  /** Where the config came from: "run.json", a checkpoint manifest, or "events". */
  source?: string;
}

/** A table of the report (final evaluation, cross-play): text cells, escaped by the page. */
export interface TableData {
  title: string;
  head: string[];
  rows: string[][];
}

/** One run as the page shows it. */
export interface RunData {
  name: string;
  info: RunInfo;
  /** The events (static mode); the live page gets them over /events instead. */
  events?: TrainEvent[];
  tables?: TableData[];
}

/** The file of a run's events. */
export const METRICS_FILE = 'metrics.jsonl';
/** The config file `train` writes at the start of a run. */
export const RUN_INFO_FILE = 'run.json';
/** The `train --json` summary, written at the end of a run. */
export const SUMMARY_FILE = 'summary.json';
/** A cross-play evaluation (`eval --json` output), when present. */
export const EVAL_FILE = 'eval.json';

/** The events of complete JSON lines of `text` (a partial last line and foreign lines are skipped). */
export function parseEventLines(text: string): TrainEvent[] {
  const out: TrainEvent[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    try {
      const e: unknown = JSON.parse(t);
      if (isTrainEvent(e)) out.push(e);
    } catch {
      // a line being written, or not ours
    }
  }
  return out;
}

/** The events of `<dir>/metrics.jsonl` (none when the file is missing). */
export function readRunEvents(dir: string): TrainEvent[] {
  const file = join(dir, METRICS_FILE);
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  // Only whole lines: a running trainer may be in the middle of one.
  return parseEventLines(text.slice(0, text.lastIndexOf('\n') + 1));
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The newest checkpoint manifest of the run (by folder name, step-<N> sorts by step). */
function latestManifest(dir: string): { path: string; manifest: Record<string, unknown> } | undefined {
  const ck = join(dir, 'checkpoints');
  if (!existsSync(ck)) return undefined;
  const steps = readdirSync(ck).filter((n) => n.startsWith('step-')).sort();
  for (const name of [...steps.reverse(), 'best']) {
    const m = readJson(join(ck, name, 'manifest.json'));
    if (isObject(m)) return { path: join(ck, name), manifest: m };
  }
  return undefined;
}

/** The run's config: run.json, else the latest checkpoint's manifest; the backend from the first backend event when missing. */
export function readRunInfo(dir: string, events?: readonly TrainEvent[]): RunInfo {
  const info: RunInfo = {};
  const j = readJson(join(dir, RUN_INFO_FILE));
  if (isObject(j)) {
    if (typeof j.env === 'string') info.env = j.env;
    if (isObject(j.envOptions)) info.envOptions = j.envOptions;
    if (isObject(j.settings)) info.settings = j.settings;
    if (isObject(j.words)) info.words = j.words as MetricWords;
    if (isObject(j.backend)) {
      if (typeof j.backend.name === 'string') info.backend = j.backend.name;
      if (typeof j.backend.detail === 'string') info.backendDetail = j.backend.detail;
    }
    if (typeof j.resumedFrom === 'string') info.resumedFrom = j.resumedFrom;
    info.source = RUN_INFO_FILE;
  } else {
    const m = latestManifest(dir);
    if (m) {
      const t = isObject(m.manifest.trainer) ? m.manifest.trainer : {};
      if (typeof m.manifest.envId === 'string') info.env = m.manifest.envId;
      const opts = isObject(t.envOptions) ? t.envOptions : m.manifest.envOptions;
      if (isObject(opts)) info.envOptions = opts;
      if (isObject(t.config)) info.settings = t.config;
      info.source = `${basename(m.path)}/manifest.json`;
    }
  }
  if (info.backend === undefined) {
    const b = (events ?? readRunEvents(dir)).find((e) => e.kind === 'backend');
    if (b && b.kind === 'backend') {
      info.backend = b.backend;
      info.backendDetail = b.detail;
      info.source ??= 'events';
    }
  }
  return info;
}

const fmt = (x: unknown): string => (typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toPrecision(4)) : x === null || x === undefined ? 'n/a' : String(x));
const statText = (s: unknown): string => (isObject(s) ? `${fmt(s.mean)} ± ${fmt(s.ci95)}${typeof s.n === 'number' ? ` (n=${s.n})` : ''}` : 'n/a');

/** The final evaluation tables: train's summary.json evaluation and exploitability, eval.json's cross-play. */
export function readRunTables(dir: string): TableData[] {
  const tables: TableData[] = [];
  const s = readJson(join(dir, SUMMARY_FILE));
  if (isObject(s) && Array.isArray(s.evaluation) && s.evaluation.length) {
    const answers = s.evaluation.filter(isObject);
    if (answers.every((e) => isObject(e.mode))) {
      // paired answers (training/evaluation/questions.ts): mode and sampled vs the reference
      const cmp = (c: unknown, part: string) => (isObject(c) ? statText(c[part]) : 'n/a');
      const said = (c: unknown) => (isObject(c) ? String(c.summary ?? c.verdict ?? '') : '');
      tables.push({
        title: 'final evaluation (train summary)',
        head: ['question', 'figure', 'trained (mode)', 'trained (sampled)', 'reference', 'mode vs reference'],
        rows: answers.map((e) => [
          String(e.label ?? ''),
          `${String(e.figure ?? '')}, ${e.higherIsBetter ? 'higher' : 'lower'} is better`,
          cmp(e.mode, 'candidate'),
          cmp(e.sampled, 'candidate'),
          `${String(e.reference ?? '')}: ${cmp(e.mode, 'reference')}`,
          said(e.mode),
        ]),
      });
    } else {
      tables.push({
        title: 'final evaluation (train summary)',
        head: ['matchup', 'metric', 'mean ± 95% CI'],
        rows: answers.map((e) => [String(e.label ?? ''), String(e.metric ?? ''), statText(e.stat)]),
      });
    }
  }
  if (isObject(s) && isObject(s.exploitability)) {
    const rows: string[][] = [];
    for (const [which, est] of Object.entries(s.exploitability)) {
      if (isObject(est)) for (const [k, v] of Object.entries(est)) if (typeof v === 'number' || isObject(v)) rows.push([which, k, typeof v === 'number' ? fmt(v) : statText(v)]);
    }
    if (rows.length) tables.push({ title: 'exploitability (train summary)', head: ['policies', 'quantity', 'value'], rows });
  }
  const e = readJson(join(dir, EVAL_FILE));
  if (isObject(e) && Array.isArray(e.sides) && Array.isArray(e.matchups)) {
    const sides = e.sides.map(String);
    tables.push({
      title: 'cross-play (eval.json)',
      head: [...sides, ...sides.map((s) => `${s} reward`)],
      rows: e.matchups.filter(isObject).map((m) => {
        const players = isObject(m.players) ? m.players : {};
        const reward = isObject(m.reward) ? m.reward : {};
        return [...sides.map((s) => String(players[s] ?? '')), ...sides.map((s) => statText(reward[s]))];
      }),
    });
  } else if (isObject(e) && Array.isArray(e.cells)) {
    // eval.json of the attention market before eval was one command for every game.
    tables.push({
      title: 'cross-play (eval.json)',
      head: ['users', 'goals', 'regret', 'goal utility', 'welfare'],
      rows: e.cells.filter(isObject).map((c) => [String(c.users ?? ''), String(c.goals ?? ''), statText(c.regret), statText(c.goalUtility), statText(c.welfare)]),
    });
  }
  return tables;
}

/** Whether `dir` is a run folder we can show: a folder with metrics.jsonl or checkpoints/. */
export function runDirProblem(dir: string): string | null {
  const abs = resolve(dir);
  if (!existsSync(abs)) return `run folder ${dir} does not exist`;
  if (!statSync(abs).isDirectory()) return `${dir} is not a folder (give a run folder, e.g. runs/<run>)`;
  if (!existsSync(join(abs, METRICS_FILE)) && !existsSync(join(abs, 'checkpoints'))) return `${dir} is not a run folder: it has no ${METRICS_FILE} and no checkpoints/`;
  return null;
}
