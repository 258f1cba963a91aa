import { wrapLine } from './format.js';

/** Where a command writes: `out` for results (stdout), `err` for errors and notes (stderr), one line per call. */
export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /**
   * The stream behind `err`, when there is one (the terminal): train's progress display
   * redraws its line in place there. Without it, progress goes to `err` as plain lines.
   */
  readonly errStream?: NodeJS.WritableStream;
  /**
   * The width of the terminal behind `out`, when there is one: human output (tables, help) is
   * fitted to it (JSON and markdown never are). Undefined: lines are printed whole.
   */
  readonly columns?: number;
}

/** `io` with its `out` lines fitted to `io.columns`; `io` itself when there is no width to fit. */
export function fittedIO(io: CliIO): CliIO {
  const width = io.columns;
  if (width === undefined) return io;
  return { ...io, out: (line) => wrapLine(line, width).forEach((l) => io.out(l)) };
}

/** An in-memory CliIO, for tests and for callers that want the text. */
export function captureIO(): CliIO & { readonly stdout: string[]; readonly stderr: string[]; text(): string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => void stdout.push(line),
    err: (line) => void stderr.push(line),
    text: () => stdout.join('\n'),
  };
}
