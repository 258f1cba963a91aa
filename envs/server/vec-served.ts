import { agentId } from '../core/kernel-env.js';
import { presetNames, spec } from '../registry.js';
import { VecEnv, type AutoresetMode } from '../core/vector-env.js';
import { roleDescription } from './describe.js';
import { bytesOf, ProtocolError, type Handshake } from './protocol.js';
import type { ReplyBody, ResetRequest, ServedEnv } from './served-env.js';

export interface VecServedArgs {
  id: string;
  /** Env options as given (validated here). */
  options: unknown;
  numEnvs: number;
  autoreset: AutoresetMode;
}

/**
 * The parallel mode: B copies of a game in one VecEnv, every array of a reply a view of its
 * buffers. With B = 1 and autoreset "disabled" it plays exactly like the single env (same
 * kernel, same seeding), which is what a PettingZoo client wants.
 */
export class VecServed implements ServedEnv {
  readonly vec: VecEnv;
  private readonly options: Record<string, unknown>;
  private readonly phases: readonly string[];
  private readonly resetOptions: readonly string[] | null;

  constructor(args: VecServedArgs) {
    const s = spec(args.id);
    this.options = s.parseOptions(args.options) as Record<string, unknown>;
    // The phase names live in the single env's metadata; the vector env has only indices.
    const single = s.createEnv(this.options);
    this.phases = single.metadata.phases;
    single.close();
    this.resetOptions = s.resetOptions ?? null;
    this.vec = new VecEnv(s.createKernel(this.options, args.numEnvs), args.autoreset);
  }

  describe(): Omit<Handshake, 'protocol' | 'server'> {
    const v = this.vec;
    const roles = v.roles.map((r) => roleDescription(r.spec, Array.from({ length: r.count }, (_, i) => agentId(r.name, i))));
    return {
      mode: 'parallel',
      env_id: v.id,
      options: this.options,
      num_envs: v.numEnvs,
      autoreset: v.autoreset,
      possible_agents: roles.flatMap((r) => r.agents),
      phases: [...this.phases],
      phase_roles: [...v.kernel.phaseRoles],
      roles,
      metric_names: [...v.metricNames],
      presets: presetNames(v.id),
      reset_options: this.resetOptions === null ? null : [...this.resetOptions],
    };
  }

  reset(request: ResetRequest): ReplyBody {
    const { mask } = request;
    if (mask !== undefined && mask.length !== this.vec.numEnvs) {
      throw new ProtocolError(`reset: "mask" must hold one byte per copy (${this.vec.numEnvs}), got ${mask.length}`);
    }
    if (mask !== undefined) {
      const bad = mask.findIndex((m) => m > 1);
      if (bad >= 0) throw new ProtocolError(`reset: "mask"[${bad}] = ${mask[bad]}; each byte must be 0 (keep the copy) or 1 (reset it)`);
    }
    // Copied: the decoder's bytes may be a view into the frame, which the VecEnv must not keep.
    this.vec.reset({ seed: request.seed, options: request.options, mask: mask === undefined ? undefined : Uint8Array.from(mask) });
    return { phase: this.vec.phase, acting_role: this.vec.actingRole, observations: this.observations() };
  }

  step(actions: Uint8Array): ReplyBody {
    const v = this.vec;
    const role = v.roles[v.actingRole];
    const buffer = bytesOf(role.actions);
    if (actions.byteLength !== buffer.byteLength) {
      const dtype = role.spec.actionSpace.dtype;
      throw new ProtocolError(
        `step: "actions" must be the ${this.phases[v.phase]} phase's actions, [num_envs ${v.numEnvs}, ${role.name} agents ${role.count}, ${role.actSize}] ${dtype} little-endian = ${buffer.byteLength} bytes, got ${actions.byteLength} bytes`,
      );
    }
    const before = v.phase;
    buffer.set(actions);
    v.step(); // validates every copy's actions first: a bad one throws with nothing changed
    const stepped = v.wasReset.some((w) => w === 0);
    const played = stepped ? before : -1;
    const reply: ReplyBody = {
      played_phase: played,
      round_end: played === this.phases.length - 1,
      phase: v.phase,
      acting_role: v.actingRole,
      observations: this.observations(),
      rewards: v.roles.map((r) => bytesOf(r.rewards)),
      infos: v.roles.map((r) => bytesOf(r.infos)),
      metrics: bytesOf(v.metrics),
      terminations: bytesOf(v.terminations),
      truncations: bytesOf(v.truncations),
      was_reset: bytesOf(v.wasReset),
      has_final: bytesOf(v.hasFinal),
    };
    if (v.hasFinal.some((h) => h === 1)) reply.final_observations = v.roles.map((r) => bytesOf(r.finalObservations));
    return reply;
  }

  close(): void {
    this.vec.close();
  }

  private observations(): Uint8Array[] {
    return this.vec.roles.map((r) => bytesOf(r.observations));
  }
}
