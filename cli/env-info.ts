/** What `list` and the README say about a registered env, read from the registry. */
import { describeOptions, make, spec } from '../envs/registry.js';
import { roleOf } from '../training/play.js';

export interface EnvInfo {
  id: string;
  description: string;
  /** Agents of the default env by role, in order: [["goal", 8], ["user", 4]]. */
  roles: [string, number][];
  /** Phase names of a round, in order. */
  phases: string[];
}

export function envInfo(id: string): EnvInfo {
  const s = spec(id);
  const env = make(id);
  try {
    const roles: [string, number][] = [];
    for (const a of env.possibleAgents) {
      const r = roleOf(a);
      const last = roles[roles.length - 1];
      if (last && last[0] === r) last[1]++;
      else roles.push([r, 1]);
    }
    return { id, description: s.description, roles, phases: [...env.metadata.phases] };
  } finally {
    env.close();
  }
}

/** "8 goal, 4 user". */
export const rolesText = (info: EnvInfo) => info.roles.map(([r, n]) => `${n} ${r}`).join(', ');

/** A default as shown in tables: JSON, shortened when it is a whole document (a JSON option's file). */
export function showDefault(value: unknown): string {
  const s = JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 40)}…(${s.length} characters)` : s;
}

/** The options table of `id`: name, allowed, default, doc. */
export function optionRows(id: string): string[][] {
  return describeOptions(id).map((o) => [o.name, o.allowed, showDefault(o.default), o.doc]);
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The README's env table: id, agents, phases, description (markdown). */
export function envTableMarkdown(infos: readonly EnvInfo[]): string[] {
  return [
    '| id | agents | phases | description |',
    '|---|---|---|---|',
    ...infos.map((i) => `| \`${i.id}\` | ${rolesText(i)} | ${i.phases.join(' → ')} | ${cell(i.description)} |`),
  ];
}

/** The README's options table of `id` (markdown). */
export function optionsTableMarkdown(id: string): string[] {
  return [
    '| option | allowed | default | meaning |',
    '|---|---|---|---|',
    ...describeOptions(id).map((o) => `| \`${o.name}\` | ${cell(o.allowed)} | \`${cell(showDefault(o.default))}\` | ${cell(o.doc)} |`),
  ];
}
