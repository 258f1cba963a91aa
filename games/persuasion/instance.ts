/**
 * A finite persuasion game (GAMES.md §2) as plain JSON: states y with a prior μ, the users'
 * actions A, the message set Mₛ every provider signals with, k providers with utilities
 * U_i(a, y) and user types θ with weights ρ(θ) and utilities u_θ(a, y), all in [0, 1].
 * Utilities are tables indexed [action][state].
 *
 * The JSON format (games/persuasion/examples/custom-instance.json is a complete example):
 *
 *   {
 *     "name": "my-game",                         non-empty
 *     "description": "one line",                 optional
 *     "states":   ["y0", "y1"],                  2..16 distinct names
 *     "prior":    [0.7, 0.3],                    μ(y), one per state, ≥ 0, sums to 1
 *     "actions":  ["a0", "a1"],                  2..16 distinct names
 *     "messages": ["m0", "m1"],                  2..8 distinct names
 *     "providers": [                             1..6
 *       { "name": "bob", "utility": [[0.25, 0], [0.75, 1]] }              U[a][y] ∈ [0, 1]
 *     ],
 *     "userTypes": [                             1..8, weights > 0 summing to 1
 *       { "name": "user", "weight": 1, "utility": [[0.625, 0.375], [0.375, 0.625]] }
 *     ]
 *   }
 *
 * Pass it as the `instance` option of emergent-alignment-v0 (one user type) or
 * pluralistic-market-v0 (any number); on the CLI, `--option instance=@file.json`.
 */
export interface PersuasionInstance {
  readonly name: string;
  readonly description: string;
  readonly states: readonly string[];
  /** μ(y), one per state, summing to 1. */
  readonly prior: readonly number[];
  readonly actions: readonly string[];
  readonly messages: readonly string[];
  readonly providers: readonly { readonly name: string; readonly utility: readonly (readonly number[])[] }[];
  readonly userTypes: readonly { readonly name: string; readonly weight: number; readonly utility: readonly (readonly number[])[] }[];
}

/** Largest sizes accepted: the exact tools enumerate message profiles, so instances stay small. */
export const INSTANCE_LIMITS = { states: 16, actions: 16, messages: 8, providers: 6, userTypes: 8 } as const;

const SUM_TOLERANCE = 1e-9;

/** Why `value` is not a valid PersuasionInstance, or null when it is. Every problem names the field. */
export function explainInstance(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'an instance must be a JSON object';
  const v = value as Record<string, unknown>;
  const known = ['name', 'description', 'states', 'prior', 'actions', 'messages', 'providers', 'userTypes'];
  for (const k of Object.keys(v)) if (!known.includes(k)) return `unknown field "${k}"; the fields are ${known.join(', ')}`;
  if (typeof v.name !== 'string' || v.name === '') return '"name" must be a non-empty string';
  if (v.description !== undefined && typeof v.description !== 'string') return '"description" must be a string';
  const names = (field: 'states' | 'actions' | 'messages', min: number): string | null => {
    const a = v[field];
    const max = INSTANCE_LIMITS[field];
    if (!Array.isArray(a) || a.length < min || a.length > max) return `"${field}" must be an array of ${min} to ${max} names`;
    if (a.some((x) => typeof x !== 'string' || x === '')) return `"${field}" must hold non-empty strings`;
    if (new Set(a).size !== a.length) return `"${field}" has a repeated name`;
    return null;
  };
  const bad = names('states', 2) ?? names('actions', 2) ?? names('messages', 2);
  if (bad) return bad;
  const Y = (v.states as string[]).length;
  const A = (v.actions as string[]).length;
  if (!Array.isArray(v.prior) || v.prior.length !== Y) return `"prior" must have one probability per state (${Y})`;
  if (v.prior.some((p) => typeof p !== 'number' || !Number.isFinite(p) || p < 0)) return '"prior" must hold non-negative finite numbers';
  if (Math.abs(v.prior.reduce((s: number, p: number) => s + p, 0) - 1) > SUM_TOLERANCE) return '"prior" must sum to 1';
  const table = (where: string, t: unknown): string | null => {
    if (!Array.isArray(t) || t.length !== A) return `${where}.utility must have one row per action (${A})`;
    for (let a = 0; a < A; a++) {
      const row = t[a];
      if (!Array.isArray(row) || row.length !== Y) return `${where}.utility[${a}] must have one entry per state (${Y})`;
      if (row.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > 1)) return `${where}.utility[${a}] must hold numbers in [0, 1]`;
    }
    return null;
  };
  const group = (field: 'providers' | 'userTypes', weighted: boolean): string | null => {
    const g = v[field];
    const max = INSTANCE_LIMITS[field];
    if (!Array.isArray(g) || g.length < 1 || g.length > max) return `"${field}" must be an array of 1 to ${max} entries`;
    for (let i = 0; i < g.length; i++) {
      const e = g[i] as Record<string, unknown>;
      const where = `${field}[${i}]`;
      if (typeof e !== 'object' || e === null || Array.isArray(e)) return `${where} must be an object`;
      const allowed = weighted ? ['name', 'weight', 'utility'] : ['name', 'utility'];
      for (const k of Object.keys(e)) if (!allowed.includes(k)) return `${where} has an unknown field "${k}"; the fields are ${allowed.join(', ')}`;
      if (typeof e.name !== 'string' || e.name === '') return `${where}.name must be a non-empty string`;
      if (weighted && (typeof e.weight !== 'number' || !Number.isFinite(e.weight) || e.weight <= 0)) return `${where}.weight must be a positive number`;
      const t = table(where, e.utility);
      if (t) return t;
    }
    if (new Set(g.map((e: { name: string }) => e.name)).size !== g.length) return `"${field}" has a repeated name`;
    if (weighted && Math.abs(g.reduce((s: number, e: { weight: number }) => s + e.weight, 0) - 1) > SUM_TOLERANCE) return `the weights of "${field}" must sum to 1`;
    return null;
  };
  return group('providers', false) ?? group('userTypes', true);
}

/** The instance, validated and frozen, or a RangeError naming what is wrong. */
export function parseInstance(value: unknown, source = 'instance'): PersuasionInstance {
  const why = explainInstance(value);
  if (why !== null) throw new RangeError(`${source}: ${why}`);
  const v = value as PersuasionInstance;
  return deepFreeze({
    name: v.name,
    description: v.description ?? '',
    states: [...v.states],
    prior: [...v.prior],
    actions: [...v.actions],
    messages: [...v.messages],
    providers: v.providers.map((p) => ({ name: p.name, utility: p.utility.map((r) => [...r]) })),
    userTypes: v.userTypes.map((t) => ({ name: t.name, weight: t.weight, utility: t.utility.map((r) => [...r]) })),
  });
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const x of Object.values(o)) deepFreeze(x);
    Object.freeze(o);
  }
  return o;
}
