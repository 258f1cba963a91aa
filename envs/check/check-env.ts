/**
 * checkEnv: the conformance checker of the multi-agent contract (envs/core/env.ts), joining
 * PettingZoo's parallel_api_test and Gymnasium's check_env. It records one reference run
 * (opts.steps steps with actions sampled from the action spaces by the project's Rng,
 * seeded with opts.seed, across episode boundaries), inspects it, then drives the env
 * again to test determinism, reseeding, rejection of bad actions and close().
 */
import type { AgentId, ParallelEnv, ResetResult, StepResult } from '../core/env.js';
import { Rng } from '../core/rng.js';
import type { Space } from '../core/spaces/space.js';
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
  type Probe,
} from './behaviour-checks.js';
import { PROBE_STREAM, recordRun } from './driver.js';
import { invalidAction } from './invalid-action.js';
import { resolveCheckOptions, type CheckOptions } from './options.js';
import { parallelDriver, type Actions, type LiveAgents, type ParallelStepEvent } from './parallel-driver.js';
import { describeError, fail, runChecks, verdict, type Check, type CheckOutcome, type CheckReport } from './report.js';

interface ParallelContext extends BehaviourContext<ResetResult<unknown>, StepResult<unknown>, Actions, LiveAgents> {
  readonly env: ParallelEnv;
  /** Each possible agent's spaces as first returned, before any reset; or why they could not be read. */
  readonly spacesAtStart: Map<AgentId, { observation: Space<unknown>; action: Space<unknown> }> | string;
  readonly probeRng: Rng;
}

const steps = (ctx: ParallelContext) => ctx.reference.events.filter((e): e is ParallelStepEvent => e.kind === 'step');
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
const quoted = (ids: readonly string[]) => ids.map((id) => `"${id}"`).join(', ');

/** Problems with a record that must be keyed by exactly the agents `expected`. */
function keyProblems(record: unknown, expected: readonly AgentId[], what: string, label: string): string[] {
  if (!isRecord(record)) return [`${label}: ${what} is ${record === null ? 'null' : typeof record}, not an object keyed by agent`];
  const problems: string[] = [];
  for (const id of expected) if (!Object.hasOwn(record, id)) problems.push(`${label}: ${what} lacks live agent "${id}"`);
  for (const id of Object.keys(record)) if (!expected.includes(id)) problems.push(`${label}: ${what} has "${id}", which is not a live agent`);
  return problems;
}

function duplicates(ids: readonly string[]): string[] {
  return ids.filter((id, i) => ids.indexOf(id) !== i);
}

// ---- spaces ----------------------------------------------------------------------------

/** observationSpace(a) and actionSpace(a) return the same object on every call, for every agent, for the env's whole life. */
function spacesByIdentity(ctx: ParallelContext): CheckOutcome {
  const { env, spacesAtStart } = ctx;
  if (typeof spacesAtStart === 'string') return fail(spacesAtStart);
  const problems: string[] = [];
  for (const id of env.possibleAgents) {
    for (const kind of ['observation', 'action'] as const) {
      const get = (): Space<unknown> => (kind === 'observation' ? env.observationSpace(id) : env.actionSpace(id));
      const first = get();
      if (typeof first?.contains !== 'function' || typeof first?.sample !== 'function') problems.push(`agent "${id}": ${kind}Space() does not return a Space`);
      else if (get() !== first) problems.push(`agent "${id}": ${kind}Space() returns a new object on each call`);
      else if (spacesAtStart.get(id)?.[kind] !== first) problems.push(`agent "${id}": ${kind}Space() returned another object after ${ctx.reference.steps} steps`);
    }
  }
  return verdict(problems, `${env.possibleAgents.length} agents`);
}

// ---- reset and step results ------------------------------------------------------------

/** reset() returns { observations, infos } keyed by exactly the live agents, and at least one agent is live. */
function resetReturnsLiveAgents(ctx: ParallelContext): CheckOutcome {
  const problems: string[] = [];
  const { failure } = ctx.reference;
  if (failure?.label.startsWith('reset')) problems.push(`${failure.label}: threw ${describeError(failure.error)}`);
  for (const ev of ctx.reference.events) {
    if (ev.kind !== 'reset') continue;
    if (ev.after.agents.length === 0) problems.push(`${ev.label}: no live agent after reset`);
    problems.push(...keyProblems(ev.result?.observations, ev.after.agents, 'observations', ev.label));
    problems.push(...keyProblems(ev.result?.infos, ev.after.agents, 'infos', ev.label));
  }
  return verdict(problems);
}

