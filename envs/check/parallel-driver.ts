import type { AgentId, ParallelEnv, ResetResult, StepResult } from '../core/env.js';
import type { Rng } from '../core/rng.js';
import { copyData, type Driver, type Event, type StepEvent, type Trajectory } from './driver.js';

/** A multi-agent env's bookkeeping between calls. */
export interface LiveAgents {
  readonly agents: readonly AgentId[];
  readonly acting: readonly AgentId[];
}

export type Actions = Record<AgentId, unknown>;
export type ParallelDriver = Driver<ResetResult<unknown>, StepResult<unknown>, Actions, LiveAgents>;
export type ParallelEvent = Event<ResetResult<unknown>, StepResult<unknown>, Actions, LiveAgents>;
export type ParallelStepEvent = StepEvent<ResetResult<unknown>, StepResult<unknown>, Actions, LiveAgents>;
export type ParallelTrajectory = Trajectory<ResetResult<unknown>, StepResult<unknown>, Actions, LiveAgents>;

/** Copies everything but the infos, which may hold anything (they are only type-checked). */
function copyResult<T extends object>(result: T): T {
  if (typeof result !== 'object' || result === null) return result;
  const out: Record<string, unknown> = { ...(result as Record<string, unknown>) };
  for (const key of ['observations', 'rewards', 'terminations', 'truncations']) if (key in out) out[key] = copyData(out[key]);
  return out as T;
}

export function parallelDriver(env: ParallelEnv): ParallelDriver {
  return {
    reset: (args) => copyResult(env.reset(args)),
    step: (actions) => copyResult(env.step(actions)),
    bookkeeping: () => ({ agents: [...env.agents], acting: [...env.actingAgents] }),
    isOver: () => env.agents.length === 0,
    sampleAction(rng: Rng): Actions {
      const actions: Actions = {};
      for (const id of env.actingAgents) actions[id] = env.actionSpace(id).sample(rng);
      return actions;
    },
    reproducible: (r) =>
      'rewards' in r
        ? { observations: r.observations, rewards: r.rewards, terminations: r.terminations, truncations: r.truncations }
        : { observations: r.observations },
    snapshot: env.snapshot ? () => env.snapshot!() : undefined,
    close: () => env.close(),
  };
}
