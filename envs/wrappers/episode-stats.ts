import type { AgentId, EnvMetadata, ParallelEnv, ResetArgs, ResetResult, StepResult } from '../core/env.js';
import type { Space } from '../core/spaces/space.js';

/** What `RecordEpisodeStatistics` puts into an agent's info on the step its episode ends. */
export interface EpisodeStatistics {
  /** Sum of the agent's rewards over the episode. */
  return: number;
  /** Env steps the agent was live for (every phase counts, acting or not). */
  length: number;
  /** Wall-clock seconds since reset(): NOT deterministic (the checker ignores infos). */
  time: number;
}

export interface RecordEpisodeStatisticsOptions {
  /** How many finished episodes each agent's queues keep (default 100). */
  bufferLength?: number;
}

/**
 * Gymnasium's RecordEpisodeStatistics for a ParallelEnv: accumulates each agent's return
 * and length, and on the step where the agent terminates or truncates adds
 * `episode: { return, length, time }` to its info and appends to its queues. Everything
 * else is forwarded; spaces are the inner env's objects.
 */
export class RecordEpisodeStatistics<Obs = unknown, Act = unknown, ResetOptions = Record<string, unknown>> implements ParallelEnv<Obs, Act, ResetOptions> {
  /** The last `bufferLength` episode returns of each possible agent, oldest first. */
  readonly returnQueue: Readonly<Record<AgentId, readonly number[]>>;
  /** The last `bufferLength` episode lengths of each possible agent, oldest first. */
  readonly lengthQueue: Readonly<Record<AgentId, readonly number[]>>;
  /** The inner env's snapshot followed by the running returns and lengths, when the inner env has snapshot(). */
  readonly snapshot?: () => Uint8Array;
  private readonly bufferLength: number;
  private readonly returns = new Map<AgentId, number>();
  private readonly lengths = new Map<AgentId, number>();
  private startedAt = 0;

  constructor(
    readonly env: ParallelEnv<Obs, Act, ResetOptions>,
    options: RecordEpisodeStatisticsOptions = {},
  ) {
    this.bufferLength = options.bufferLength ?? 100;
    if (!Number.isInteger(this.bufferLength) || this.bufferLength < 1) {
      throw new RangeError(`RecordEpisodeStatistics: bufferLength must be a positive integer, got ${this.bufferLength}`);
    }
    const queues = () => Object.fromEntries(env.possibleAgents.map((id) => [id, [] as number[]]));
    this.returnQueue = queues();
    this.lengthQueue = queues();
    if (env.snapshot) this.snapshot = () => this.snapshotBytes();
  }

  get id(): string {
    return this.env.id;
  }
  get metadata(): EnvMetadata {
    return this.env.metadata;
  }
  get possibleAgents(): readonly AgentId[] {
    return this.env.possibleAgents;
  }
  get agents(): readonly AgentId[] {
    return this.env.agents;
  }
  get actingAgents(): readonly AgentId[] {
    return this.env.actingAgents;
  }
  /** The innermost ParallelEnv. */
  get unwrapped(): ParallelEnv<Obs, Act, ResetOptions> {
    return (this.env as { unwrapped?: ParallelEnv<Obs, Act, ResetOptions> }).unwrapped ?? this.env;
  }

  observationSpace(agent: AgentId): Space<Obs> {
    return this.env.observationSpace(agent);
  }

  actionSpace(agent: AgentId): Space<Act> {
    return this.env.actionSpace(agent);
  }

  reset(args?: ResetArgs<ResetOptions>): ResetResult<Obs> {
    const result = this.env.reset(args);
    this.returns.clear();
    this.lengths.clear();
    for (const id of this.env.agents) {
      this.returns.set(id, 0);
      this.lengths.set(id, 0);
    }
    this.startedAt = performance.now();
    return result;
  }

  step(actions: Record<AgentId, Act>): StepResult<Obs> {
    const live = [...this.env.agents];
    const result = this.env.step(actions);
    let infos = result.infos;
    for (const id of live) {
      const ret = (this.returns.get(id) ?? 0) + result.rewards[id];
      const length = (this.lengths.get(id) ?? 0) + 1;
      this.returns.set(id, ret);
      this.lengths.set(id, length);
      if (result.terminations[id] !== true && result.truncations[id] !== true) continue;
      const episode: EpisodeStatistics = { return: ret, length, time: Math.round(performance.now() - this.startedAt) / 1000 };
      if (infos === result.infos) infos = { ...result.infos }; // never edit the inner env's records
      infos[id] = { ...infos[id], episode };
      push(this.returnQueue[id] as number[], ret, this.bufferLength);
      push(this.lengthQueue[id] as number[], length, this.bufferLength);
    }
    return infos === result.infos ? result : { ...result, infos };
  }

  close(): void {
    this.env.close();
  }

  private snapshotBytes(): Uint8Array {
    const inner = this.env.snapshot!();
    const ids = this.env.possibleAgents;
    const own = new Float64Array(2 * ids.length);
    ids.forEach((id, i) => {
      own[2 * i] = this.returns.get(id) ?? 0;
      own[2 * i + 1] = this.lengths.get(id) ?? 0;
    });
    const out = new Uint8Array(inner.length + own.byteLength);
    out.set(inner, 0);
    out.set(new Uint8Array(own.buffer), inner.length);
    return out;
  }
}

function push(queue: number[], value: number, max: number): void {
  queue.push(value);
  if (queue.length > max) queue.shift();
}
