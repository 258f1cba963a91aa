/**
 * Text from the command line to an option's or a setting's value, by its schema entry: one
 * conversion for `--option key=value`, `--set key=value` and the settings' own flags. A text
 * that is not a value of the kind is passed on unchanged, for the schema's own error.
 */
import { readFileSync } from 'node:fs';
import type { OptionSpec } from '../envs/core/options.js';
import { UsageError } from './errors.js';

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function valueFromText(s: OptionSpec, raw: string, flag: string): unknown {
  const t = raw.trim();
  switch (s.kind) {
    case 'int':
    case 'number':
      return NUMBER_RE.test(t) ? Number(t) : raw;
    case 'boolean':
      return t === 'true' ? true : t === 'false' ? false : raw;
    case 'enum':
    case 'text':
      return t;
    case 'json':
      return jsonFromText(t, flag);
  }
}

/** A JSON value: inline JSON, or `@path` to a JSON file. */
function jsonFromText(raw: string, flag: string): unknown {
  const fromFile = raw.startsWith('@');
  let text = raw;
  if (fromFile) {
    try {
      text = readFileSync(raw.slice(1), 'utf8');
    } catch (e) {
      throw new UsageError(`${flag}: cannot read ${raw.slice(1)}: ${(e as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${flag}: ${fromFile ? raw.slice(1) : JSON.stringify(raw)} is not valid JSON: ${(e as Error).message} (give inline JSON or @file.json)`);
  }
}
