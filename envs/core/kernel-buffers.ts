import type { RoleSpec } from './kernel.js';

/** One role's action buffer, in its action space's dtype. */
export type ActionArray = Float32Array | Int32Array;

/**
 * The buffers every GameKernel exposes, allocated once from its roles and metric names. Per
 * role r with C agents: observations [B, C, obsSize] (Float32), actions [B, C, actSize] (the
 * action space's dtype), rewards [B, C] and infos [B, C, nInfo] (Float64); per copy the done
 * flags [B] and metrics [B, nMetrics]. A game's kernel extends this class and adds only its
 * own state and formulas.
 */
export class KernelBuffers {
  readonly observations: readonly Float32Array[];
  readonly actions: readonly ActionArray[];
  readonly rewards: readonly Float64Array[];
  readonly infos: readonly Float64Array[];
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly metrics: Float64Array;
  // Elements of one copy in each role's buffer (a copy's slice is [b·n, (b+1)·n)).
  private readonly obsPerCopy: readonly number[];
  private readonly rewardsPerCopy: readonly number[];
  private readonly infosPerCopy: readonly number[];

  constructor(
    readonly batch: number,
    readonly roles: readonly RoleSpec[],
    readonly metricNames: readonly string[],
  ) {
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`KernelBuffers: batch must be a positive integer, got ${batch}`);
    const B = batch;
    this.obsPerCopy = roles.map((r) => r.count * r.observationSpace.flatSize);
    this.rewardsPerCopy = roles.map((r) => r.count);
    this.infosPerCopy = roles.map((r) => r.count * r.infoNames.length);
    this.observations = this.obsPerCopy.map((n) => new Float32Array(B * n));
    this.actions = roles.map((r) => {
      const n = B * r.count * r.actionSpace.flatSize;
      return r.actionSpace.dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
    });
    this.rewards = this.rewardsPerCopy.map((n) => new Float64Array(B * n));
    this.infos = this.infosPerCopy.map((n) => new Float64Array(B * n));
    this.terminated = new Uint8Array(B);
    this.truncated = new Uint8Array(B);
    this.metrics = new Float64Array(B * metricNames.length);
  }

  /**
   * Zeroes copy b's rewards, infos and done flags: what a phase reports before the round that
   * pays everyone ends. Allocates nothing (it runs in step).
   */
  protected clearOutcome(b: number): void {
    for (let r = 0; r < this.rewards.length; r++) {
      zero(this.rewards[r], b * this.rewardsPerCopy[r], this.rewardsPerCopy[r]);
      zero(this.infos[r], b * this.infosPerCopy[r], this.infosPerCopy[r]);
    }
    this.terminated[b] = 0;
    this.truncated[b] = 0;
  }

  /** Zeroes everything copy b shows (outcome, metrics, observations): the start of its reset. */
  protected clearCopy(b: number): void {
    this.clearOutcome(b);
    const k = this.metricNames.length;
    this.metrics.fill(0, b * k, (b + 1) * k);
    for (let r = 0; r < this.observations.length; r++) {
      const n = this.obsPerCopy[r];
      this.observations[r].fill(0, b * n, (b + 1) * n);
    }
  }

  /** The buffers that are state (all but the actions, which the caller writes before each step), in snapshot order. */
  protected bufferStateArrays(): readonly ArrayBufferView[] {
    return [...this.observations, ...this.rewards, ...this.infos, this.terminated, this.truncated, this.metrics];
  }
}

/** a[from .. from+n) = 0: a loop, because these slices are a few numbers, shorter than a fill() call costs. */
function zero(a: Float64Array, from: number, n: number): void {
  for (let i = from; i < from + n; i++) a[i] = 0;
}
