import { readFileSync } from 'node:fs';
import type { OptionSpec } from '../../envs/core/options.js';
import { presetOptions, spec } from '../../envs/registry.js';
import { UsageError } from './errors.js';

/** Parses the --option key=value list, converting each value by the env's option schema. */
export function parseEnvOptions(envId: string, pairs: readonly string[]): Record<string, unknown> {
  const schema = spec(envId).optionSchema;
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--option expects key=value, got ${JSON.stringify(pair)}; the options of ${envId} are ${Object.keys(schema).join(', ')}`);
    const key = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1).trim();
    if (Object.hasOwn(out, key)) throw new UsageError(`--option ${key} is given twice`);
    out[key] = Object.hasOwn(schema, key) ? convert(schema[key], raw) : raw;
  }
  return out;
}

function convert(s: OptionSpec, raw: string): unknown {
  switch (s.kind) {
    case 'int':
    case 'number': {
      const n = raw === '' ? NaN : Number(raw);
      return Number.isNaN(n) ? raw : n; // a non-number is left as text for the env's own error
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'enum':
    case 'text':
      return raw;
    case 'json':
      return readJsonOption(raw);
  }
}

/** A JSON option's value: inline JSON, or `@path` to a JSON file. */
function readJsonOption(raw: string): unknown {
  const fromFile = raw.startsWith('@');
  let text = raw;
  if (fromFile) {
    try {
      text = readFileSync(raw.slice(1), 'utf8');
    } catch (e) {
      throw new UsageError(`--option: cannot read ${raw.slice(1)}: ${(e as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--option: ${fromFile ? raw.slice(1) : JSON.stringify(raw)} is not valid JSON: ${(e as Error).message} (give inline JSON or @file.json)`);
  }
}

/** The options of preset `preset` (when given) overlaid with `given`; a preset the env lacks is a UsageError. */
export function withPreset(envId: string, preset: string | undefined, given: Record<string, unknown>): Record<string, unknown> {
  if (preset === undefined) return given;
  try {
    return { ...presetOptions(envId, preset), ...given };
  } catch (e) {
    throw new UsageError(`--preset: ${(e as Error).message}`);
  }
}
