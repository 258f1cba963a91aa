import type { AgentId, Info, ParallelEnv, ResetArgs, StepResult } from '../core/env.js';
import { ActionError, EnvStateError } from '../core/errors.js';
import { asPlayer, type AgentContext, type Player, type PlayerFn } from '../core/player.js';
import { Rng } from '../core/rng.js';
import type { Space } from '../core/spaces/space.js';
import type { SingleEnv, SingleResetResult, SingleStepResult } from './single-env.js';

/**
 * The fixed policies of the agents the learner does not control: a function of the agent id,
 * or one per agent. Any Agent (agents/agent.ts) or plain function is a Player.
 */
export type OtherPolicies<Obs, Act> =
  | ((agent: AgentId) => Player<Obs, Act> | PlayerFn<Obs, Act>)
  | Readonly<Record<AgentId, Player<Obs, Act> | PlayerFn<Obs, Act>>>;

export interface SingleAgentEnvOptions {
  /** Most env steps the other agents may play in a row before the controlled agent acts again (default 10 000): guards against a phase loop that never reaches it. */
  maxOtherSteps?: number;
}

/**
 * Stream id of other agent i's Rng: `new Rng(seed, OTHER_AGENT_STREAM + i)`, i its index in
 * possibleAgents. Far from the small stream ids the envs use for themselves.
 */
export const OTHER_AGENT_STREAM = 1_000_000;

interface OtherAgent<Obs, Act> {
  readonly agent: Player<Obs, Act>;
  readonly stream: number;
  ctx: AgentContext;
}

/**
 * Gymnasium's view of a ParallelEnv for one agent, the others playing fixed policies.
 *
 * step(action) plays the controlled agent's action in its phase (with the actions of any
 * other agents acting in the same phase), then lets the fixed policies play every other
 * phase until the controlled agent must act again or its episode ends. The reward is the
 * sum of the controlled agent's rewards over those env steps; rewards it gets while reset()
 * advances to its first phase are added to the first step's reward, so an episode's
 * returns agree with the ParallelEnv's. `info` is its info from the last env step.
 *
 * reset({ seed }) seeds the env and each other agent's Rng with `new Rng(seed,
 * OTHER_AGENT_STREAM + i)`; without a seed both carry on. Agents' own internal state is
 * theirs to reset in `Player.reset`, which is called at every reset.
 */
export class SingleAgentEnv<Obs = unknown, Act = unknown, ResetOptions = Record<string, unknown>> implements SingleEnv<Obs, Act, ResetOptions> {
  readonly observationSpace: Space<Obs>;
  readonly actionSpace: Space<Act>;
  /** The inner env's complete state plus this wrapper's (other agents' Rngs, pending reward), when the env has snapshot(). */
  readonly snapshot?: () => Uint8Array;
  private readonly others = new Map<AgentId, OtherAgent<Obs, Act>>();
  private readonly maxOtherSteps: number;
  /** Every live agent's latest observation: the other policies act on them. */
  private latest: Record<AgentId, Obs> = {};
  private info: Info = {};
  private pendingReward = 0;
  private started = false;
  private terminated = false;
  private truncated = false;

  constructor(
    /** The ParallelEnv played (possibly itself a wrapper). */
    readonly env: ParallelEnv<Obs, Act, ResetOptions>,
    /** The agent the caller controls. */
    readonly agent: AgentId,
    others: OtherPolicies<Obs, Act>,
    options: SingleAgentEnvOptions = {},
  ) {
    if (!env.possibleAgents.includes(agent)) {
      throw new RangeError(`SingleAgentEnv: "${agent}" is not an agent of ${env.id} (agents are ${env.possibleAgents.join(', ')})`);
    }
    this.maxOtherSteps = options.maxOtherSteps ?? 10_000;
    // AgentContext.env is the untyped ParallelEnv; a generic ResetOptions does not widen to it by itself.
    const ctxEnv = env as unknown as ParallelEnv;
    env.possibleAgents.forEach((id, i) => {
      if (id === agent) return;
      const policy = typeof others === 'function' ? others(id) : Object.hasOwn(others, id) ? others[id] : undefined;
      if (policy === undefined) throw new RangeError(`SingleAgentEnv: no policy given for agent "${id}" of ${env.id}`);
      const stream = OTHER_AGENT_STREAM + i;
      this.others.set(id, { agent: asPlayer(policy, id), stream, ctx: { agent: id, rng: new Rng(0, stream), env: ctxEnv } });
    });
    this.observationSpace = env.observationSpace(agent);
    this.actionSpace = env.actionSpace(agent);
    if (env.snapshot) this.snapshot = () => this.snapshotBytes();
  }

