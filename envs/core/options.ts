import { OptionError } from './errors.js';
import { didYouMean } from './suggest.js';

/**
 * A tiny typed schema for env options (and config files): each option has a kind, a
 * default, an allowed range and a one-line doc. `parseOptions` validates a partial
 * input against it and returns the full, typed, frozen options, or throws an
 * OptionError naming the option, the value and what is allowed.
 */
export type OptionSpec =
  | { kind: 'int'; default: number; min: number; max: number; doc: string }
  | { kind: 'number'; default: number; min: number; max: number; minExclusive?: boolean; doc: string }
  | { kind: 'enum'; default: string; values: readonly string[]; doc: string }
  | { kind: 'boolean'; default: boolean; doc: string }
  /** Free text checked by `check` (a list like "user=0.01,goal=0", say). */
  | { kind: 'text'; default: string; allowed: string; check: (value: string) => string | null; doc: string }
  /** A structured value (an instance as JSON, say): `check` returns null when fine, else what is wrong. */
  | { kind: 'json'; default: unknown; allowed: string; check: (value: unknown) => string | null; doc: string };

export type OptionSchema = Record<string, OptionSpec>;

type ValueOfSpec<S extends OptionSpec> = S extends { kind: 'enum'; values: readonly (infer V)[] }
  ? V
  : S extends { kind: 'boolean' }
    ? boolean
    : S extends { kind: 'text' }
      ? string
      : S extends { kind: 'json'; default: infer T }
        ? T
        : number;

export type OptionsOf<S extends OptionSchema> = { readonly [K in keyof S]: ValueOfSpec<S[K]> };

export const int = (def: number, min: number, max: number, doc: string) => ({ kind: 'int', default: def, min, max, doc }) as const;
export const num = (def: number, min: number, max: number, doc: string, minExclusive = false) =>
  ({ kind: 'number', default: def, min, max, minExclusive, doc }) as const;
export const oneOf = <const V extends readonly string[]>(values: V, def: V[number], doc: string) =>
  ({ kind: 'enum', default: def, values, doc }) as const;
export const bool = (def: boolean, doc: string) => ({ kind: 'boolean', default: def, doc }) as const;
/** A text option; `check(v)` returns null when v is valid, else what is wrong with it. */
export const text = (def: string, allowed: string, doc: string, check: (value: string) => string | null = () => null) =>
  ({ kind: 'text', default: def, allowed, check, doc }) as { kind: 'text'; default: string; allowed: string; check: (value: string) => string | null; doc: string };
/**
 * A JSON value option. `check(v)` returns null when v is valid, else what is wrong with it; the
 * default is used as is. From the CLI it is given as inline JSON or `@file.json`.
 */
export const json = <T>(def: T, allowed: string, doc: string, check: (value: unknown) => string | null) =>
  ({ kind: 'json', default: def, allowed, check, doc }) as { kind: 'json'; default: T; allowed: string; check: (value: unknown) => string | null; doc: string };

/** What is allowed for one option, in words. */
export function describeAllowed(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'int':
      return `an integer in [${spec.min}, ${spec.max}]`;
    case 'number':
      return `a finite number in ${spec.minExclusive ? '(' : '['}${spec.min}, ${spec.max}]`;
    case 'enum':
      return `one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'boolean':
      return 'true or false';
    case 'json':
    case 'text':
      return spec.allowed;
  }
}

function validOne(spec: OptionSpec, v: unknown): boolean {
  switch (spec.kind) {
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) && v >= spec.min && v <= spec.max;
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && (spec.minExclusive ? v > spec.min : v >= spec.min) && v <= spec.max;
    case 'enum':
      return typeof v === 'string' && spec.values.includes(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'text':
      return typeof v === 'string';
    case 'json':
      return true; // checked by parseOptions, which reports what is wrong
  }
}

export interface CrossCheck<S extends OptionSchema> {
  /** The option blamed when the check fails. */
  option: keyof S & string;
  /** Returns null if fine, else what is allowed (e.g. "at most goals × creationsPerGoal = 16"). */
  check(o: OptionsOf<S>): string | null;
}

export function defaults<S extends OptionSchema>(schema: S): OptionsOf<S> {
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(schema)) out[k] = spec.default;
  return Object.freeze(out) as OptionsOf<S>;
}

/** A plain object (`{...}` or Object.create(null)): not an array, a Map, a class instance or a boxed value. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** What kind of value `x` is, in words, for refusals: "a Map", "an array", "the string \"abc\"", "the number 42". */
export function describeKind(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') {
    const name = (x as { constructor?: { name?: string } }).constructor?.name;
    return name ? `a ${name}` : 'an object';
  }
  if (typeof x === 'string') return `the string ${JSON.stringify(x.length > 40 ? `${x.slice(0, 37)}...` : x)}`;
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return `the ${typeof x} ${String(x)}`;
  return `a ${typeof x}`;
}

export function parseOptions<S extends OptionSchema>(
  owner: string,
  schema: S,
  input: unknown,
  crossChecks: readonly CrossCheck<S>[] = [],
): OptionsOf<S> {
  if (input === undefined || input === null) input = {};
  if (!isPlainObject(input)) {
    throw new OptionError(owner, '(options)', input, `options must be a plain object like { ${Object.keys(schema)[0] ?? 'name'}: ... }, got ${describeKind(input)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (!Object.hasOwn(schema, k)) {
      throw new OptionError(owner, k, v, `unknown option${didYouMean(k, Object.keys(schema))}; the options are ${Object.keys(schema).join(', ')}`);
    }
    if (v === undefined) continue;
    if (!validOne(schema[k], v)) throw new OptionError(owner, k, v, `must be ${describeAllowed(schema[k])} (${schema[k].doc})`);
    const spec = schema[k];
    if (spec.kind === 'json' || spec.kind === 'text') {
      const why = spec.kind === 'json' ? spec.check(v) : spec.check(v as string);
      if (why !== null) throw new OptionError(owner, k, v, `must be ${spec.allowed}: ${why}`);
    }
    out[k] = v;
  }
  for (const [k, spec] of Object.entries(schema)) if (!(k in out)) out[k] = spec.default;
  const opts = Object.freeze(out) as OptionsOf<S>;
  for (const c of crossChecks) {
    const why = c.check(opts);
    if (why !== null) throw new OptionError(owner, c.option, opts[c.option], why);
  }
  return opts;
}

/** One line per option, for `--help` and the README's env tables. */
export function describeSchema(schema: OptionSchema): { name: string; allowed: string; default: unknown; doc: string }[] {
  return Object.entries(schema).map(([name, spec]) => ({ name, allowed: describeAllowed(spec), default: spec.default, doc: spec.doc }));
}
