/**
 * What every command does with a game named on the command line, written once: find the game
 * (the one "unknown env id" check, with a "did you mean"), and read its options from
 * `--preset NAME` and `--option key=value` pairs into the typed options object (parsed once,
 * here at the edge; what travels inward is that object). Light on purpose: list, check, serve
 * and analyze use it, and none of them loads TensorFlow.js.
 */
import { OptionError } from '../envs/core/errors.js';
import { presetOptions } from '../envs/registry.js';
import type { GameDescriptor } from '../training/game/descriptor.js';
import { game } from '../training/game/registry.js';
import { stringFlag, type FlagValues } from './args.js';
import { UsageError } from './errors.js';
import { exampleGame } from './game-help.js';
import { valueFromText } from './option-text.js';

/** The game `id`, or the registry's error (naming the registered ids) as a mistake of the command line. */
export function gameOf(id: string): GameDescriptor {
  try {
    return game(id);
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * The one env id among a command's positionals. With none, a UsageError "which env? give an
 * env id<how>" says how to give one; with `how` undefined none is fine (train --resume,
 * check --all) and the result is undefined.
 */
export function envIdOf(positionals: readonly string[], how: string): string;
export function envIdOf(positionals: readonly string[], how: string | undefined): string | undefined;
export function envIdOf(positionals: readonly string[], how: string | undefined): string | undefined {
  if (positionals.length > 1) throw new UsageError(`expected one env id, got ${positionals.length}: ${positionals.join(' ')}`);
  if (positionals.length === 0 && how !== undefined) throw new UsageError(`which env? give an env id${how}`);
  return positionals[0];
}

/** The game of the one env id among a command's positionals ("which env?" shows `buddy-gym <command> <id> ...`). */
export function gameFromPositionals(positionals: readonly string[], command: string): GameDescriptor {
  return gameOf(envIdOf(positionals, `: buddy-gym ${command} ${exampleGame()} ... (buddy-gym list shows them)`));
}

/** The --option key=value list as given, each value converted by the env's option schema. */
export function optionPairs(g: GameDescriptor, pairs: readonly string[]): Record<string, unknown> {
  const schema = g.env.optionSchema;
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--option expects key=value, got ${JSON.stringify(pair)}; the options of ${g.env.id} are ${Object.keys(schema).join(', ')}`);
    const key = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1);
    if (Object.hasOwn(out, key)) throw new UsageError(`--option ${key} is given twice`);
    out[key] = Object.hasOwn(schema, key) ? valueFromText(schema[key], raw, '--option') : raw.trim();
  }
  return out;
}

/** The options a command was given: `given` as written (preset and --option merged), `options` parsed and typed. */
export interface EnvOptionsArgs<O> {
  readonly given: Readonly<Record<string, unknown>>;
  readonly options: O;
  readonly preset: string | undefined;
  /** The keys --option set (the rest of `given` came from the preset or `base`). */
  readonly flagged: readonly string[];
}

/**
 * `--preset NAME` then `--option key=value` on top (an option the preset also sets is refused
 * as given twice), over `base` (a checkpoint's options, for a resumed run), parsed by the env.
 */
export function envOptionsArgs<O>(g: GameDescriptor<O>, values: FlagValues, base: Readonly<Record<string, unknown>> = {}): EnvOptionsArgs<O> {
  const flagged = optionPairs(g, (values.option as string[] | undefined) ?? []);
  const preset = stringFlag(values, 'preset');
  let fromPreset: Record<string, unknown> = {};
  if (preset !== undefined) {
    try {
      fromPreset = presetOptions(g.env.id, preset);
    } catch (e) {
      throw new UsageError(`--preset: ${(e as Error).message}`);
    }
    const twice = Object.keys(flagged).filter((k) => Object.hasOwn(fromPreset, k));
    if (twice.length) throw new UsageError(`give ${twice.join(', ')} once: --preset ${preset} sets ${twice.map((k) => `${k}=${JSON.stringify(fromPreset[k])}`).join(', ')} and --option sets it again`);
  }
  const given = { ...fromPreset, ...flagged };
  try {
    return { given, options: g.env.parseOptions({ ...base, ...given }), preset, flagged: Object.keys(flagged) };
  } catch (e) {
    if (e instanceof OptionError) throw new UsageError(`${preset !== undefined && Object.hasOwn(fromPreset, e.option) && !Object.hasOwn(flagged, e.option) ? '--preset' : '--option'}: ${e.message}`);
    throw e;
  }
}
