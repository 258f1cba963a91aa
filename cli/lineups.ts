/**
 * Who plays each side of a game in `play` and `eval`, from the command line: `--side
 * SIDE=SPEC` (SPEC: a baseline name, or a mix with counts like exaggerate:4,honest:4), its old
 * spellings `--goals SPEC` / `--users SPEC`, and `--agent SIDE=PATH` (your own module). A side
 * is named by the game's word for it or its plural ("users" for "user").
 */
import { baselineNames, type Baseline } from '../agents/baseline.js';
import { didYouMean } from '../envs/core/suggest.js';
import type { GameDescriptor } from '../training/game/descriptor.js';
import type { AgentModule } from './agent-module.js';
import { stringFlag, type FlagValues } from './args.js';
import { UsageError } from './errors.js';

/** The flags kept from earlier versions, and the side each stands for. */
export const SIDE_ALIAS_FLAGS: Readonly<Record<string, string>> = { goals: 'goal', users: 'user' };

/** `count` agents of a side played by baseline `type`. */
export interface MixEntry {
  readonly type: string;
  readonly count: number;
}

/** One side's players: a mix of baselines, or your module for every agent of the side. */
export type Lineup = { readonly kind: 'mix'; readonly text: string; readonly entries: readonly MixEntry[] } | { readonly kind: 'module'; readonly module: AgentModule };

/** The game's side `word` names (itself, or its plural), or a UsageError naming the sides. */
export function resolveSide(flag: string, word: string, sides: readonly string[], envId: string): string {
  if (sides.includes(word)) return word;
  if (word.endsWith('s') && sides.includes(word.slice(0, -1))) return word.slice(0, -1);
  throw new UsageError(`${flag}: ${envId} has no side "${word}"${didYouMean(word, sides)}; its sides are ${sides.join(', ')}`);
}

/**
 * Parses "honest" (every agent of the side) or "exaggerate:4,honest:4" (counts adding up to
 * `total`) against the side's baselines.
 */
export function parseMix(flag: string, text: string, allowed: Readonly<Record<string, Baseline>>, total: number, side: string): MixEntry[] {
  const parts = text.split(',').map((p) => p.trim());
  const out: MixEntry[] = [];
  for (const part of parts) {
    const m = /^([A-Za-z][\w-]*)(?::(.*))?$/.exec(part);
    if (!m) throw new UsageError(`${flag}: cannot read ${JSON.stringify(part)}; give an agent name (${baselineNames(allowed)}) or a mix like ${Object.keys(allowed)[0]}:${total}`);
    const [, type, countText] = m;
    if (!Object.hasOwn(allowed, type)) throw new UsageError(`${flag}: unknown ${side} agent ${JSON.stringify(type)}${didYouMean(type, Object.keys(allowed))}; the ${side} agents are ${baselineNames(allowed)}`);
    if (out.some((e) => e.type === type)) throw new UsageError(`${flag}: ${JSON.stringify(type)} appears twice in ${JSON.stringify(text)}`);
    let count: number;
    if (countText === undefined) {
      if (parts.length > 1) throw new UsageError(`${flag}: give a count for each agent of a mix, like ${type}:1 (in ${JSON.stringify(text)})`);
      count = total;
    } else {
      count = /^\d+$/.test(countText) ? Number(countText) : NaN;
      if (!Number.isSafeInteger(count) || count < 1) throw new UsageError(`${flag}: the count of ${JSON.stringify(type)} must be a positive integer, got ${JSON.stringify(countText)}`);
    }
    out.push({ type, count });
  }
  const sum = out.reduce((s, e) => s + e.count, 0);
  if (sum !== total) throw new UsageError(`${flag}: the counts in ${JSON.stringify(text)} add up to ${sum}, but the env has ${total} ${side} agents (change the counts, or the env's size with --option)`);
  return out;
}

/** The SIDE=SPEC texts the flags give, by side, each with the flag that gave it (for messages). */
export function sideSpecs(values: FlagValues, g: GameDescriptor, sides: readonly string[]): Map<string, { flag: string; text: string }> {
  const out = new Map<string, { flag: string; text: string }>();
  const put = (side: string, flag: string, text: string) => {
    const had = out.get(side);
    if (had) throw new UsageError(`${had.flag} and ${flag} both choose the ${side} side; give it once`);
    out.set(side, { flag, text });
  };
  for (const [flag, side] of Object.entries(SIDE_ALIAS_FLAGS)) {
    const text = stringFlag(values, flag);
    if (text !== undefined) put(resolveSide(`--${flag}`, side, sides, g.env.id), `--${flag}`, text);
  }
  for (const pair of (values.side as string[] | undefined) ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw new UsageError(`--side expects SIDE=AGENT (e.g. ${sides[0]}=${Object.keys(g.baselines[sides[0]] ?? {})[0] ?? 'random'}), got ${JSON.stringify(pair)}`);
    const side = resolveSide('--side', pair.slice(0, eq).trim(), sides, g.env.id);
    put(side, `--side ${side}`, pair.slice(eq + 1).trim());
  }
  return out;
}

/**
 * Each side's lineup: the module `--agent` gives, else the mix --side (or an alias) gives,
 * else `defaults[side]`. `counts[side]` is the number of agents of the side.
 */
export function lineups(
  values: FlagValues,
  g: GameDescriptor,
  counts: Readonly<Record<string, number>>,
  modules: readonly AgentModule[],
  defaults: Readonly<Record<string, string>>,
): Record<string, Lineup> {
  const sides = Object.keys(counts);
  const specs = sideSpecs(values, g, sides);
  const out: Record<string, Lineup> = {};
  for (const m of modules) {
    const side = resolveSide('--agent', m.side, sides, g.env.id);
    if (out[side]) throw new UsageError(`--agent: give one module for the ${side} side, got two (${m.path} and another)`);
    const spec = specs.get(side);
    if (spec) throw new UsageError(`give ${spec.flag} or --agent ${m.side}=PATH, not both`);
    out[side] = { kind: 'module', module: m };
  }
  for (const side of sides) {
    if (out[side]) continue;
    const spec = specs.get(side) ?? { flag: `--side ${side}`, text: defaults[side] ?? Object.keys(g.baselines[side] ?? {})[0] };
    out[side] = { kind: 'mix', text: spec.text, entries: parseMix(spec.flag, spec.text, g.baselines[side] ?? {}, counts[side], side) };
  }
  return out;
}
