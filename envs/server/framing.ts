import { LENGTH_BYTES, MAX_REQUEST_BYTES, ProtocolError } from './protocol.js';

/**
 * Cuts a byte stream into frames (uint32 little-endian length, then that many bytes). Chunks
 * may split or join frames anywhere. A length of 0 or above `maxBytes` is fatal: past a bad
 * length prefix no later frame boundary can be trusted, so `failure` says what was wrong and
 * nothing more is read (the frames before it are still returned).
 */
export class FrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The bad length prefix met, if any: a fatal ProtocolError. */
  failure: ProtocolError | null = null;

  constructor(private readonly maxBytes = MAX_REQUEST_BYTES) {}

  /** Adds a chunk and returns every frame it completes (payloads without the prefix). */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.failure !== null) return [];
    this.pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.pendingBytes += chunk.byteLength;
    const frames: Uint8Array[] = [];
    for (;;) {
      if (this.pendingBytes < LENGTH_BYTES) return frames;
      const head = this.peek(LENGTH_BYTES).subarray(0, LENGTH_BYTES);
      const length = head.readUInt32LE(0);
      if (length === 0 || length > this.maxBytes) {
        const ascii = /^[\x20-\x7e]{4}$/.test(head.toString('latin1')) ? ` (the bytes read as text: ${JSON.stringify(head.toString('latin1'))}, not a length)` : '';
        this.failure = new ProtocolError(`frame length ${length} is outside [1, ${this.maxBytes}]${ascii}; every frame is a uint32 little-endian length, then that many bytes of msgpack`, true);
        this.pending = [];
        this.pendingBytes = 0;
        return frames;
      }
      if (this.pendingBytes < LENGTH_BYTES + length) return frames;
      frames.push(this.take(LENGTH_BYTES + length).subarray(LENGTH_BYTES));
    }
  }

  /** Bytes received that do not yet make a whole frame. */
  get buffered(): number {
    return this.pendingBytes;
  }

  private peek(n: number): Buffer {
    if (this.pending[0].length >= n) return this.pending[0];
    this.pending = [Buffer.concat(this.pending)];
    return this.pending[0];
  }

  private take(n: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    return out;
  }
}

/** The length prefix of a frame whose payload has `bytes` bytes. */
export function lengthPrefix(bytes: number): Buffer {
  const head = Buffer.allocUnsafe(LENGTH_BYTES);
  head.writeUInt32LE(bytes, 0);
  return head;
}
