import type { ParallelEnv } from './env.js';
import type { GameKernel } from './kernel.js';
import { OptionError } from './errors.js';
import { describeKind, describeSchema, isPlainObject, type OptionSchema } from './options.js';
import { didYouMean } from './suggest.js';
import { VecEnv, type AutoresetMode } from './vector-env.js';

/** How an env id is built: a validated options schema and a kernel factory. */
export interface EnvSpec<Options = unknown> {
  readonly id: string;
  readonly description: string;
  readonly optionSchema: OptionSchema;
  /** Validates options (throwing an OptionError that names the option) and fills defaults. */
  parseOptions(input: unknown): Options;
  createKernel(options: Options, batch: number): GameKernel;
  /** The single env for these options (a KernelEnv, or a richer subclass). */
  createEnv(options: Options): ParallelEnv;
  /**
   * Named option sets worth running as they are (a game's published instances, say): `check
   * --all` checks each one, and the CLI's `--preset NAME` starts from one.
   */
  readonly presets?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * The keys `reset({ options })` accepts (any other is an OptionError). Declared for clients
   * that must tell the env's reset options from others' (the env server's handshake).
   */
  readonly resetOptions?: readonly string[];
  /**
   * False for a game without chance (no hidden draw, no random start): its trajectories do not
   * depend on the seed, so the conformance checker does not ask that different seeds differ.
   */
  readonly seedSensitive?: boolean;
}

const specs = new Map<string, EnvSpec<any>>();

export function register<O>(spec: EnvSpec<O>): void {
  if (!/^[a-z0-9-]+-v\d+$/.test(spec.id)) throw new RangeError(`env id "${spec.id}" must look like "name-v0"`);
  if (specs.has(spec.id)) throw new RangeError(`env id "${spec.id}" is already registered`);
  specs.set(spec.id, spec);
}

export function spec(id: string): EnvSpec<unknown> {
  const s = specs.get(id);
  if (!s) {
    const known = [...specs.keys()].sort();
    throw new RangeError(`unknown env id "${id}"${didYouMean(id, known)}; registered ids: ${known.length ? known.join(', ') : '(none)'}`);
  }
  return s;
}

export function registeredIds(): string[] {
  return [...specs.keys()].sort();
}

/** The single env `id` with `options` (validated; defaults filled in). */
export function make<E extends ParallelEnv = ParallelEnv>(id: string, options?: unknown): E {
  const s = spec(id);
  return s.createEnv(s.parseOptions(options)) as E;
}

export interface MakeVecArgs {
  numEnvs: number;
  options?: unknown;
  autoreset?: AutoresetMode;
}

/** `numEnvs` copies of `id` over flat typed arrays. */
export function makeVec(id: string, args: MakeVecArgs): VecEnv {
  const s = spec(id);
  if (!isPlainObject(args)) throw new OptionError(`makeVec(${id})`, '(arguments)', args, `makeVec takes { numEnvs, options?, autoreset? }, got ${describeKind(args)}`);
  for (const k of Object.keys(args)) if (!['numEnvs', 'options', 'autoreset'].includes(k)) throw new OptionError(`makeVec(${id})`, k, (args as unknown as Record<string, unknown>)[k], 'unknown key; makeVec takes { numEnvs, options?, autoreset? }');
  if (!Number.isInteger(args.numEnvs) || args.numEnvs < 1 || args.numEnvs > 1 << 20) {
    throw new RangeError(`makeVec(${id}): numEnvs must be an integer in [1, 1048576], got ${args.numEnvs}`);
  }
  return new VecEnv(s.createKernel(s.parseOptions(args.options), args.numEnvs), args.autoreset ?? 'next-step');
}

/** The options of preset `name` of env `id`, or a RangeError naming the presets there are. */
export function presetOptions(id: string, name: string): Record<string, unknown> {
  const presets = spec(id).presets ?? {};
  if (!Object.hasOwn(presets, name)) {
    const names = Object.keys(presets);
    throw new RangeError(`${id} has no preset "${name}"; ${names.length ? `its presets are ${names.join(', ')}` : 'it has no presets'}`);
  }
  return { ...presets[name] };
}

export function presetNames(id: string): string[] {
  return Object.keys(spec(id).presets ?? {});
}

export function describeOptions(id: string) {
  return describeSchema(spec(id).optionSchema);
}
