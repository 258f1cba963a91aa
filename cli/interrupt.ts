/**
 * Ctrl-C during training. The first SIGINT or SIGTERM asks the run to stop: the iteration
 * under way finishes and a checkpoint is saved (the run loop checks the signal after every
 * iteration). A second one exits at once, with the conventional 128 + signal number.
 */
const CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

export interface StopOnSignal {
  /** Aborts at the first signal. */
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  readonly received: NodeJS.Signals | undefined;
  /** The exit code of a run the signal stopped: 130 for SIGINT, 143 for SIGTERM. */
  readonly exitCode: number;
  /** Removes the handlers (the default behaviour comes back). */
  dispose(): void;
}

export function stopOnSignal(note: (line: string) => void, exit: (code: number) => void = (code) => process.exit(code)): StopOnSignal {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (received !== undefined) {
      note(`${sig} again: exiting now, without saving`);
      exit(CODES[sig] ?? 130);
      return;
    }
    received = sig;
    note(`\n${sig}: stopping after the current iteration, then saving a checkpoint (press Ctrl-C again to quit at once)`);
    controller.abort();
  };
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((s) => [s, () => onSignal(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    get exitCode() {
      return CODES[received ?? 'SIGINT'] ?? 130;
    },
    dispose: () => handlers.forEach(([s, h]) => process.off(s, h)),
  };
}
