/**
 * Checks that hold for both kinds of env (multi-agent and single-agent): they drive the
 * env through a Driver and compare runs. Each one guards one clause of the contract.
 */
import { ActionError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { bytesEqual, firstDifferentByte } from './compare.js';
import { ACTION_STREAM, compareRuns, recordRun, replay, replayEvent, type Driver, type StepEvent, type Trajectory } from './driver.js';
import type { ResolvedCheckOptions } from './options.js';
import { describeError, fail, pass, skip, verdict, type CheckOutcome } from './report.js';

export interface BehaviourContext<R, S, A, L> {
  readonly driver: Driver<R, S, A, L>;
  readonly opts: ResolvedCheckOptions;
  /** The run every check compares with: seed opts.seed, opts.steps steps. */
  readonly reference: Trajectory<R, S, A, L>;
}

type Ctx<R, S, A, L> = BehaviourContext<R, S, A, L>;

const runSummary = (run: Trajectory<unknown, unknown, unknown, unknown>) => `${run.steps} steps over ${run.episodes} episode(s)`;

/** Actions drawn from the action spaces are accepted (the reference run did not throw). */
export function sampledActionsAccepted<R, S, A, L>({ reference }: Ctx<R, S, A, L>): CheckOutcome {
  if (reference.failure) return fail(`${reference.failure.label}: threw ${describeError(reference.failure.error)}`);
  return pass(runSummary(reference));
}

/**
 * Same seed and same actions ⇒ bit-identical observations, rewards, done flags and
 * bookkeeping, over many steps and across episode boundaries (unseeded resets continue
 * the PRNG). Infos are not compared: they may carry wall-clock times.
 */
export function determinism<R, S, A, L>({ driver, opts, reference }: Ctx<R, S, A, L>): CheckOutcome {
  const again = recordRun(driver, { seed: opts.seed, actionSeed: opts.seed, steps: opts.steps });
  const d = compareRuns(driver, reference, again);
  return d === null ? pass(`${runSummary(reference)} identical`) : fail(`two runs with seed ${opts.seed} differ at ${d}`);
}

/**
 * A different seed gives a different trajectory (same actions): catches an env that
 * ignores its seed, which the determinism check cannot see. Fails by default; skipped
 * when opts.seedSensitive is false (games without chance moves).
 */
export function seedSensitivity<R, S, A, L>({ driver, opts, reference }: Ctx<R, S, A, L>): CheckOutcome {
  if (!opts.seedSensitive) return skip('seedSensitive is false');
  const other = recordRun(driver, { seed: opts.seed + 1, actionSeed: opts.seed, steps: opts.steps });
  const d = compareRuns(driver, reference, other);
  if (d === null) return fail(`seeds ${opts.seed} and ${opts.seed + 1} gave identical trajectories over ${runSummary(reference)}: the seed looks ignored`);
  return pass(`first difference: ${d}`);
}

/** Event counts at which to reset again: every one of the first few, then doubling, then the last. */
function resetOffsets(events: number): number[] {
  const out = new Set<number>();
  for (let k = 1; k <= Math.min(events, 9); k++) out.add(k);
  for (let k = 16; k < events; k *= 2) out.add(k);
  out.add(events);
  return [...out];
}

/**
 * reset({ seed }) determines every later step, and does so from any state: the env is
 * reset with the same seed after runs of many lengths (mid-episode, mid-round, at an
 * episode's end) and must replay the reference each time.
 */
export function resetSeedHonoured<R, S, A, L>({ driver, opts, reference }: Ctx<R, S, A, L>): CheckOutcome {
  if (reference.events.length === 0) return fail('the reference run has no events (reset threw)');
  let previous = 0;
  for (const count of resetOffsets(reference.events.length)) {
    const d = replay(driver, reference, count);
    if (d !== null) return fail(`reset({ seed: ${opts.seed} }) after ${previous} event(s) of play, then ${d}`);
    previous = count;
  }
  return pass(`replayed from ${resetOffsets(reference.events.length).length} different states`);
}

/** reset({ seed, options: {} }) behaves exactly like reset({ seed }). */
export function resetWithEmptyOptions<R, S, A, L>({ driver, opts, reference }: Ctx<R, S, A, L>): CheckOutcome {
  if (reference.events.length === 0) return fail('the reference run has no events (reset threw)');
  const d = replay(driver, reference, 64, { seed: opts.seed, options: {} });
  return d === null ? pass() : fail(`reset({ seed: ${opts.seed}, options: {} }) differs from reset({ seed: ${opts.seed} }) at ${d}`);
}

/** Once the episode is over, step() throws (only reset may follow). */
export function stepAfterEndThrows<R, S, A, L>({ driver, opts }: Ctx<R, S, A, L>): CheckOutcome {
  const rng = new Rng(opts.seed, ACTION_STREAM);
  driver.reset({ seed: opts.seed });
  let last: A | undefined;
  let steps = 0;
  while (!driver.isOver() && steps < opts.steps) {
    last = driver.sampleAction(rng);
    driver.step(last);
    steps++;
  }
  if (!driver.isOver() || last === undefined) return skip(`no episode ended within ${opts.steps} steps`);
  try {
    driver.step(last);
  } catch (e) {
    return pass(`after ${steps} steps: ${describeError(e)}`);
  }
  return fail(`the episode ended after ${steps} steps, and step() with the last actions was accepted afterwards`);
}

/** close() twice does not throw. Run last: the env may be unusable afterwards. */
export function closeTwice<R, S, A, L>({ driver }: Ctx<R, S, A, L>): CheckOutcome {
  driver.close();
  driver.close();
  return pass();
}

/** An action step() must reject, with the agent its ActionError must name. */
export interface Probe<A> {
  readonly action: A;
  /** The agent the ActionError must name; undefined to accept any. */
  readonly agent: string | undefined;
  /** Says what is wrong, for messages ("an action for non-acting agent \"x\""). */
  readonly what: string;
}

/**
 * Replays the first opts.probeSteps steps of the reference run, and before each step tries
 * the probes `craft` makes from it. Each must throw an ActionError naming the probe's agent
 * and leave the env as it was: the snapshot (when the env has one) must be byte-identical,
 * and the recorded step, played next, must give the recorded result.
 */
export function probeRejections<R, S, A, L>(
  { driver, opts, reference }: Ctx<R, S, A, L>,
  craft: (ev: StepEvent<R, S, A, L>) => readonly Probe<A>[],
): CheckOutcome {
  const problems: string[] = [];
  let probes = 0;
  let steps = 0;
  for (const ev of reference.events) {
    if (ev.kind === 'step') {
      if (steps++ >= opts.probeSteps) break;
      for (const probe of craft(ev)) {
        probes++;
        const before = driver.snapshot?.();
        let error: unknown;
        let threw = false;
        try {
          driver.step(probe.action);
        } catch (e) {
          threw = true;
          error = e;
        }
        // Accepted: the env has moved on, so the rest of this replay would mean nothing.
        if (!threw) return verdict([...problems, `${ev.label}: ${probe.what} was accepted`]);
        if (!(error instanceof ActionError)) problems.push(`${ev.label}: ${probe.what} threw ${describeError(error)}, not an ActionError`);
        else if (probe.agent !== undefined && error.agent !== probe.agent) problems.push(`${ev.label}: ${probe.what}: the ActionError names agent "${error.agent}", not "${probe.agent}"`);
        if (before !== undefined) {
          const after = driver.snapshot!();
          if (!bytesEqual(before, after)) {
            problems.push(`${ev.label}: ${probe.what} was rejected but changed the snapshot (first at byte ${firstDifferentByte(before, after)})`);
          }
        }
      }
    }
    const d = replayEvent(driver, ev);
    if (d !== null) {
      // With a snapshot, state changes are caught above; a divergence here means the env is
      // not deterministic, which the determinism check reports.
      if (driver.snapshot) return verdict(problems, `stopped early: the replay diverged at ${d}`);
      return verdict([...problems, `after rejected actions the run differs from the reference (a rejected action changed the state, or the env is not deterministic): ${d}`]);
    }
  }
  if (probes === 0) return skip(`nothing to probe in the first ${opts.probeSteps} steps`);
  return verdict(problems, `${probes} bad step() calls rejected over ${Math.min(steps, opts.probeSteps)} steps${driver.snapshot ? ', snapshots unchanged' : ''}`);
}
