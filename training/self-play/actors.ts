import type { Agent, BatchContext } from '../../agents/agent.js';
import type { Policy, ActResult } from '../../agents/policy/policy.js';
import type { Rng } from '../../envs/core/rng.js';
import type { VecEnv } from '../../envs/core/vector-env.js';

/**
 * Whatever plays one role in a rollout: it writes the env actions of every agent of the
 * role in every copy into `vec.roles[role].actions`. A policy also returns what learning
 * needs (sampled actions, log-probabilities, values); a baseline agent returns null.
 */
export interface RoleActor {
  readonly name: string;
  act(vec: VecEnv, role: number, rng: Rng): ActResult | null;
}

/** A trained (or training) policy; Gaussian actions are clipped to the Box for the env. */
export class PolicyActor implements RoleActor {
  constructor(
    readonly policy: Policy,
    readonly name = `policy:${policy.spec.name}`,
  ) {}

  act(vec: VecEnv, role: number, rng: Rng): ActResult {
    const r = vec.roles[role];
    const n = vec.numEnvs * r.count;
    const result = this.policy.act(r.observations, n, rng);
    // The env's action of each row: a Box vector clipped to its bounds, or Subset indices.
    for (let row = 0; row < n; row++) this.policy.head.writeEnvAction(result.actions, row, r.actions, row * r.actSize);
    return result;
  }
}

/** A baseline agent through its batched form. */
export class AgentActor implements RoleActor {
  readonly name: string;

  constructor(readonly agent: Agent) {
    if (!agent.actBatch) throw new TypeError(`agent "${agent.name}" has no actBatch, so it cannot play a vector env`);
    this.name = agent.name;
  }

  act(vec: VecEnv, role: number, rng: Rng): null {
    const r = vec.roles[role];
    const ctx: BatchContext = { numEnvs: vec.numEnvs, count: r.count, obsSize: r.obsSize, actSize: r.actSize, rng, role: r.spec, kernel: vec.kernel };
    this.agent.actBatch!(r.observations, r.actions, ctx);
    return null;
  }
}
