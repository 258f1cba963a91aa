import type { AgentId, EnvMetadata, Info, ParallelEnv, ResetArgs, ResetResult, StepResult } from './env.js';
import { ActionError, EnvStateError } from './errors.js';
import type { GameKernel, KernelResetOptions } from './kernel.js';
import { checkResetArgs, readOnce } from './arguments.js';
import { describeKind } from './options.js';
import { snapshotKernel } from './snapshot.js';
import { TypedArena } from './spaces/arena.js';
import type { Space } from './spaces/space.js';

/** Agent id of agent i of a role: "goal_0", "user_3". */
export const agentId = (role: string, i: number): AgentId => `${role}_${i}`;

interface AgentSlot {
  id: AgentId;
  role: number;
  index: number;
}

/**
 * The object API over a kernel with one copy: Dict/Box observations keyed by agent id.
 * This is the friendly, allocating path; the VecEnv is the hot path over the same kernel.
 */
export class KernelEnv<Obs = unknown, Act = unknown, ResetOptions = Record<string, unknown>> implements ParallelEnv<Obs, Act, ResetOptions> {
  readonly possibleAgents: readonly AgentId[];
  private live: readonly AgentId[] = [];
  private readonly slots = new Map<AgentId, AgentSlot>();
  private readonly slotList: readonly AgentSlot[];
  /** Bytes of one step's observations: every flat element is a 4-byte float32 or int32. */
  private readonly obsBytes: number;
  private readonly actingByPhase: readonly (readonly AgentId[])[];
  private started = false;
  private closed = false;

  constructor(
    readonly kernel: GameKernel,
    readonly metadata: EnvMetadata,
    /** Builds the round-level info shared by every agent's info (metrics), or null. */
    private readonly roundInfo?: (kernel: GameKernel) => Info | null,
  ) {
    if (kernel.batch !== 1) throw new RangeError(`KernelEnv needs a kernel with batch 1, got ${kernel.batch}`);
    const ids: AgentId[] = [];
    kernel.roles.forEach((role, r) => {
      for (let i = 0; i < role.count; i++) {
        const id = agentId(role.name, i);
        ids.push(id);
        this.slots.set(id, { id, role: r, index: i });
      }
    });
    this.possibleAgents = Object.freeze(ids);
    this.slotList = ids.map((id) => this.slots.get(id)!);
    this.obsBytes = 4 * kernel.roles.reduce((sum, r) => sum + r.count * r.observationSpace.flatSize, 0);
    this.actingByPhase = kernel.phaseRoles.map((r) => Object.freeze(ids.filter((id) => this.slots.get(id)!.role === r)));
  }

  get id(): string {
    return this.kernel.id;
  }

  get agents(): readonly AgentId[] {
    return this.live;
  }

  get actingAgents(): readonly AgentId[] {
    return this.live.length === 0 ? this.live : this.actingByPhase[this.kernel.phase];
  }

  /** Name of the phase the next step plays ("goal", "user"). */
  get phaseName(): string {
    return this.metadata.phases[this.kernel.phase];
  }

  observationSpace(agent: AgentId): Space<Obs> {
    return this.kernel.roles[this.slot(agent).role].observationSpace as Space<Obs>;
  }

  actionSpace(agent: AgentId): Space<Act> {
    return this.kernel.roles[this.slot(agent).role].actionSpace as Space<Act>;
  }

  reset(args: ResetArgs<ResetOptions> = {}): ResetResult<Obs> {
    this.assertOpen();
    checkResetArgs(this.id, args, ['seed', 'options']);
    const options: KernelResetOptions | undefined = args.options === undefined ? undefined : this.kernel.parseResetOptions(args.options);
    this.kernel.resetCopy(0, args.seed, options);
    this.live = this.possibleAgents;
    this.started = true;
    const infos: Record<AgentId, Info> = {};
    for (const id of this.live) infos[id] = {};
    return { observations: this.observe(), infos };
  }

