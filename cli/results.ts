import { resolve } from 'node:path';
import { resultRows } from '../training/game/registry.js';
import { runResults } from '../training/results/runner.js';
import { HELP_FLAG, parseCommandArgs, stringFlag, type CommandSpec } from './args.js';
import { EXIT, UsageError } from './errors.js';
import type { CliIO } from './io.js';
import { backendFlag } from './backend-flag.js';
import { selectBackend } from '../agents/backend/index.js';

export const resultsSpec: CommandSpec = {
  name: 'results',
  summary: "train and judge every row of the results table (each game's known result), writing RESULTS.md",
  usage: ['results [--rows 1,5,9] [--seeds 0,1,2] [--fast] [--out RESULTS.md]'],
  details: [
    "Each row trains one game's recipe (recipes/<row>-<name>.json) for every seed, evaluates the",
    'learned policies deterministic (mode), with the sampled ones beside them, in pairs with a',
    'baseline on the same evaluation worlds, and judges the row against its bar. RESULTS.md gets',
    'the table, the seeds, the commands, per-seed figures with 95% CIs, SVG learning curves (in',
    'results/ beside it) and the time each row took. Each row\'s report is kept in',
    'results/row-<N>.json, so rows run apart (--rows) make one table: a row run again replaces',
    'only its own report. --fast runs the quick version that npm test runs (fewer iterations',
    'and worlds, looser bars that an untrained policy still fails).',
    '',
    'Rows:',
    ...resultRows().map((r) => `  ${String(r.id).padStart(2)}  ${r.game}: ${r.title}`),
  ],
  flags: [
    { name: 'rows', type: 'string', value: '<LIST>', doc: 'comma-separated row numbers (default: all)' },
    { name: 'seeds', type: 'string', value: '<LIST>', doc: 'comma-separated training seeds (default 0,1,2)' },
    { name: 'fast', type: 'boolean', doc: 'the quick version of every row (what npm test checks)' },
    { name: 'out', type: 'string', value: '<FILE>', doc: 'where the table goes (default RESULTS.md; figures in results/ beside it)' },
    { name: 'backend', type: 'string', value: '<NAME>', doc: 'TensorFlow.js backend for what tfjs computes (default auto)' },
    HELP_FLAG,
  ],
  examples: ['buddy-gym results', 'buddy-gym results --rows 1 --seeds 0', 'buddy-gym results --fast --out /tmp/RESULTS.md'],
};

function intList(text: string | undefined, flag: string, ok: (n: number) => boolean, allowed: string): number[] | undefined {
  if (text === undefined) return undefined;
  const xs = text.split(',').map((s) => s.trim());
  const nums = xs.map(Number);
  const bad = xs.find((s, i) => s === '' || !Number.isInteger(nums[i]) || !ok(nums[i]));
  if (bad !== undefined) throw new UsageError(`--${flag} ${JSON.stringify(text)}: ${JSON.stringify(bad)} is not ${allowed}`);
  return nums;
}

export async function resultsCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(resultsSpec, argv);
  if (positionals.length) throw new UsageError(`results takes no positional arguments, got ${positionals.join(' ')}`);
  const ids = resultRows().map((r) => r.id);
  const rows = intList(stringFlag(values, 'rows'), 'rows', (n) => ids.includes(n), `a row number (${ids.join(', ')})`);
  const seeds = intList(stringFlag(values, 'seeds'), 'seeds', (n) => n >= 0 && n < 2 ** 31, 'a seed in [0, 2147483647]');
  const out = resolve(stringFlag(values, 'out') ?? 'RESULTS.md');
  const backend = await selectBackend(backendFlag(values));
  io.err(`results: backend ${backend.name}; writing ${out}`);
  const reports = await runResults({ rows, seeds, fast: values.fast === true, out, log: (l) => io.err(l) });
  for (const { id, outcome, error } of reports) io.out(`row ${String(id).padStart(2)}: ${outcome ? (outcome.reached ? 'reached    ' : 'NOT reached') : 'error      '}  ${outcome ? outcome.measured : error}`);
  io.out(`wrote ${out}`);
  return EXIT.ok;
}
