/**
 * What every command does with an env named on the command line: check the id (with a
 * "did you mean"), read `--option key=value` pairs by the env's option schema, and start from
 * a `--preset`. Light on purpose: list, check and analyze import it, and none of them loads
 * TensorFlow.js.
 */
import { readFileSync } from 'node:fs';
import type { OptionSpec } from '../envs/core/options.js';
import { didYouMean } from '../envs/core/suggest.js';
import { presetOptions, registeredIds, spec } from '../envs/registry.js';
import { UsageError } from './errors.js';

/** Throws a UsageError unless `id` is a registered env id. */
export function assertEnvId(id: string): void {
  const ids = registeredIds();
  if (!ids.includes(id)) throw new UsageError(`unknown env id ${JSON.stringify(id)}${didYouMean(id, ids)}; registered ids: ${ids.join(', ')}`);
}

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

/** `options` over preset `name`'s options (--preset NAME, then --option key=value on top). */
export function withPreset(envId: string, name: string | undefined, options: Record<string, unknown>): Record<string, unknown> {
  if (name === undefined) return options;
  try {
    return { ...presetOptions(envId, name), ...options };
  } catch (e) {
    throw new UsageError(`--preset: ${(e as Error).message}`);
  }
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
