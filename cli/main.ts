/** Entry point of the `buddy-gym` binary (bin/buddy-gym.js imports the build of this file). */
import type { CliIO } from './io.js';

// `buddy-gym list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

/** The terminal's width: COLUMNS when set, else the TTY's; none in a pipe (lines stay whole). */
function columns(): number | undefined {
  const fromEnv = Number(process.env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return process.stdout.isTTY ? process.stdout.columns : undefined;
}

const argv = process.argv.slice(2);
const io: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  errStream: process.stderr,
  columns: columns(),
};
// `serve` takes its own road, which does not load the trainer and tfjs: a client waits on it.
const code = argv[0] === 'serve' ? (await import('./serve-main.js')).runServe(argv.slice(1), io) : (await import('./program.js')).runCli(argv, io);
if (typeof code === 'number') process.exitCode = code;
else process.exitCode = await code;
