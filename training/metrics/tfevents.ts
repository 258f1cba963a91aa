/**
 * TensorBoard's event-file format, written by hand (no maintained npm writer fits: the
 * registry has TFRecord readers, not event writers). A file is a sequence of TFRecords:
 *
 *   uint64 length (little-endian) | uint32 masked CRC-32C of the length | data | uint32 masked CRC-32C of the data
 *
 * where masked(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8 (mod 2^32), and each record's data
 * is a tensorflow.Event protocol buffer (tensorflow/core/util/event.proto): the first one
 * carries file_version "brain.Event:2", the others a Summary of scalar values:
 *
 *   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *   Summary { repeated Value value = 1; }
 *   Value   { string tag = 1; float simple_value = 2; }
 */
import { crcTable, crcWith } from '../crc.js';

const CRC32C = crcTable(0x82f63b78);

/** CRC-32C (Castagnoli), as TFRecord uses. */
export function crc32c(bytes: Uint8Array): number {
  return crcWith(CRC32C, bytes);
}

/** TFRecord's masked CRC: rotated right by 15 bits plus a constant, so that a CRC of CRCs is not trivial. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One TFRecord around `data`. */
export function tfRecord(data: Uint8Array): Buffer {
  const out = Buffer.alloc(8 + 4 + data.length + 4);
  out.writeBigUInt64LE(BigInt(data.length), 0);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  out.set(data, 12);
  out.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return out;
}

// Protocol buffer wire format: keys are (field << 3) | wire type; 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.

function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

function lengthDelimited(field: number, bytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([...varint((field << 3) | 2), ...varint(bytes.length)]), bytes]);
}

function fixed64Double(field: number, x: number): Buffer {
  const b = Buffer.alloc(9);
  b[0] = (field << 3) | 1;
  b.writeDoubleLE(x, 1);
  return b;
}

function fixed32Float(field: number, x: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = (field << 3) | 5;
  b.writeFloatLE(x, 1);
  return b;
}

/** The first event of every file: its format version. */
export function fileVersionEvent(wallTime: number): Buffer {
  return Buffer.concat([fixed64Double(1, wallTime), lengthDelimited(3, Buffer.from('brain.Event:2', 'utf8'))]);
}

/** An event with one scalar summary value per entry of `values` (tag → value), at `step`. */
export function scalarEvent(wallTime: number, step: number, values: readonly (readonly [string, number])[]): Buffer {
  const summaryValues = values.map(([tag, v]) => lengthDelimited(1, Buffer.concat([lengthDelimited(1, Buffer.from(tag, 'utf8')), fixed32Float(2, v)])));
  return Buffer.concat([fixed64Double(1, wallTime), Buffer.from([(2 << 3) | 0, ...varint(Math.max(0, Math.trunc(step)))]), lengthDelimited(5, Buffer.concat(summaryValues))]);
}
