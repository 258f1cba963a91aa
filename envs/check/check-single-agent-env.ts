/**
 * checkSingleAgentEnv: Gymnasium's check_env for the single-agent contract
 * (envs/wrappers/single-env.ts), with the same determinism and rejection checks as checkEnv.
 */
import type { Space } from '../core/spaces/space.js';
import type { SingleEnv, SingleResetResult, SingleStepResult } from '../wrappers/single-env.js';
import {
  closeTwice,
  determinism,
  probeRejections,
  resetSeedHonoured,
  resetWithEmptyOptions,
  sampledActionsAccepted,
  seedSensitivity,
  stepAfterEndThrows,
  type BehaviourContext,
} from './behaviour-checks.js';
import { recordRun } from './driver.js';
import { invalidAction } from './invalid-action.js';
import { resolveCheckOptions, type CheckOptions } from './options.js';
import { describeError, runChecks, verdict, type Check, type CheckOutcome, type CheckReport } from './report.js';
import { singleDriver, type SingleEvent } from './single-driver.js';

interface SingleContext extends BehaviourContext<SingleResetResult<unknown>, SingleStepResult<unknown>, unknown, null> {
  readonly env: SingleEnv;
  readonly spacesAtStart: { observation: Space<unknown>; action: Space<unknown> };
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
const stepEvents = (ctx: SingleContext) => ctx.reference.events.filter((e): e is Extract<SingleEvent, { kind: 'step' }> => e.kind === 'step');

/** observationSpace and actionSpace are the same objects on every read, for the env's whole life. */
function spacesByIdentity(ctx: SingleContext): CheckOutcome {
  const problems: string[] = [];
  for (const kind of ['observation', 'action'] as const) {
    const read = (): Space<unknown> => (kind === 'observation' ? ctx.env.observationSpace : ctx.env.actionSpace);
    const first = read();
    if (typeof first?.contains !== 'function' || typeof first?.sample !== 'function') problems.push(`${kind}Space is not a Space`);
    else if (read() !== first) problems.push(`${kind}Space is a new object on each read`);
    else if (ctx.spacesAtStart[kind] !== first) problems.push(`${kind}Space is another object after ${ctx.reference.steps} steps`);
  }
  return verdict(problems);
}

/** reset() returns { observation, info } with info a plain object. */
function resetShape(ctx: SingleContext): CheckOutcome {
  const problems: string[] = [];
  const { failure } = ctx.reference;
  if (failure?.label.startsWith('reset')) problems.push(`${failure.label}: threw ${describeError(failure.error)}`);
  for (const ev of ctx.reference.events) {
    if (ev.kind !== 'reset') continue;
    if (!isRecord(ev.result)) problems.push(`${ev.label}: reset() returned ${String(ev.result)}`);
    else {
      if (!('observation' in ev.result)) problems.push(`${ev.label}: no observation`);
      if (!isRecord(ev.result.info)) problems.push(`${ev.label}: info is ${String(ev.result.info)}, not an object`);
    }
  }
  return verdict(problems);
}

/** step() returns { observation, reward: number, terminated: boolean, truncated: boolean, info: object }. */
function stepShape(ctx: SingleContext): CheckOutcome {
  const problems: string[] = [];
  for (const ev of stepEvents(ctx)) {
    const r: unknown = ev.result;
    if (!isRecord(r)) {
      problems.push(`${ev.label}: step() returned ${String(r)}`);
      continue;
    }
    if (!('observation' in r)) problems.push(`${ev.label}: no observation`);
    if (typeof r.reward !== 'number') problems.push(`${ev.label}: reward is ${String(r.reward)}, not a number`);
    if (typeof r.terminated !== 'boolean') problems.push(`${ev.label}: terminated is ${String(r.terminated)}, not a boolean`);
    if (typeof r.truncated !== 'boolean') problems.push(`${ev.label}: truncated is ${String(r.truncated)}, not a boolean`);
    if (!isRecord(r.info)) problems.push(`${ev.label}: info is ${String(r.info)}, not an object`);
  }
  return verdict(problems);
}

/** Every observation, after reset and after each step, is inside observationSpace. */
function observationsInSpace(ctx: SingleContext): CheckOutcome {
  const problems: string[] = [];
  for (const ev of ctx.reference.events) {
    if (!isRecord(ev.result)) continue;
    const why = ctx.env.observationSpace.explain(ev.result.observation);
    if (why !== null) problems.push(`${ev.label}: the observation is outside its space: ${why}`);
  }
  return verdict(problems, `${ctx.reference.events.length} observations`);
}

/** Rewards are finite numbers. */
function rewardsFinite(ctx: SingleContext): CheckOutcome {
  const problems: string[] = [];
  for (const ev of stepEvents(ctx)) {
    const reward: unknown = ev.result?.reward;
    if (typeof reward === 'number' && !Number.isFinite(reward)) problems.push(`${ev.label}: reward ${reward}`);
  }
  return verdict(problems);
}

/** The controlled agent, when the env says which one it is (SingleAgentEnv.agent). */
function controlledAgent(env: SingleEnv): string | undefined {
  const agent = (env as { agent?: unknown }).agent;
  return typeof agent === 'string' ? agent : undefined;
}

/** An action outside actionSpace throws an ActionError and changes nothing. */
function badActionRejected(ctx: SingleContext): CheckOutcome {
  const agent = controlledAgent(ctx.env);
  return probeRejections(ctx, (ev) => {
    const bad = invalidAction(ctx.env.actionSpace, ev.action);
    return bad === null ? [] : [{ action: bad.action, agent, what: `an action with ${bad.what}` }];
  });
}

const SINGLE_CHECKS: readonly Check<SingleContext>[] = [
  { name: 'spaces returned by identity', run: spacesByIdentity },
  { name: 'reset returns observation and info', run: resetShape },
  { name: 'sampled actions accepted', run: sampledActionsAccepted },
  { name: 'step returns observation, reward, terminated, truncated, info', run: stepShape },
  { name: 'observations inside their spaces', run: observationsInSpace },
  { name: 'rewards finite', run: rewardsFinite },
  { name: 'step after the end throws', run: stepAfterEndThrows },
  { name: 'bad action rejected and state unchanged', run: badActionRejected },
  { name: 'determinism over many steps', run: determinism },
  { name: 'different seeds give different trajectories', run: seedSensitivity },
  { name: 'reset(seed) honoured at every step', run: resetSeedHonoured },
  { name: 'reset with options', run: resetWithEmptyOptions },
  { name: 'close twice', run: closeTwice },
];

/** The names of checkSingleAgentEnv's checks, in the order they run. */
export const SINGLE_AGENT_CHECK_NAMES: readonly string[] = SINGLE_CHECKS.map((c) => c.name);

/** Runs every conformance check of the single-agent contract on `env`; the env is closed at the end. */
export function checkSingleAgentEnv(env: SingleEnv, options?: CheckOptions): CheckReport {
  const opts = resolveCheckOptions(options);
  const spacesAtStart = { observation: env.observationSpace, action: env.actionSpace };
  const driver = singleDriver(env);
  const reference = recordRun(driver, { seed: opts.seed, actionSeed: opts.seed, steps: opts.steps });
  return runChecks(env.id, SINGLE_CHECKS, { env, driver, opts, reference, spacesAtStart });
}
