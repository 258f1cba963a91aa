/**
 * A user's own agent, loaded from a module file for `--agent users=PATH` / `--agent
 * goals=PATH` (eval and play). The module's default export, or else its named export
 * `agent`, is one of:
 * - an Agent object (`{ name?, act(observation, ctx), actBatch?, reset? }`): one instance
 *   serves every agent of the role;
 * - a class of them, made with no arguments: one instance per agent (state per agent);
 * - a plain function `(observation, ctx) => action` (wrapped with asAgent).
 * `.js` / `.mjs` / `.cjs` files are imported as they are; `.ts` / `.mts` / `.cts` files
 * through tsx (https://tsx.is), loaded at run time.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { asAgent, type Agent, type AgentFn } from '../agents/agent.js';
import { AgentActor, type RoleActor } from '../training/self-play/actors.js';
import { AgentActorFromAct } from '../training/self-play/act-adapter.js';
import { UsageError } from './errors.js';

export interface AgentModule {
  /** The side as the flag names it (a side of the game, or its plural: "users"); the command resolves it against the game. */
  readonly side: string;
  /** As given on the command line. */
  readonly path: string;
  /** The agent's `name`, else the file's base name. */
  readonly name: string;
  /** Which export: "default" or "agent". */
  readonly exportName: string;
  /** What the export is: an agent object, a class, or a function. */
  readonly kind: 'object' | 'class' | 'function';
  /** Whether `make()` gives a new agent each call (a class), so that every agent has its own state. */
  readonly perAgent: boolean;
  /** Whether the agent has the batched form (actBatch). */
  readonly batched: boolean;
  make(): Agent;
}

const JS = new Set(['.js', '.mjs', '.cjs']);
const TS = new Set(['.ts', '.mts', '.cts']);

/** Parses one `--agent SIDE=PATH` value (the side is checked against the game by the command). */
export function parseAgentFlag(text: string): { side: string; path: string } {
  const eq = text.indexOf('=');
  const side = eq > 0 ? text.slice(0, eq).trim() : '';
  const path = eq > 0 ? text.slice(eq + 1).trim() : '';
  if (eq <= 0 || side === '' || path === '') throw new UsageError(`--agent expects SIDE=PATH, e.g. user=./my-agent.ts (a module exporting an Agent), got ${JSON.stringify(text)}`);
  return { side, path };
}

/**
 * Whether the source text may export an agent: `export default`, `export … agent`,
 * `export { … as default }`, `export { agent }`, or `export *` (which could). Read before the
 * module is imported, so that a module that cannot serve is refused without running any of it.
 */
export function mayExportAgent(source: string): boolean {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return (
    /\bexport\s+default\b/.test(code) ||
    /\bexport\s+(?:declare\s+)?(?:const|let|var|class|(?:async\s+)?function\*?)\s+agent\b/.test(code) ||
    /\bexport\s*(?:type\s*)?\{[^}]*\b(?:default|agent)\b[^}]*\}/.test(code) ||
    /\bexport\s*\*/.test(code)
  );
}

/** Imports a module that a bundler must not try to resolve (tsx may be absent). */
const importDynamic = (specifier: string): Promise<Record<string, unknown>> => import(specifier);

