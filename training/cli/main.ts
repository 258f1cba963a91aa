/** Entry point of the `buddy-gym` binary (bin/buddy-gym.js imports the build of this file). */
import { runCli } from './program.js';

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

const code = runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  errStream: process.stderr,
  columns: columns(),
});
if (typeof code === 'number') process.exitCode = code;
else process.exitCode = await code;