const STEP_RECORDS = ['observations', 'rewards', 'terminations', 'truncations', 'infos'] as const;

/** Every record step() returns is keyed by exactly the agents that were live before the step. */
function stepKeysAreLiveAgents(ctx: ParallelContext): CheckOutcome {
  const problems: string[] = [];
  for (const ev of steps(ctx)) {
    if (!isRecord(ev.result)) {
      problems.push(`${ev.label}: step() returned ${typeof ev.result}`);
      continue;
    }
    for (const what of STEP_RECORDS) problems.push(...keyProblems(ev.result[what], ev.before.agents, what, ev.label));
  }
  return verdict(problems);
}

/** Rewards are finite numbers. */
function rewardsFinite(ctx: ParallelContext): CheckOutcome {
  const problems: string[] = [];
  for (const ev of steps(ctx)) {
    if (!isRecord(ev.result?.rewards)) continue;
    for (const [id, r] of Object.entries(ev.result.rewards)) {
      if (typeof r !== 'number' || !Number.isFinite(r)) problems.push(`${ev.label}: agent "${id}" got reward ${String(r)}`);
    }
  }
  return verdict(problems);
}

/** Terminations and truncations are booleans (not 0/1 or undefined). */
function doneFlagsAreBooleans(ctx: ParallelContext): CheckOutcome {
  const problems: string[] = [];
  for (const ev of steps(ctx)) {
    for (const what of ['terminations', 'truncations'] as const) {
      const flags = ev.result?.[what];
      if (!isRecord(flags)) continue;
      for (const [id, f] of Object.entries(flags)) if (typeof f !== 'boolean') problems.push(`${ev.label}: ${what} of agent "${id}" is ${String(f)}`);
    }
  }
  return verdict(problems);
}

/** Each agent's info is a plain object (possibly empty). */
function infosAreObjects(ctx: ParallelContext): CheckOutcome {
  const problems: string[] = [];
  for (const ev of ctx.reference.events) {
    const infos = ev.result?.infos;
    if (!isRecord(infos)) continue;
    for (const [id, info] of Object.entries(infos)) if (!isRecord(info)) problems.push(`${ev.label}: info of agent "${id}" is ${String(info)}`);
  }
  return verdict(problems);
}

/** Every observation, after reset and after each step, is inside its agent's observation space. */
function observationsInSpaces(ctx: ParallelContext): CheckOutcome {
  const problems: string[] = [];
  let seen = 0;
  for (const ev of ctx.reference.events) {
    const observations = ev.result?.observations;
    if (!isRecord(observations)) continue;
    for (const [id, obs] of Object.entries(observations)) {
      if (!ctx.env.possibleAgents.includes(id)) continue; // reported by the key checks
      seen++;
      const why = ctx.env.observationSpace(id).explain(obs);
      if (why !== null) problems.push(`${ev.label}: observation of agent "${id}" is outside its space: ${why}`);
    }
  }
  return verdict(problems, `${seen} observations`);
}

// ---- live-agent bookkeeping -----------------------------------------------------------

/** possibleAgents is non-empty without repeats, and `agents` is always a subset of it without repeats. */
function agentsArePossible(ctx: ParallelContext): CheckOutcome {
  const possible = ctx.env.possibleAgents;
  const problems: string[] = [];
  if (possible.length === 0) problems.push('possibleAgents is empty');
  if (duplicates(possible).length > 0) problems.push(`possibleAgents repeats ${quoted(duplicates(possible))}`);
  for (const ev of ctx.reference.events) {
    const strangers = ev.after.agents.filter((id) => !possible.includes(id));
    if (strangers.length > 0) problems.push(`${ev.label}: agents has ${quoted(strangers)}, not in possibleAgents`);
    if (duplicates(ev.after.agents).length > 0) problems.push(`${ev.label}: agents repeats ${quoted(duplicates(ev.after.agents))}`);
  }
  return verdict(problems);
}

