import type { GameKernel } from './kernel.js';

/** The kernel's whole dynamic state as one byte array: phase first, then every state array. */
export function snapshotKernel(kernel: GameKernel): Uint8Array {
  const arrays = kernel.stateArrays();
  let size = 4;
  for (const a of arrays) size += a.byteLength;
  const out = new Uint8Array(size);
  new DataView(out.buffer).setInt32(0, kernel.phase, true);
  let off = 4;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), off);
    off += a.byteLength;
  }
  return out;
}

/** Inverse of snapshotKernel for a kernel of the same game and options. */
export function restoreKernel(kernel: GameKernel, bytes: Uint8Array): void {
  const arrays = kernel.stateArrays();
  let size = 4;
  for (const a of arrays) size += a.byteLength;
  if (bytes.byteLength !== size) throw new RangeError(`snapshot has ${bytes.byteLength} bytes, this ${kernel.id} kernel needs ${size}`);
  kernel.setPhase(new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, true));
  let off = 4;
  for (const a of arrays) {
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(bytes.subarray(off, off + a.byteLength));
    off += a.byteLength;
  }
}
