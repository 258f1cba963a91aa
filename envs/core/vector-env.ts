import { ActionError, EnvStateError, OptionError } from './errors.js';
import type { GameKernel, KernelResetOptions, RoleSpec } from './kernel.js';
import { agentId } from './kernel-env.js';
import { checkResetArgs } from './arguments.js';

/**
 * What happens when a copy's episode ends (Gymnasium 1.0's modes):
 * - `next-step`: the next step() resets that copy instead of stepping it (its actions are
 *   ignored, its rewards are 0) and returns the reset observation;
 * - `same-step`: the copy is reset inside the step that ended it; the observation it ended
 *   with is kept in `finalObservations` and `hasFinal[b]` is 1;
 * - `disabled`: nothing happens; call `reset({ mask })` before stepping that copy again.
 */
export type AutoresetMode = 'next-step' | 'same-step' | 'disabled';
export const AUTORESET_MODES: readonly AutoresetMode[] = ['next-step', 'same-step', 'disabled'];

/** One role's buffers, all views of the kernel's arrays: read observations, write actions. */
export interface VecRole {
  readonly spec: RoleSpec;
  readonly name: string;
  readonly count: number;
  readonly obsSize: number;
  readonly actSize: number;
  /** [B, count, obsSize] */
  readonly observations: Float32Array;
  /** [B, count, actSize]: fill before step() when this role acts. */
  readonly actions: Float32Array | Int32Array;
  /** [B, count] rewards of the last step. */
  readonly rewards: Float64Array;
  /** [B, count, infoNames.length] */
  readonly infos: Float64Array;
  /** [B, count, obsSize]: same-step mode only, the last observation of a copy that just ended. */
  readonly finalObservations: Float32Array;
}

export interface VecResetArgs {
  /** Copy b is seeded with seed + b (Gymnasium's convention). */
  seed?: number;
  /** Reset only copies with mask[b] = 1 (only at the start of a round). */
  mask?: Uint8Array;
  options?: unknown;
}

/**
 * B copies of a game stepped together over flat typed arrays. No allocation per step:
 * write the acting role's actions into `roles[r].actions`, call `step()`, read the
 * buffers. One step plays one phase in every copy, like the single env.
 */
export class VecEnv {
  readonly roles: readonly VecRole[];
  readonly numEnvs: number;
  /** [B] 1 where the copy's episode terminated in the last step. */
  readonly terminations: Uint8Array;
  /** [B] 1 where the copy's episode was truncated (time limit) in the last step. */
  readonly truncations: Uint8Array;
  /** [B] same-step: 1 where finalObservations holds the copy's last observation. */
  readonly hasFinal: Uint8Array;
  /** [B] next-step: 1 where the last step reset the copy instead of stepping it. */
  readonly wasReset: Uint8Array;
  private readonly pending: Uint8Array; // next-step: copies to reset at the next step
  private readonly skip: Uint8Array;
  private readonly kept: Float64Array[]; // same-step scratch: one copy's rewards, infos, metrics
  private started = false;
  private closed = false;

  constructor(
    readonly kernel: GameKernel,
    readonly autoreset: AutoresetMode = 'next-step',
  ) {
    if (!AUTORESET_MODES.includes(autoreset)) {
      throw new OptionError('VecEnv', 'autoreset', autoreset, `must be one of ${AUTORESET_MODES.map((m) => JSON.stringify(m)).join(', ')}`);
    }
    const B = kernel.batch;
    this.numEnvs = B;
    this.roles = kernel.roles.map((spec, r) => ({
      spec,
      name: spec.name,
      count: spec.count,
      obsSize: spec.observationSpace.flatSize,
      actSize: spec.actionSpace.flatSize,
      observations: kernel.observations[r],
      actions: kernel.actions[r],
      rewards: kernel.rewards[r],
      infos: kernel.infos[r],
      finalObservations: new Float32Array(autoreset === 'same-step' ? kernel.observations[r].length : 0),
    }));
    this.terminations = kernel.terminated;
    this.truncations = kernel.truncated;
    this.hasFinal = new Uint8Array(B);
    this.wasReset = new Uint8Array(B);
    this.pending = new Uint8Array(B);
    this.skip = new Uint8Array(B);
    this.kept = [...kernel.rewards, ...kernel.infos, kernel.metrics].map((a) => new Float64Array(a.length / B));
  }

  get id(): string {
    return this.kernel.id;
  }

  /** Index into `roles` of the role that acts in the next step. */
  get actingRole(): number {
    return this.kernel.phaseRoles[this.kernel.phase];
  }

  get phase(): number {
    return this.kernel.phase;
  }

  get metricNames(): readonly string[] {
    return this.kernel.metricNames;
  }

  /** [B, metricNames.length], valid after each completed round. */
  get metrics(): Float64Array {
    return this.kernel.metrics;
  }

