import type { Agent, BatchContext } from '../../agents/agent.js';
import { OwnerMemory } from '../../agents/policy/owner-memory.js';
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

/**
 * Appends the env's privileged critic features (GameKernel `critic`) to observation rows,
 * for a policy with a centralised critic: row i gets the features of role row `rows[i]`
 * (default i). One buffer, reused.
 */
export class CriticFeatures {
  private all = new Float32Array(0);
  private out = new Float32Array(0);

  constructor(readonly size: number) {}

  append(vec: VecEnv, role: number, obs: Float32Array, width: number, n: number, rows?: Int32Array): Float32Array {
    const critic = vec.kernel.critic;
    const r = vec.roles[role];
    if (!critic || critic.size(role) !== this.size) {
      throw new Error(`the policy's centralised critic needs ${this.size} features per agent, the env ${vec.kernel.id} gives ${critic ? critic.size(role) : 'none'} for role ${r.name}`);
    }
    const c = this.size;
    if (this.all.length < vec.numEnvs * r.count * c) this.all = new Float32Array(vec.numEnvs * r.count * c);
    if (this.out.length < n * (width + c)) this.out = new Float32Array(n * (width + c));
    critic.write(role, this.all);
    for (let i = 0; i < n; i++) {
      const src = rows ? rows[i] : i;
      this.out.set(obs.subarray(i * width, (i + 1) * width), i * (width + c));
      this.out.set(this.all.subarray(src * c, (src + 1) * c), i * (width + c) + width);
    }
    return this.out.subarray(0, n * (width + c));
  }
}

/**
 * A trained (or training) policy; Gaussian actions are clipped to the Box for the env.
 * `deterministic` plays the distribution's mode (mean, top-k) instead of sampling, for
 * evaluation; it then returns null (nothing to learn from).
 */
export class PolicyActor implements RoleActor {
  readonly name: string;
  readonly deterministic: boolean;
  /** Its own memory (per actor: one rollout context), when the policy's spec asks for one. */
  private readonly memory: OwnerMemory | null;
  private readonly critic: CriticFeatures | null;

  /** `options` is a display name, or { name?, deterministic? }. */
  constructor(
    readonly policy: Policy,
    options: string | { name?: string; deterministic?: boolean } = {},
  ) {
    const o = typeof options === 'string' ? { name: options } : options;
    this.deterministic = o.deterministic ?? false;
    this.name = o.name ?? `policy:${policy.spec.name}${this.deterministic ? ' (mode)' : ''}`;
    this.memory = policy.spec.memory ? new OwnerMemory(policy.spec.memory) : null;
    this.critic = policy.spec.critic ? new CriticFeatures(policy.spec.critic.size) : null;
  }

  act(vec: VecEnv, role: number, rng: Rng): ActResult | null {
    const r = vec.roles[role];
    const n = vec.numEnvs * r.count;
    const head = this.policy.head;
    let obs = this.memory ? this.memory.augment(r.observations, n) : r.observations;
    if (this.critic) obs = this.critic.append(vec, role, obs, this.memory ? this.memory.outSize : r.obsSize, n);
    if (this.deterministic) {
      const a = this.policy.mode(obs, n);
      for (let row = 0; row < n; row++) head.writeEnvAction(a, row, r.actions, row * r.actSize);
      return null;
    }
    const result = this.policy.act(obs, n, rng);
    result.obs = obs;
    // The env's action of each row: a Box vector clipped to its bounds, or Subset indices.
    for (let row = 0; row < n; row++) head.writeEnvAction(result.actions, row, r.actions, row * r.actSize);
    return result;
  }
}

/**
 * Training a few agents of a role: the first `k` agents of every copy play `policy`
 * (sampling; their transitions are returned for learning), the others play `base`. The
 * returned rows are ordered copy by copy: row b·k + i is agent i of copy b, role row
 * b·count + i (`rowsOf`).
 */
