import type { Rng } from '../core/rng.js';
import type { SingleEnv, SingleResetResult, SingleStepResult } from '../wrappers/single-env.js';
import { copyData, type Driver, type Event, type Trajectory } from './driver.js';

export type SingleDriver = Driver<SingleResetResult<unknown>, SingleStepResult<unknown>, unknown, null>;
export type SingleEvent = Event<SingleResetResult<unknown>, SingleStepResult<unknown>, unknown, null>;
export type SingleTrajectory = Trajectory<SingleResetResult<unknown>, SingleStepResult<unknown>, unknown, null>;

function copyResult<T extends object>(result: T): T {
  if (typeof result !== 'object' || result === null || !('observation' in result)) return result;
  return { ...result, observation: copyData(result.observation) };
}

export function singleDriver(env: SingleEnv): SingleDriver {
  let over = true;
  return {
    reset(args) {
      over = true;
      const result = env.reset(args);
      over = false;
      return copyResult(result);
    },
    step(action) {
      const result = env.step(action);
      over = result?.terminated === true || result?.truncated === true;
      return copyResult(result);
    },
    bookkeeping: () => null,
    isOver: () => over,
    sampleAction: (rng: Rng) => env.actionSpace.sample(rng),
    reproducible: (r) =>
      'reward' in r ? { observation: r.observation, reward: r.reward, terminated: r.terminated, truncated: r.truncated } : { observation: r.observation },
    snapshot: env.snapshot ? () => env.snapshot!() : undefined,
    close: () => env.close(),
  };
}
