import { basename, resolve } from 'node:path';
import { runDirProblem } from '../training/dashboard/run-data.js';
import { HELP_FLAG, parseCommandArgs, type CommandSpec } from './args.js';
import { EXIT, UsageError } from './errors.js';
import type { CliIO } from './io.js';
import { untilStopped } from './until-stopped.js';
import { HOST_FLAG, PORT_FLAG, dashboardAddress, startOrExplain } from './dashboard-address.js';

export const dashboardSpec: CommandSpec = {
  name: 'dashboard',
  summary: 'serve a local page with the live or finished training curves of one or more run folders',
  usage: ['dashboard <run-dir> [<run-dir> ...] [--port P] [--host H]'],
  details: [
    'Serves a page (http://127.0.0.1:<port>/, printed on stderr) with one chart per metric group:',
    'regret & welfare; visibility & cost; losses, KL and entropy per policy; exploitability',
    "estimates; one series per run, and each run's config and backend. A run still being",
    'trained by another process is followed: new lines of its metrics.jsonl appear as they come.',
    'Runs until Ctrl-C. Loopback only unless --host is given; GET only; run folders are only read.',
    'For the run being trained, use train --dashboard instead.',
  ],
  flags: [PORT_FLAG, HOST_FLAG, HELP_FLAG],
  examples: ['buddy-gym dashboard runs/first', 'buddy-gym dashboard runs/a runs/b --port 8080'],
};

/** Distinct display names for the runs: the folder names, with a #n when two are alike. */
function runNames(dirs: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return dirs.map((d) => {
    const base = basename(resolve(d));
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n > 1 ? `${base}#${n}` : base;
  });
}

/**
 * `buddy-gym dashboard`: serves until SIGINT / SIGTERM (or `signal` aborts, for tests);
 * resolves to the exit code after closing.
 */
export function dashboardCommand(argv: readonly string[], io: CliIO, signal?: AbortSignal): number | Promise<number> {
  const { values, positionals } = parseCommandArgs(dashboardSpec, argv);
  if (positionals.length === 0) throw new UsageError('which runs? give one or more run folders: buddy-gym dashboard runs/<run> ...');
  for (const d of positionals) {
    const problem = runDirProblem(d);
    if (problem) throw new UsageError(problem);
  }
  const { host, port } = dashboardAddress(values);
  return serve(positionals, host, port, io, signal);
}

async function serve(positionals: readonly string[], host: string, port: number, io: CliIO, signal?: AbortSignal): Promise<number> {
  const names = runNames(positionals);
  const dash = await startOrExplain({ runs: positionals.map((d, i) => ({ name: names[i], dir: resolve(d) })), host, port });
  io.err(`dashboard: ${dash.url}`);
  io.err('serving until Ctrl-C');
  await untilStopped(signal);
  await dash.close();
  io.err('dashboard: closed');
  return EXIT.ok;
}