  step(actions: Record<AgentId, Act>): StepResult<Obs> {
    this.assertOpen();
    if (!this.started) throw new EnvStateError(`${this.id}: step() before reset()`);
    if (this.live.length === 0) throw new EnvStateError(`${this.id}: step() after the episode ended; call reset() first`);
    this.writeActions(actions);
    const played = this.phaseName;
    this.kernel.step();

    const k = this.kernel;
    const done = k.terminated[0] === 1 || k.truncated[0] === 1;
    const shared = k.phase === 0 && this.roundInfo ? this.roundInfo(k) : null;
    const observations = this.observe();
    const rewards: Record<AgentId, number> = {};
    const terminations: Record<AgentId, boolean> = {};
    const truncations: Record<AgentId, boolean> = {};
    const infos: Record<AgentId, Info> = {};
    const terminated = k.terminated[0] === 1;
    const truncated = k.truncated[0] === 1 && !terminated;
    const roundEnd = k.phase === 0;
    // Every agent stays live until the whole episode ends (kernels end all agents together).
    for (const { id, role, index } of this.slotList) {
      rewards[id] = k.rewards[role][index];
      terminations[id] = terminated;
      truncations[id] = truncated;
      // `phase` is the phase this step played; per-agent values (regret, visibility...) come at the end of a round.
      const info: Info = { phase: played };
      if (roundEnd) {
        const names = k.roles[role].infoNames;
        for (let n = 0; n < names.length; n++) info[names[n]] = k.infos[role][index * names.length + n];
      }
      if (shared) info.round = shared;
      infos[id] = info;
    }
    if (done) this.live = [];
    return { observations, rewards, terminations, truncations, infos };
  }

  close(): void {
    this.closed = true;
  }

  snapshot(): Uint8Array {
    const core = snapshotKernel(this.kernel);
    const out = new Uint8Array(core.length + 2);
    out.set(core, 2);
    out[0] = this.started ? 1 : 0;
    out[1] = this.live.length > 0 ? 1 : 0;
    return out;
  }

  private slot(agent: AgentId): AgentSlot {
    const s = this.slots.get(agent);
    if (!s) throw new RangeError(`${this.id}: unknown agent "${agent}" (agents are ${this.possibleAgents.join(', ')})`);
    return s;
  }

  /** Validates every action before touching the kernel, so a bad one changes nothing. */
  private writeActions(given: Record<AgentId, Act>): void {
    if (typeof given !== 'object' || given === null || Array.isArray(given)) throw new ActionError(this.id, '(all)', `step() needs an object of actions keyed by agent id, got ${describeKind(given)}`);
    // Read once: what is validated is what is stepped.
    const actions = readOnce({ ...given }) as Record<AgentId, Act>;
    const acting = this.actingAgents;
    for (const key of Object.keys(actions)) {
      if (!this.slots.has(key)) throw new ActionError(this.id, key, `no such agent (agents are ${this.possibleAgents.join(', ')})`);
      if (!acting.includes(key)) throw new ActionError(this.id, key, `does not act in the ${this.phaseName} phase (acting now: ${acting.join(', ')})`);
    }
    for (const id of acting) {
      if (!Object.hasOwn(actions, id)) throw new ActionError(this.id, id, `missing: the ${this.phaseName} phase needs an action from each of ${acting.join(', ')}`);
      const why = this.actionSpace(id).explain(actions[id]);
      if (why !== null) throw new ActionError(this.id, id, why);
    }
    for (const id of acting) {
      const { role, index } = this.slots.get(id)!;
      const space = this.kernel.roles[role].actionSpace;
      const a = actions[id] as unknown as ArrayLike<number> | number;
      const buf = this.kernel.actions[role];
      const off = index * space.flatSize;
      if (typeof a === 'number') buf[off] = a;
      else for (let i = 0; i < space.flatSize; i++) buf[off + i] = a[i];
    }
  }

  private observe(): Record<AgentId, Obs> {
    const out: Record<AgentId, Obs> = {};
    const arena = new TypedArena(this.obsBytes);
    for (const { id, role, index } of this.slotList) {
      const space = this.kernel.roles[role].observationSpace;
      out[id] = space.unflatten(this.kernel.observations[role], index * space.flatSize, arena) as Obs;
    }
    return out;
  }

  private assertOpen(): void {
    if (this.closed) throw new EnvStateError(`${this.id}: the env is closed`);
  }
}
