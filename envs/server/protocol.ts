/**
 * The env server's wire protocol (docs/protocol.md is its specification): frames of a
 * little-endian uint32 length and a msgpack map; one reply per request, in order. Arrays
 * travel as msgpack `bin` holding raw little-endian values in C order.
 */
import type { SpaceSpec } from '../core/spaces/space.js';

/** The protocol version this server speaks; a client names it in `hello`. */
export const PROTOCOL_VERSION = 1;

/**
 * Largest request frame accepted (64 MiB): far above any legitimate request (a step's actions,
 * a reset's options), and small enough that a garbage length prefix is caught at once instead
 * of leaving the server waiting for gigabytes that never come.
 */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

/** Bytes of the length prefix of every frame. */
export const LENGTH_BYTES = 4;

export type Mode = 'parallel' | 'single-agent';

/** One role (a group of agents sharing spaces) as the handshake describes it. */
export interface RoleDescription {
  name: string;
  count: number;
  /** Agent ids of the role, in order: agent i of the role is row i of its arrays. */
  agents: string[];
  observation_space: SpaceSpec;
  action_space: SpaceSpec;
  /** Numbers in one agent's flat observation (float32) and action (act_dtype). */
  obs_size: number;
  act_size: number;
  act_dtype: 'float32' | 'int32';
  /** Names of the per-agent values in `infos` after a round ends. */
  info_names: string[];
}

/** The reply to `hello`: everything a client needs to decode every later reply. */
export interface Handshake {
  protocol: number;
  server: string;
  mode: Mode;
  env_id: string;
  /** The env's options, validated, defaults filled in. */
  options: Record<string, unknown>;
  num_envs: number;
  autoreset: string;
  possible_agents: string[];
  /** Phase names of a round, in order, and the role (index into roles) acting in each. */
  phases: string[];
  phase_roles: number[];
  roles: RoleDescription[];
  /** Round metrics, [num_envs, metric_names.length] float64 in step replies. */
  metric_names: string[];
  /** Names of the env's presets (`buddy-gym serve <id> --preset NAME`). */
  presets: string[];
  /** Keys `reset` accepts in `options`, when the env declares them (null: not declared). */
  reset_options: string[] | null;
  /** single-agent mode: the agent the client controls and the baseline playing each side. */
  agent?: string;
  baselines?: Record<string, string>;
}

/** What a failed request gets: the kind of problem and a sentence naming it. */
export interface ErrorBody {
  type: string;
  message: string;
  /** The connection ends after this reply (a frame that cannot be resynchronised). */
  fatal: boolean;
  /** ActionError: the agent (and copy) whose action was wrong. */
  agent?: string;
  /** OptionError: the option that was wrong. */
  option?: string;
}

/** A request the protocol cannot accept (malformed frame, message or field). The env is unchanged. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    message: string,
    /** The stream cannot be trusted any more: reply, then end the connection. */
    readonly fatal = false,
  ) {
    super(message);
  }
}

/** The bytes of a typed array's elements (a view, not a copy). */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