const isDone = (ev: ParallelStepEvent, id: AgentId) => ev.result?.terminations?.[id] === true || ev.result?.truncations?.[id] === true;

/** After a step, `agents` is the agents before it minus exactly those that terminated or truncated. */
function doneAgentsLeave(ctx: ParallelContext): CheckOutcome {
  const problems: string[] = [];
  for (const ev of steps(ctx)) {
    for (const id of ev.before.agents) {
      const done = isDone(ev, id);
      const stays = ev.after.agents.includes(id);
      if (done && stays) problems.push(`${ev.label}: agent "${id}" terminated or truncated but is still in agents`);
      if (!done && !stays) problems.push(`${ev.label}: agent "${id}" left agents without terminating or truncating`);
    }
    for (const id of ev.after.agents) if (!ev.before.agents.includes(id)) problems.push(`${ev.label}: agent "${id}" joined agents mid-episode`);
  }
  return verdict(problems);
}

/** An agent that terminated or truncated never shows up again in the episode: not in agents, acting agents, or any result. */
function terminatedNeverReappear(ctx: ParallelContext): CheckOutcome {
  const problems: string[] = [];
  let departed = new Map<AgentId, string>(); // agent -> label of the step it left at
  let departures = 0;
  for (const ev of ctx.reference.events) {
    if (ev.kind === 'reset') {
      departed = new Map();
      continue;
    }
    const seen = new Set([...ev.before.agents, ...ev.before.acting, ...ev.after.agents, ...ev.after.acting]);
    for (const what of STEP_RECORDS) if (isRecord(ev.result?.[what])) for (const id of Object.keys(ev.result[what])) seen.add(id);
    for (const id of seen) {
      const leftAt = departed.get(id);
      if (leftAt !== undefined) {
        problems.push(`agent "${id}" terminated or truncated at ${leftAt} and reappears at ${ev.label}`);
        departed.delete(id); // report each departure once
      }
    }
    for (const id of ev.before.agents) {
      if (isDone(ev, id)) {
        departed.set(id, ev.label);
        departures++;
      }
    }
  }
  return verdict(problems, `${departures} departures`);
}

/** actingAgents ⊆ agents, non-empty while the episode runs (else no step could make progress), and empty once it is over. */
function actingAgentsAreLive(ctx: ParallelContext): CheckOutcome {
  const problems: string[] = [];
  for (const ev of ctx.reference.events) {
    const { agents, acting } = ev.after;
    if (agents.length === 0) {
      if (acting.length > 0) problems.push(`after ${ev.label}: the episode is over but actingAgents is ${quoted(acting)}`);
      continue;
    }
    if (acting.length === 0) problems.push(`after ${ev.label}: agents are live but actingAgents is empty`);
    const dead = acting.filter((id) => !agents.includes(id));
    if (dead.length > 0) problems.push(`after ${ev.label}: acting agent(s) ${quoted(dead)} not in agents`);
    if (duplicates(acting).length > 0) problems.push(`after ${ev.label}: actingAgents repeats ${quoted(duplicates(acting))}`);
  }
  return verdict(problems);
}

// ---- rejected actions (the state must be unchanged) -------------------------------------

/** An action outside its agent's action space throws an ActionError naming the agent, and changes nothing. */
function badActionRejected(ctx: ParallelContext): CheckOutcome {
  return probeRejections(ctx, (ev: ParallelStepEvent) => {
    const probes: Probe<Actions>[] = [];
    for (const id of ev.before.acting) {
      const bad = invalidAction(ctx.env.actionSpace(id), ev.action[id]);
      if (bad !== null) probes.push({ action: { ...ev.action, [id]: bad.action }, agent: id, what: `an action of "${id}" with ${bad.what}` });
    }
    return probes;
  });
}

const UNKNOWN_AGENT = '__no_such_agent__';