  get id(): string {
    return this.env.id;
  }

  /** The innermost ParallelEnv (through any wrappers that expose `unwrapped`). */
  get unwrapped(): ParallelEnv<Obs, Act, ResetOptions> {
    return (this.env as { unwrapped?: ParallelEnv<Obs, Act, ResetOptions> }).unwrapped ?? this.env;
  }

  reset(args: ResetArgs<ResetOptions> = {}): SingleResetResult<Obs> {
    const result = this.env.reset(args);
    if (args.seed !== undefined) for (const other of this.others.values()) other.ctx = { ...other.ctx, rng: new Rng(args.seed, other.stream) };
    for (const other of this.others.values()) other.agent.reset?.(other.ctx);
    if (!Object.hasOwn(result.observations, this.agent)) throw new EnvStateError(`${this.id}: agent "${this.agent}" is not live after reset()`);
    this.latest = { ...result.observations };
    this.info = result.infos[this.agent] ?? {};
    this.pendingReward = 0;
    this.terminated = false;
    this.truncated = false;
    this.started = true;
    this.playOthersUntilControlledActs();
    if (this.isOver()) throw new EnvStateError(`${this.id}: the episode ended before agent "${this.agent}" acted`);
    return { observation: this.latest[this.agent], info: this.info };
  }

  step(action: Act): SingleStepResult<Obs> {
    if (!this.started) throw new EnvStateError(`${this.id}: step() before reset()`);
    if (this.isOver()) throw new EnvStateError(`${this.id}: step() after the episode of agent "${this.agent}" ended; call reset() first`);
    // Checked here, before the other policies draw from their Rngs, so a bad action changes nothing.
    const why = this.actionSpace.explain(action);
    if (why !== null) throw new ActionError(this.id, this.agent, why);
    const actions = this.otherActions();
    actions[this.agent] = action;
    this.play(actions);
    this.playOthersUntilControlledActs();
    const reward = this.pendingReward;
    this.pendingReward = 0;
    return { observation: this.latest[this.agent], reward, terminated: this.terminated, truncated: this.truncated, info: this.info };
  }

  close(): void {
    this.env.close();
  }

  private isOver(): boolean {
    return this.terminated || this.truncated;
  }

  /** The fixed policies' actions for the acting agents other than the controlled one. */
  private otherActions(): Record<AgentId, Act> {
    const actions: Record<AgentId, Act> = {};
    for (const id of this.env.actingAgents) {
      if (id === this.agent) continue;
      const other = this.others.get(id)!;
      actions[id] = other.agent.act(this.latest[id], other.ctx);
    }
    return actions;
  }

  /** One env step: collect the controlled agent's reward, observation, info and done flags. */
  private play(actions: Record<AgentId, Act>): void {
    const r: StepResult<Obs> = this.env.step(actions);
    Object.assign(this.latest, r.observations);
    if (Object.hasOwn(r.rewards, this.agent)) this.pendingReward += r.rewards[this.agent];
    if (Object.hasOwn(r.infos, this.agent)) this.info = r.infos[this.agent];
    this.terminated = r.terminations[this.agent] === true;
    this.truncated = r.truncations[this.agent] === true;
    // By the contract an agent leaves only with a flag; if the env drops it anyway, call it a truncation.
    if (!this.isOver() && !this.env.agents.includes(this.agent)) this.truncated = true;
  }

  private playOthersUntilControlledActs(): void {
    let played = 0;
    while (!this.isOver() && !this.env.actingAgents.includes(this.agent)) {
      if (++played > this.maxOtherSteps) {
        throw new EnvStateError(`${this.id}: agent "${this.agent}" did not get to act in ${this.maxOtherSteps} steps of the other agents`);
      }
      this.play(this.otherActions());
    }
  }

  private snapshotBytes(): Uint8Array {
    const inner = this.env.snapshot!();
    const rngs = [...this.others.values()].map((o) => o.ctx.rng.getState());
    const own = new DataView(new ArrayBuffer(4 + 8 + 16 * rngs.length));
    own.setUint8(0, this.started ? 1 : 0);
    own.setUint8(1, this.terminated ? 1 : 0);
    own.setUint8(2, this.truncated ? 1 : 0);
    own.setFloat64(4, this.pendingReward, true);
    rngs.forEach((state, i) => state.forEach((word, j) => own.setUint32(12 + 16 * i + 4 * j, word, true)));
    const out = new Uint8Array(inner.length + own.byteLength);
    out.set(inner, 0);
    out.set(new Uint8Array(own.buffer), inner.length);
    return out;
  }
}
