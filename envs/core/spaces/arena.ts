/**
 * Hands out Float32Array/Int32Array views of one ArrayBuffer. Small typed arrays each get
 * their own backing store, which costs far more than the copy; the single env builds all of
 * a step's observations in one arena (one backing store, many views).
 */
export class TypedArena {
  private readonly buffer: ArrayBuffer;
  private offset = 0;

  constructor(bytes: number) {
    this.buffer = new ArrayBuffer(bytes);
  }

  float32(n: number): Float32Array {
    const out = new Float32Array(this.buffer, this.take(n * 4), n);
    return out;
  }

  int32(n: number): Int32Array {
    return new Int32Array(this.buffer, this.take(n * 4), n);
  }

  private take(bytes: number): number {
    const at = this.offset;
    if (at + bytes > this.buffer.byteLength) throw new RangeError(`TypedArena: out of space (${this.buffer.byteLength} bytes)`);
    this.offset = at + bytes;
    return at;
  }
}