export class PartialPolicyActor implements RoleActor {
  readonly name: string;
  private readonly memory: OwnerMemory | null;
  private readonly critic: CriticFeatures | null;
  private obs = new Float32Array(0);
  private rows: Int32Array = new Int32Array(0);

  constructor(
    readonly policy: Policy,
    readonly base: RoleActor,
    readonly k: number,
  ) {
    this.name = `policy:${policy.spec.name} as agents 0..${k - 1} among ${base.name}`;
    this.memory = policy.spec.memory ? new OwnerMemory(policy.spec.memory) : null;
    this.critic = policy.spec.critic ? new CriticFeatures(policy.spec.critic.size) : null;
  }

  /** The role rows (b·count + i) of the returned rows, for B copies of `count` agents. */
  static rowsOf(numEnvs: number, count: number, k: number): Int32Array {
    const rows = new Int32Array(numEnvs * k);
    for (let b = 0; b < numEnvs; b++) for (let i = 0; i < k; i++) rows[b * k + i] = b * count + i;
    return rows;
  }

  act(vec: VecEnv, role: number, rng: Rng): ActResult {
    const r = vec.roles[role];
    if (this.k > r.count) throw new RangeError(`${this.name}: the role has ${r.count} agents`);
    this.base.act(vec, role, rng);
    const n = vec.numEnvs * this.k;
    if (this.obs.length < n * r.obsSize) this.obs = new Float32Array(n * r.obsSize);
    for (let b = 0; b < vec.numEnvs; b++) {
      const from = b * r.count * r.obsSize;
      this.obs.set(r.observations.subarray(from, from + this.k * r.obsSize), b * this.k * r.obsSize);
    }
    let obs = this.memory ? this.memory.augment(this.obs, n) : this.obs.subarray(0, n * r.obsSize);
    if (this.critic) {
      if (this.rows.length !== n) this.rows = PartialPolicyActor.rowsOf(vec.numEnvs, r.count, this.k);
      obs = this.critic.append(vec, role, obs, this.memory ? this.memory.outSize : r.obsSize, n, this.rows);
    }
    const result = this.policy.act(obs, n, rng);
    result.obs = obs;
    for (let b = 0; b < vec.numEnvs; b++) {
      for (let i = 0; i < this.k; i++) this.policy.head.writeEnvAction(result.actions, b * this.k + i, r.actions, (b * r.count + i) * r.actSize);
    }
    return result;
  }
}

/**
 * One role played by `base`, except the agents listed in `deviators`, played by `deviator`:
 * how a unilateral deviation is measured (one Goal Buddy with a trained policy among
 * honest ones). Evaluation only: returns null.
 */
export class DeviatorActor implements RoleActor {
  readonly name: string;
  private scratch = new Float32Array(0);

  constructor(
    readonly base: RoleActor,
    readonly deviator: RoleActor,
    readonly deviators: readonly number[],
  ) {
    this.name = `${deviator.name} as ${deviators.map((i) => `#${i}`).join(',')} among ${base.name}`;
  }

  act(vec: VecEnv, role: number, rng: Rng): null {
    const r = vec.roles[role];
    const w = r.actSize;
    if (this.scratch.length < vec.numEnvs * this.deviators.length * w) this.scratch = new Float32Array(vec.numEnvs * this.deviators.length * w);
    this.deviator.act(vec, role, rng);
    for (let b = 0; b < vec.numEnvs; b++) {
      this.deviators.forEach((i, k) => {
        for (let c = 0; c < w; c++) this.scratch[(b * this.deviators.length + k) * w + c] = r.actions[(b * r.count + i) * w + c];
      });
    }
    this.base.act(vec, role, rng);
    for (let b = 0; b < vec.numEnvs; b++) {
      this.deviators.forEach((i, k) => {
        for (let c = 0; c < w; c++) r.actions[(b * r.count + i) * w + c] = this.scratch[(b * this.deviators.length + k) * w + c];
      });
    }
    return null;
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
