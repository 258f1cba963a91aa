/**
 * Command-line parsing on node:util's parseArgs, with one-line errors that name the flag
 * and what is allowed, and `--help` text generated from the same flag list (so every flag
 * is documented by construction).
 */
import { parseArgs } from 'node:util';
import { didYouMean } from '../envs/core/suggest.js';
import { UsageError } from './errors.js';

export interface FlagSpec {
  /** Long name without dashes: "episodes". */
  readonly name: string;
  readonly type: 'string' | 'boolean';
  /** Placeholder of a string flag's value in help: "<K>". */
  readonly value?: string;
  /** May be repeated (values collected in order). */
  readonly multiple?: boolean;
  /** A one-letter alias: "h". */
  readonly short?: string;
  /** One line of help, defaults included. */
  readonly doc: string;
}

export interface CommandSpec {
  readonly name: string;
  /** One line, for the program's command list. */
  readonly summary: string;
  /** Usage lines, without the leading "buddy-gym ". */
  readonly usage: readonly string[];
  /** Paragraph lines printed after the usage. */
  readonly details?: readonly string[];
  readonly flags: readonly FlagSpec[];
  readonly examples?: readonly string[];
}

export const HELP_FLAG: FlagSpec = { name: 'help', type: 'boolean', short: 'h', doc: 'print this help and exit' };

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export interface ParsedArgs {
  readonly values: FlagValues;
  readonly positionals: string[];
}

const flagList = (spec: CommandSpec) => spec.flags.map((f) => `--${f.name}`).join(', ');

/** Parses `argv` (the words after the command name) against the command's flags; throws a UsageError. */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const f of spec.flags) options[f.name] = { type: f.type, ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) };
  let parsed: ReturnType<typeof rawParse>;
  try {
    parsed = rawParse(argv, options);
  } catch (e) {
    throw new UsageError(explainParseError(spec, e));
  }
  const seen = new Map<string, number>();
  for (const t of parsed.tokens) if (t.kind === 'option') seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
  for (const [name, n] of seen) {
    const f = spec.flags.find((x) => x.name === name);
    if (n > 1 && f && !f.multiple && f.type === 'string') throw new UsageError(`flag --${name} is given ${n} times; give it once`);
  }
  return { values: parsed.values as FlagValues, positionals: parsed.positionals };
}

function rawParse(argv: readonly string[], options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>) {
  return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true, tokens: true });
}

function explainParseError(spec: CommandSpec, e: unknown): string {
  const err = e as { code?: string; message?: string };
  const msg = String(err.message ?? e);
  const quoted = /'([^' ]+)/.exec(msg)?.[1] ?? '?';
  const f = spec.flags.find((x) => `--${x.name}` === quoted || `-${x.short}` === quoted);
  const help = `see buddy-gym ${spec.name} --help`;
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${quoted}${didYouMean(quoted, spec.flags.map((x) => `--${x.name}`), (n) => n)}; the flags of "${spec.name}" are ${flagList(spec)} (${help})`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(msg)) return `flag ${quoted} takes no value`;
      if (f) {
        const dash = /ambiguous/.test(msg) ? `; to give a value that starts with "-", write --${f.name}=VALUE` : '';
        return `flag --${f.name} needs a value ${f.value ?? '<value>'}: ${f.doc}${dash}`;
      }
      return `flag ${quoted} needs a value (${help})`;
    default:
      return `${msg.split('\n')[0]} (${help})`;
  }
}

/** A string flag's value, or undefined when absent. */
export function stringFlag(values: FlagValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** An integer flag in [min, max]; `fallback` when absent. Rejects "2.5", "1e3", "", "0x10". */
export function intFlag(values: FlagValues, name: string, fallback: number, min: number, max: number): number {
  const raw = stringFlag(values, name);
  if (raw === undefined) return fallback;
  const n = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  return n;
}

/** The command's help text, built from its spec. */
export function commandHelp(spec: CommandSpec): string[] {
  const lines = [`buddy-gym ${spec.name}: ${spec.summary}`, '', 'Usage:'];
  for (const u of spec.usage) lines.push(`  buddy-gym ${u}`);
  if (spec.details?.length) lines.push('', ...spec.details);
  lines.push('', 'Flags:');
  const heads = spec.flags.map((f) => `${f.short ? `-${f.short}, ` : '    '}--${f.name}${f.type === 'string' ? ` ${f.value ?? '<value>'}` : ''}${f.multiple ? ' ...' : ''}`);
  const width = Math.max(...heads.map((h) => h.length));
  spec.flags.forEach((f, i) => lines.push(`  ${heads[i].padEnd(width)}  ${f.doc}`));
  if (spec.examples?.length) {
    lines.push('', 'Examples:');
    for (const ex of spec.examples) lines.push(`  ${ex}`);
  }
  return lines;
}
