import type { Handshake } from './protocol.js';

/** A reset request's fields, type-checked by the session (values not yet validated by the env). */
export interface ResetRequest {
  seed?: number;
  options?: Record<string, unknown>;
  /** One byte per copy, 1 to reset it (parallel mode only). */
  mask?: Uint8Array;
}

/** Reply fields of reset and step (without `ok`): typed arrays go out as `bin`. */
export type ReplyBody = Record<string, unknown>;

/**
 * What a connection serves: an env behind the protocol's reset / step. Each call either
 * returns the reply's fields or throws (an OptionError, ActionError, EnvStateError or
 * ProtocolError) having changed nothing, which the session turns into an error reply.
 */
export interface ServedEnv {
  /** The handshake, without the fields the session adds (protocol, server). */
  describe(): Omit<Handshake, 'protocol' | 'server'>;
  reset(request: ResetRequest): ReplyBody;
  /** `actions`: the acting role's actions, raw little-endian bytes in its act_dtype. */
  step(actions: Uint8Array): ReplyBody;
  close(): void;
}
