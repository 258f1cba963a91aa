import type { Agent } from '../../agents/agent.js';
import type { Info } from '../../envs/core/env.js';
import type { KernelEnv } from '../../envs/core/kernel-env.js';
import { agentId } from '../../envs/core/kernel-env.js';
import type { RoleSpec } from '../../envs/core/kernel.js';
import { presetNames, spec } from '../../envs/registry.js';
import type { Space } from '../../envs/core/spaces/space.js';
import { roleDescription } from '../../envs/server/describe.js';
import { bytesOf, ProtocolError, type Handshake } from '../../envs/server/protocol.js';
import type { ReplyBody, ResetRequest, ServedEnv } from '../../envs/server/served-env.js';
import { SingleAgentEnv } from '../../envs/wrappers/single-agent.js';
import { baselineNames } from '../../agents/baseline.js';
import { game } from '../game/registry.js';

export interface SingleAgentServedArgs {
  id: string;
  options: unknown;
  /** The agent the client plays ("user_0"). */
  agent: string;
  /** The baseline playing each side (by the side's baseline names); a side not named plays its reference baseline. */
  baselines: Readonly<Record<string, string>>;
}

/** Each side's baseline: the given names over the profile's references, checked against the sides and their baselines. */
export function chooseBaselines(id: string, roles: readonly RoleSpec[], given: Readonly<Record<string, string>>): Record<string, string> {
  const { baselines, reference } = game(id);
  const chosen: Record<string, string> = { ...reference };
  for (const [side, name] of Object.entries(given)) {
    if (!roles.some((r) => r.name === side)) throw new RangeError(`${id} has no side "${side}"; its sides are ${roles.map((r) => r.name).join(', ')}`);
    if (!Object.hasOwn(baselines[side] ?? {}, name)) throw new RangeError(`the ${side} side of ${id} has no baseline "${name}"; its baselines are ${baselineNames(baselines[side])}`);
    chosen[side] = name;
  }
  return chosen;
}

/**
 * The single-agent mode: Gymnasium's view of one agent (the SingleAgentEnv wrapper), every
 * other agent played on the server by its side's baseline. Observations and actions go in
 * the agent's flat layout; `info` goes as a map, as the wrapper gives it.
 */
export class SingleAgentServed implements ServedEnv {
  private readonly env: SingleAgentEnv;
  private readonly options: Record<string, unknown>;
  private readonly role: RoleSpec;
  private readonly phase: string;
  private readonly baselines: Record<string, string>;
  private readonly resetOptions: readonly string[] | null;
  private readonly observation: Float32Array;
  private readonly action: Float32Array | Int32Array;

  constructor(args: SingleAgentServedArgs) {
    const s = spec(args.id);
    this.options = s.parseOptions(args.options) as Record<string, unknown>;
    const inner = s.createEnv(this.options) as KernelEnv;
    const roles = inner.kernel.roles;
    const r = roles.findIndex((role) => Array.from({ length: role.count }, (_, i) => agentId(role.name, i)).includes(args.agent));
    if (r < 0) throw new RangeError(`${args.id} has no agent "${args.agent}"; its agents are ${inner.possibleAgents.join(', ')}`);
    this.role = roles[r];
    this.phase = inner.metadata.phases[inner.kernel.phaseRoles.indexOf(r)];
    this.baselines = chooseBaselines(args.id, roles, args.baselines);
    const { baselines } = game(args.id);
    const roleOf = new Map(roles.flatMap((role) => Array.from({ length: role.count }, (_, i) => [agentId(role.name, i), role.name] as const)));
    const policy = (id: string): Agent => baselines[roleOf.get(id)!][this.baselines[roleOf.get(id)!]].make();
    this.env = new SingleAgentEnv(inner, args.agent, policy);
    this.resetOptions = s.resetOptions ?? null;
    this.observation = new Float32Array(this.role.observationSpace.flatSize);
    this.action = this.role.actionSpace.dtype === 'int32' ? new Int32Array(this.role.actionSpace.flatSize) : new Float32Array(this.role.actionSpace.flatSize);
  }

  describe(): Omit<Handshake, 'protocol' | 'server'> {
    const role = this.role;
    const agent = this.env.agent;
    return {
      mode: 'single-agent',
      env_id: this.env.id,
      options: this.options,
      num_envs: 1,
      autoreset: 'disabled',
      possible_agents: [agent],
      phases: [this.phase],
      phase_roles: [0],
      roles: [roleDescription(role, [agent])],
      metric_names: [],
      presets: presetNames(this.env.id),
      reset_options: this.resetOptions === null ? null : [...this.resetOptions],
      agent,
      baselines: this.baselines,
    };
  }

  reset(request: ResetRequest): ReplyBody {
    if (request.mask !== undefined) throw new ProtocolError('reset: "mask" is for the parallel mode\'s copies; the single-agent mode has one env');
    const { observation, info } = this.env.reset({ seed: request.seed, options: request.options });
    return { observations: [this.flat(observation)], info: plain(info) };
  }

  step(actions: Uint8Array): ReplyBody {
    const space = this.role.actionSpace as Space<unknown>;
    const bytes = bytesOf(this.action);
    if (actions.byteLength !== bytes.byteLength) {
      throw new ProtocolError(`step: "actions" must be agent ${this.env.agent}'s action, ${space.flatSize} ${space.dtype} little-endian = ${bytes.byteLength} bytes, got ${actions.byteLength} bytes`);
    }
    bytes.set(actions);
    const r = this.env.step(space.unflatten(this.action)); // validates first: a bad action throws with nothing changed
    return {
      observations: [this.flat(r.observation)],
      rewards: [bytesOf(Float64Array.of(r.reward))],
      terminations: Uint8Array.of(r.terminated ? 1 : 0),
      truncations: Uint8Array.of(r.truncated ? 1 : 0),
      info: plain(r.info),
    };
  }

  close(): void {
    this.env.close();
  }

  private flat(observation: unknown): Uint8Array {
    (this.role.observationSpace as Space<unknown>).flatten(observation, this.observation);
    return bytesOf(this.observation);
  }
}

/** An info as msgpack carries it faithfully: typed arrays as arrays of numbers (msgpack would send their bytes). */
function plain(info: Info): Record<string, unknown> {
  const convert = (x: unknown): unknown => {
    if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
    if (Array.isArray(x)) return x.map(convert);
    if (typeof x === 'object' && x !== null) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, convert(v)]));
    return x;
  };
  return convert(info) as Record<string, unknown>;
}
