import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { runDirProblem } from '../training/dashboard/run-data.js';
import { writeReport } from '../training/dashboard/report.js';
import { registeredIds } from '../envs/registry.js';
import { game } from '../training/game/registry.js';
import { HELP_FLAG, parseCommandArgs, stringFlag, type CommandSpec } from './args.js';
import { EXIT, UsageError } from './errors.js';
import type { CliIO } from './io.js';

export const reportSpec: CommandSpec = {
  name: 'report',
  summary: "write a run's training curves, final evaluation and config as one self-contained HTML file",
  usage: ['report <run-dir> [--out FILE.html] [--png] [--svg]'],
  details: [
    'Reads <run-dir>/metrics.jsonl, the config (run.json, or the latest checkpoint manifest), the',
    "final evaluation of train's summary.json and, when present, eval.json (eval --json output saved",
    'there), and writes one HTML file that needs no network to view: uPlot (the chart library) and',
    'the data are inlined. Charts: regret & welfare; visibility & cost; losses, KL and entropy per',
    'policy; exploitability estimates. The run folder is only read, except for the files written.',
    '',
    '--png and --svg write its figures to <run-dir>/charts/: round-metrics (one panel per metric of',
    "the game, in its own words), updates (policy and value loss, entropy, KL, a line per policy) and",
    'evaluations; each panel has its own y-axis, ticks and gridlines, and says "no data" when empty.',
  ],
  flags: [
    { name: 'out', type: 'string', value: '<FILE.html>', doc: 'where to write the report (default <run-dir>/report.html)' },
    { name: 'png', type: 'boolean', doc: 'also write the figures as PNG: <run-dir>/charts/{round-metrics,updates,evaluations}.png' },
    { name: 'svg', type: 'boolean', doc: 'also write the figures as SVG (vector, for papers): <run-dir>/charts/<figure>.svg' },
    HELP_FLAG,
  ],
  examples: ['buddy-gym report runs/first', 'buddy-gym report runs/first --out first.html --png --svg'],
};

/** `buddy-gym report`. */
export function reportCommand(argv: readonly string[], io: CliIO): number {
  const { values, positionals } = parseCommandArgs(reportSpec, argv);
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'which run? give a run folder: buddy-gym report runs/<run>' : `expected one run folder, got ${positionals.length}: ${positionals.join(' ')}`);
  const dir = positionals[0];
  const problem = runDirProblem(dir);
  if (problem) throw new UsageError(problem);
  const out = stringFlag(values, 'out');
  if (out !== undefined) {
    if (out === '') throw new UsageError('--out needs a file name');
    const parent = dirname(resolve(out));
    if (!existsSync(parent) || !statSync(parent).isDirectory()) throw new UsageError(`--out ${out}: the folder ${parent} does not exist`);
    if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`--out ${out} is a folder; give a file name`);
  }
  const wordsFor = (id: string) => (registeredIds().includes(id) ? game(id).words : undefined);
  const r = writeReport(dir, { out, png: values.png === true, svg: values.svg === true, wordsFor });
  io.err(`report: ${r.events} events of ${dir}`);
  io.out(r.html);
  for (const p of r.charts) io.out(p);
  return EXIT.ok;
}
