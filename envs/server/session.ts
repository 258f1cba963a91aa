import { decode, Encoder } from '@msgpack/msgpack';
import { ActionError, EnvStateError, OptionError } from '../core/errors.js';
import { PROTOCOL_VERSION, ProtocolError, type ErrorBody } from './protocol.js';
import type { ResetRequest, ServedEnv } from './served-env.js';

/** The fields each request may carry (besides `op`). */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  hello: ['protocol'],
  reset: ['seed', 'options', 'mask'],
  step: ['actions'],
  close: [],
};

export interface Outcome {
  /** The reply's msgpack bytes: a view of the session's buffer, valid until its next call. */
  reply: Uint8Array;
  /** Whether the connection ends once the reply is written: after `close`, or a fatal error. */
  end: 'close' | 'fatal' | null;
}

/**
 * One client connection: decodes each request, checks its fields, hands it to the served env
 * and encodes the reply. Any problem becomes an error reply; the env is unchanged by a request
 * that fails (the served env validates before it changes anything).
 */
export class Session {
  private greeted = false;
  private closed = false;
  /**
   * Replies are encoded into this encoder's buffer, which grows once and is reused: a batched
   * step's reply is megabytes, and allocating fresh memory for each cost more than the step.
   */
  private readonly encoder = new Encoder();

  constructor(
    private readonly served: ServedEnv,
    /** "buddy-gym 0.1.0": the server's name in the handshake. */
    private readonly serverName: string,
  ) {}

  /** Handles one frame's payload. */
  handle(payload: Uint8Array): Outcome {
    try {
      const request = parseRequest(payload);
      const op = request.op as string;
      if (op !== 'hello' && !this.greeted) throw new ProtocolError(`"${op}" before "hello": the first request of a connection must be {op: "hello", protocol: ${PROTOCOL_VERSION}}`);
      switch (op) {
        case 'hello':
          return { reply: this.ok(this.hello(request)), end: null };
        case 'reset':
          return { reply: this.ok(this.served.reset(resetRequest(request))), end: null };
        case 'step':
          if (!(request.actions instanceof Uint8Array)) throw new ProtocolError(`step: "actions" must be bin (raw little-endian bytes), got ${kindOf(request.actions)}`);
          return { reply: this.ok(this.served.step(request.actions)), end: null };
        default: // close
          this.close();
          return { reply: this.ok({}), end: 'close' };
      }
    } catch (e) {
      return this.fail(e);
    }
  }

  /** The error reply for `e` (a request that failed, or a frame that could not be read). */
  fail(e: unknown): Outcome {
    const body = errorBody(e);
    return { reply: this.encoder.encodeSharedRef({ ok: false, error: body }), end: body.fatal ? 'fatal' : null };
  }

  /** Releases the env (after `close`, or when the connection drops); harmless twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.served.close();
  }

  private ok(body: Record<string, unknown>): Uint8Array {
    return this.encoder.encodeSharedRef({ ok: true, ...body });
  }

  private hello(request: Record<string, unknown>): Record<string, unknown> {
    if (request.protocol !== PROTOCOL_VERSION) {
      throw new ProtocolError(`hello: this server speaks protocol ${PROTOCOL_VERSION}, the client asked for ${JSON.stringify(request.protocol)}; send {op: "hello", protocol: ${PROTOCOL_VERSION}}`);
    }
    this.greeted = true;
    return { protocol: PROTOCOL_VERSION, server: this.serverName, ...this.served.describe() };
  }
}

/** The request as a map with a known op and only that op's fields. */
function parseRequest(payload: Uint8Array): Record<string, unknown> {
  let request: unknown;
  try {
    request = decode(payload);
  } catch (e) {
    throw new ProtocolError(`the frame is not valid msgpack (${(e as Error).message}); every request is a msgpack map {op: ..., ...}`);
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request) || request instanceof Uint8Array) {
    throw new ProtocolError(`a request must be a msgpack map {op: ..., ...}, got ${kindOf(request)}`);
  }
  const map = request as Record<string, unknown>;
  const op = map.op;
  if (typeof op !== 'string' || !Object.hasOwn(FIELDS, op)) {
    throw new ProtocolError(`"op" must be one of ${Object.keys(FIELDS).map((o) => JSON.stringify(o)).join(', ')}, got ${typeof op === 'string' ? JSON.stringify(op) : kindOf(op)}`);
  }
  for (const key of Object.keys(map)) {
    if (key !== 'op' && !FIELDS[op].includes(key)) {
      throw new ProtocolError(`${op}: unknown field ${JSON.stringify(key)}; ${FIELDS[op].length ? `the fields of ${op} are ${FIELDS[op].join(', ')}` : `${op} takes no fields`}`);
    }
  }
  return map;
}

function resetRequest(map: Record<string, unknown>): ResetRequest {
  const out: ResetRequest = {};
  if (map.seed !== undefined && map.seed !== null) {
    if (typeof map.seed !== 'number' || !Number.isSafeInteger(map.seed) || map.seed < 0) {
      throw new ProtocolError(`reset: "seed" must be an integer in [0, ${Number.MAX_SAFE_INTEGER}] (or nil), got ${typeof map.seed === 'number' ? map.seed : kindOf(map.seed)}`);
    }
    out.seed = map.seed;
  }
  if (map.options !== undefined && map.options !== null) {
    if (typeof map.options !== 'object' || Array.isArray(map.options) || map.options instanceof Uint8Array) {
      throw new ProtocolError(`reset: "options" must be a map of the env's reset options (or nil), got ${kindOf(map.options)}`);
    }
    out.options = map.options as Record<string, unknown>;
  }
  if (map.mask !== undefined && map.mask !== null) {
    if (!(map.mask instanceof Uint8Array)) throw new ProtocolError(`reset: "mask" must be bin (one byte per copy, 1 to reset it), got ${kindOf(map.mask)}`);
    out.mask = map.mask;
  }
  return out;
}

/** An exception as an error reply: env errors keep their type; anything else is an internal error. */
function errorBody(e: unknown): ErrorBody {
  if (e instanceof ProtocolError) return { type: e.name, message: e.message, fatal: e.fatal };
  if (e instanceof ActionError) return { type: e.name, message: e.message, fatal: false, agent: e.agent };
  if (e instanceof OptionError) return { type: e.name, message: e.message, fatal: false, option: e.option };
  if (e instanceof EnvStateError) return { type: e.name, message: e.message, fatal: false };
  // Env code throws RangeError for a bad value it meets (an option of a reset, say): the request's fault.
  if (e instanceof RangeError || e instanceof TypeError) return { type: 'ValueError', message: e.message, fatal: false };
  // A bug met half-way through a request may have left the env inconsistent: end the connection.
  return { type: 'InternalError', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e), fatal: true };
}

/** What a decoded msgpack value is, in the protocol's words. */
export function kindOf(x: unknown): string {
  if (x === undefined) return 'nothing';
  if (x === null) return 'nil';
  if (x instanceof Uint8Array) return `bin of ${x.byteLength} bytes`;
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (typeof x === 'object') return 'a map';
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 37)}...` : x)}`;
  return `${typeof x === 'number' ? (Number.isInteger(x) ? 'the integer' : 'the float') : `the ${typeof x}`} ${String(x)}`;
}