/** Errors of a plain `import()` of a .ts file that mean "this runtime does not run TypeScript (all of it)". */
const NO_TS = new Set(['ERR_UNKNOWN_FILE_EXTENSION', 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX', 'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING']);

async function importModule(file: string, given: string): Promise<Record<string, unknown>> {
  const ext = extname(file).toLowerCase();
  const url = pathToFileURL(file).href;
  if (!JS.has(ext) && !TS.has(ext)) throw new UsageError(`--agent ${given}: cannot load a "${ext || '(no extension)'}" file; give a .js, .mjs, .ts or .mts module`);
  if (ext !== '.cjs' && !mayExportAgent(readFileSync(file, 'utf8'))) {
    throw new UsageError(
      `--agent ${given}: the module has neither a default export nor an export named "agent" (read before running it, so none of it ran); export an Agent, a class of them or a function, e.g. \`export default class MyUser { act(observation, ctx) { ... } }\``,
    );
  }
  if (JS.has(ext)) return importDynamic(url);
  // Where the runtime runs TypeScript itself (vitest, tsx's loader, bun), a plain import does it.
  try {
    return await importDynamic(url);
  } catch (e) {
    if (!NO_TS.has((e as { code?: string }).code ?? '')) throw e;
  }
  let tsx: { tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>> };
  try {
    tsx = (await importDynamic('tsx/esm/api')) as unknown as typeof tsx;
  } catch (e) {
    throw new UsageError(
      `--agent ${given}: loading a TypeScript agent needs the tsx package, which could not be loaded (${firstLine(e)}); install it (npm install tsx) or compile the agent to .js`,
    );
  }
  return tsx.tsImport(url, import.meta.url);
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return msg.split('\n').find((l) => l.trim() !== '')?.trim() ?? msg;
}

const isClass = (f: Function): boolean => /^class[\s{]/.test(Function.prototype.toString.call(f)) || typeof (f.prototype as { act?: unknown } | undefined)?.act === 'function';

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object without an act(observation, ctx) method';
  return `a ${typeof v}`;
}

/**
 * Loads `--agent ROLE=PATH`'s module (PATH relative to `cwd`) and checks its export; every
 * refusal is a UsageError naming the file and what is wrong.
 */
export async function loadAgentModule(side: string, path: string, cwd = process.cwd()): Promise<AgentModule> {
  const given = `${side}=${path}`;
  const file = resolve(cwd, path);
  if (!existsSync(file)) throw new UsageError(`--agent ${given}: no such file ${file}`);
  if (!statSync(file).isFile()) throw new UsageError(`--agent ${given}: ${file} is not a file`);
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(file, given);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--agent ${given}: the module failed to load: ${firstLine(e)}`);
  }
  const exportName = mod.default !== undefined ? 'default' : mod.agent !== undefined ? 'agent' : null;
  if (exportName === null) {
    const names = Object.keys(mod).filter((k) => k !== 'default' && k !== '__esModule');
    throw new UsageError(
      `--agent ${given}: the module has neither a default export nor an export named "agent" (it exports ${names.length ? names.join(', ') : 'nothing'}); export an Agent, a class of them or a function`,
    );
  }
  const value = mod[exportName];
  const fileName = basename(file, extname(file));
  const what = `the ${exportName === 'default' ? 'default export' : 'export "agent"'} of ${path}`;
  const nameOf = (a: Agent): string => (typeof a.name === 'string' && a.name !== '' && a.name !== 'default' ? a.name : fileName);

  let kind: AgentModule['kind'];
  let make: () => Agent;
  if (typeof value === 'function' && isClass(value)) {
    kind = 'class';
    const Ctor = value as new () => Agent;
    make = () => {
      let a: unknown;
      try {
        a = new Ctor();
      } catch (e) {
        throw new UsageError(`--agent ${given}: ${what} is a class, but \`new ${Ctor.name || 'it'}()\` with no arguments threw: ${firstLine(e)}`);
      }
      if (typeof (a as Agent | null)?.act !== 'function') throw new UsageError(`--agent ${given}: ${what} is a class whose instances have no act(observation, ctx) method`);
      return a as Agent;
    };
  } else if (typeof value === 'function') {
    kind = 'function';
    const agent = asAgent(value as AgentFn, fileName);
    make = () => agent;
  } else if (typeof value === 'object' && value !== null && typeof (value as Agent).act === 'function') {
    kind = 'object';
    const agent = value as Agent;
    make = () => agent;
  } else {
    throw new UsageError(`--agent ${given}: ${what} is ${describe(value)}; export an Agent ({ act(observation, ctx) }), a class of them or a function (observation, ctx) => action`);
  }
  const probe = make();
  return {
    side,
    path,
    name: nameOf(probe),
    exportName,
    kind,
    perAgent: kind === 'class',
    batched: typeof probe.actBatch === 'function',
    make,
  };
}

/** Loads every `--agent` value, in order. */
export async function loadAgentModules(values: readonly string[], cwd = process.cwd()): Promise<AgentModule[]> {
  const out: AgentModule[] = [];
  for (const v of values) {
    const { side, path } = parseAgentFlag(v);
    out.push(await loadAgentModule(side, path, cwd));
  }
  return out;
}

/**
 * The custom agent as a vector-env actor: through its `actBatch` when it has one (one agent
 * for all copies), else through `act` per agent per copy (AgentActorFromAct; a class gets one
 * instance per slot). Call once per matchup: the agents start fresh.
 */
export function moduleActor(m: AgentModule, label: string, rounds: number): RoleActor {
  if (m.batched) {
    const agent = m.make();
    const actor = new AgentActor(agent);
    return { name: label, act: (vec, role, rng) => actor.act(vec, role, rng) };
  }
  const shared = m.perAgent ? null : m.make();
  return new AgentActorFromAct(label, () => shared ?? m.make(), rounds);
}
