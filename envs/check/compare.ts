import { formatValue } from '../core/errors.js';

/**
 * The first difference between two values, as "path: a vs b", or null when they are
 * identical: numbers are compared with Object.is (so NaN equals NaN and 0 differs from
 * −0: bit-identical up to NaN payloads), typed arrays and arrays element by element,
 * objects key by key.
 */
export function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) ? null : `${path || 'value'}: ${a} vs ${b}`;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return Object.is(a, b) ? null : `${path || 'value'}: ${formatValue(a)} vs ${formatValue(b)}`;
  }
  const aList = isList(a);
  const bList = isList(b);
  if (aList || bList) {
    if (!aList || !bList || a.constructor !== b.constructor) return `${path || 'value'}: ${kindOf(a)} vs ${kindOf(b)}`;
    if (a.length !== b.length) return `${path || 'value'}: length ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keysA = Object.keys(ra);
  for (const k of keysA) if (!Object.hasOwn(rb, k)) return `${join(path, k)}: present vs missing`;
  for (const k of Object.keys(rb)) if (!Object.hasOwn(ra, k)) return `${join(path, k)}: missing vs present`;
  for (const k of keysA) {
    const d = firstDifference(ra[k], rb[k], join(path, k));
    if (d !== null) return d;
  }
  return null;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Index of the first differing byte (or the shorter length), for messages. */
export function firstDifferentByte(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** Same members, any order. */
export function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
}

type List = ArrayLike<unknown> & { constructor: unknown };

function isList(x: object): x is List {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

function kindOf(x: object): string {
  return isList(x) ? `${x.constructor === Array ? 'array' : (x.constructor as { name: string }).name} of length ${x.length}` : 'object';
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