/** Sequential phases: an action for an agent that does not act now (or does not exist) is rejected, not ignored. */
function nonActingRejected(ctx: ParallelContext): CheckOutcome {
  return probeRejections(ctx, (ev: ParallelStepEvent) => {
    const probes: Probe<Actions>[] = [];
    for (const id of ctx.env.possibleAgents) {
      if (ev.before.acting.includes(id)) continue;
      const action = ctx.env.actionSpace(id).sample(ctx.probeRng);
      const status = ev.before.agents.includes(id) ? 'non-acting' : 'non-live';
      probes.push({ action: { ...ev.action, [id]: action }, agent: id, what: `an action for ${status} agent "${id}"` });
    }
    const someActing = ev.before.acting[0];
    if (someActing !== undefined) {
      probes.push({ action: { ...ev.action, [UNKNOWN_AGENT]: ev.action[someActing] }, agent: UNKNOWN_AGENT, what: `an action for unknown agent "${UNKNOWN_AGENT}"` });
    }
    return probes;
  });
}

/** Sequential phases: every acting agent must act; leaving one out is rejected. */
function missingActingRejected(ctx: ParallelContext): CheckOutcome {
  return probeRejections(ctx, (ev: ParallelStepEvent) =>
    ev.before.acting.map((id) => {
      const { [id]: _left, ...rest } = ev.action;
      return { action: rest, agent: id, what: `actions without acting agent "${id}"` };
    }),
  );
}

// ---- the list --------------------------------------------------------------------------

const PARALLEL_CHECKS: readonly Check<ParallelContext>[] = [
  { name: 'spaces returned by identity', run: spacesByIdentity },
  { name: 'reset returns every live agent', run: resetReturnsLiveAgents },
  { name: 'sampled actions accepted', run: sampledActionsAccepted },
  { name: 'keys of step results are the live agents', run: stepKeysAreLiveAgents },
  { name: 'agents are possible agents', run: agentsArePossible },
  { name: 'done agents leave agents', run: doneAgentsLeave },
  { name: 'terminated agents never reappear', run: terminatedNeverReappear },
  { name: 'acting agents are live', run: actingAgentsAreLive },
  { name: 'observations inside their spaces', run: observationsInSpaces },
  { name: 'rewards finite', run: rewardsFinite },
  { name: 'done flags are booleans', run: doneFlagsAreBooleans },
  { name: 'infos are objects', run: infosAreObjects },
  { name: 'step after the end throws', run: stepAfterEndThrows },
  { name: 'bad action rejected and state unchanged', run: badActionRejected },
  { name: "non-acting agents' actions rejected", run: nonActingRejected },
  { name: 'missing acting agent rejected', run: missingActingRejected },
  { name: 'determinism over many steps', run: determinism },
  { name: 'different seeds give different trajectories', run: seedSensitivity },
  { name: 'reset(seed) honoured at every step', run: resetSeedHonoured },
  { name: 'reset with options', run: resetWithEmptyOptions },
  { name: 'close twice', run: closeTwice }, // last: the env may be unusable afterwards
];

/** The names of checkEnv's checks, in the order they run. */
export const PARALLEL_CHECK_NAMES: readonly string[] = PARALLEL_CHECKS.map((c) => c.name);

function captureSpaces(env: ParallelEnv): ParallelContext['spacesAtStart'] {
  const spaces = new Map<AgentId, { observation: Space<unknown>; action: Space<unknown> }>();
  for (const id of env.possibleAgents) {
    try {
      spaces.set(id, { observation: env.observationSpace(id), action: env.actionSpace(id) });
    } catch (e) {
      return `agent "${id}": reading its spaces before reset threw ${describeError(e)}`;
    }
  }
  return spaces;
}

/**
 * Runs every conformance check of the multi-agent contract on `env` and reports each.
 * The env is closed at the end. Never throws for a faulty env: a check that throws fails.
 */
export function checkEnv(env: ParallelEnv, options?: CheckOptions): CheckReport {
  const opts = resolveCheckOptions(options);
  const spacesAtStart = captureSpaces(env);
  const driver = parallelDriver(env);
  const reference = recordRun(driver, { seed: opts.seed, actionSeed: opts.seed, steps: opts.steps });
  const ctx: ParallelContext = { env, driver, opts, reference, spacesAtStart, probeRng: new Rng(opts.seed, PROBE_STREAM) };
  return runChecks(env.id, PARALLEL_CHECKS, ctx);
}