  /** Validates everything (arguments, seed for every copy, mask, options) before any copy changes. */
  reset(args: VecResetArgs = {}): void {
    this.assertOpen();
    checkResetArgs(this.id, args, ['seed', 'mask', 'options'], this.numEnvs);
    const { seed, mask } = args;
    if (mask !== undefined) {
      if (!(mask instanceof Uint8Array) || mask.length !== this.numEnvs) throw new RangeError(`VecEnv.reset: mask must be a Uint8Array of length ${this.numEnvs}`);
      if (this.kernel.phase !== 0) throw new EnvStateError(`${this.id}: a masked reset is only possible at the start of a round (phase 0), the env is in phase ${this.kernel.phase}`);
    }
    const options: KernelResetOptions | undefined = args.options === undefined ? undefined : this.kernel.parseResetOptions(args.options);
    for (let b = 0; b < this.numEnvs; b++) {
      if (mask && mask[b] === 0) continue;
      this.kernel.resetCopy(b, seed === undefined ? undefined : seed + b, options);
      this.pending[b] = 0;
    }
    this.hasFinal.fill(0);
    this.wasReset.fill(0);
    this.started = true;
  }

  /** Plays one phase in every copy with the acting role's `actions` buffer. */
  step(): void {
    this.assertOpen();
    if (!this.started) throw new EnvStateError(`${this.id}: step() before reset()`);
    const k = this.kernel;
    const B = this.numEnvs;
    const r = this.actingRole;
    const role = this.roles[r];

    let anyPending = false;
    let allPending = true;
    for (let b = 0; b < B; b++) {
      if (this.pending[b]) anyPending = true;
      else allPending = false;
    }
    if (this.autoreset === 'disabled') {
      for (let b = 0; b < B; b++) {
        if (k.terminated[b] || k.truncated[b]) throw new EnvStateError(`${this.id}: copy ${b} has ended; reset it (reset({ mask })) before stepping, or use an autoreset mode`);
      }
    }
    if (anyPending && !allPending && k.phaseRoles.length > 1) {
      throw new EnvStateError(
        `${this.id}: copies ended at different steps, which 'next-step' autoreset cannot keep in phase in a game with ${k.phaseRoles.length} phases; use autoreset 'same-step'`,
      );
    }

    // Validate every stepped copy's actions before anything changes.
    const space = role.spec.actionSpace;
    const size = role.actSize;
    for (let b = 0; b < B; b++) {
      if (this.pending[b]) continue;
      for (let i = 0; i < role.count; i++) {
        const why = space.explainFlat(role.actions, (b * role.count + i) * size);
        if (why !== null) throw new ActionError(this.id, `${agentId(role.name, i)} of copy ${b}`, why);
      }
    }

    this.wasReset.fill(0);
    this.hasFinal.fill(0);
    if (anyPending) {
      // next-step mode: the copies that ended last step are reset now instead of stepped.
      for (let b = 0; b < B; b++) {
        if (!this.pending[b]) continue;
        k.resetCopy(b, undefined, undefined);
        this.pending[b] = 0;
        this.wasReset[b] = 1;
      }
      if (allPending) return;
      this.skip.set(this.wasReset);
      k.step(this.skip);
    } else {
      k.step();
    }

    if (this.autoreset === 'disabled') return;
    for (let b = 0; b < B; b++) {
      if (!k.terminated[b] && !k.truncated[b]) continue;
      if (this.autoreset === 'next-step') {
        this.pending[b] = 1;
      } else {
        for (const vr of this.roles) {
          const n = vr.count * vr.obsSize;
          vr.finalObservations.set(vr.observations.subarray(b * n, (b + 1) * n), b * n);
        }
        this.hasFinal[b] = 1;
        // Report the step that ended the episode (flags, rewards, infos, metrics), though the copy is already reset.
        const term = k.terminated[b];
        const trunc = k.truncated[b];
        this.keepOutcome(b, true);
        k.resetCopy(b, undefined, undefined);
        this.keepOutcome(b, false);
        k.terminated[b] = term;
        k.truncated[b] = trunc;
      }
    }
  }

  close(): void {
    this.closed = true;
  }

  /** Saves (save = true) or restores copy b's rewards, infos and metrics around a same-step reset. */
  private keepOutcome(b: number, save: boolean): void {
    const k = this.kernel;
    const arrays: Float64Array[] = [...k.rewards, ...k.infos, k.metrics];
    for (let i = 0; i < arrays.length; i++) {
      const a = arrays[i];
      const n = a.length / this.numEnvs;
      const keep = this.kept[i];
      for (let j = 0; j < n; j++) {
        if (save) keep[j] = a[b * n + j];
        else a[b * n + j] = keep[j];
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new EnvStateError(`${this.id}: the env is closed`);
  }
}
