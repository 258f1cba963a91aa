/** Table-driven 32-bit CRCs (reflected), one table per polynomial: CRC-32 for PNG, CRC-32C for TensorBoard's TFRecords. */

/** The 256-entry table of a reflected 32-bit CRC polynomial. */
export function crcTable(polynomial: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** The CRC of `bytes` with `table`, continuing from `crc` (0 to start). */
export function crcWith(table: Uint32Array, bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
