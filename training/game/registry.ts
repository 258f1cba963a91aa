import type { BaselineCatalogue } from '../../agents/baseline.js';
import { RANDOM_BASELINE } from '../../agents/random.js';
import { register as registerEnv, registeredIds, spec } from '../../envs/core/registry.js';
import type { ResultRow } from '../results/row.js';
import type { GameDescriptor, GameTraining } from './descriptor.js';
import { kernelRoles } from './roles.js';

const games = new Map<string, GameDescriptor>();
const bare = new Map<string, GameDescriptor>();
const loaded = new Map<string, GameTraining>();

/** Registers a game: its env (for make / makeVec) and, loaded by `loadGames`, its training part. */
export function registerGame(game: GameDescriptor): void {
  const id = game.env.id;
  if (games.has(id)) throw new RangeError(`game "${id}" is already registered`);
  if (!registeredIds().includes(id)) registerEnv(game.env);
  games.set(id, game);
}

/**
 * The game `id`. An env registered without a descriptor (`register(spec)`) gets a bare one:
 * random agents as its only baselines. An unknown id is the env registry's error, which names
 * the ids there are.
 */
export function game(id: string): GameDescriptor {
  const g = games.get(id) ?? bare.get(id);
  if (g) return g;
  const env = spec(id);
  const roles = kernelRoles(env);
  const baselines: BaselineCatalogue = Object.fromEntries(roles(env.parseOptions({})).map((r) => [r.name, { random: RANDOM_BASELINE }]));
  const made: GameDescriptor = { env, roles, baselines, reference: Object.fromEntries(Object.keys(baselines).map((side) => [side, 'random'])) };
  bare.set(id, made);
  return made;
}

/** Every registered game, in registration order. */
export function registeredGames(): readonly GameDescriptor[] {
  return [...games.values()];
}

/** Loads the training part of every registered game (TensorFlow.js included); idempotent. */
export async function loadGames(): Promise<void> {
  for (const [id, g] of games) if (g.training && !loaded.has(id)) loaded.set(id, await g.training());
}

/**
 * The training part of game `id`: undefined for a game without one (it trains with the
 * generic profile); an error when the game has one that `loadGames()` has not loaded.
 */
export function gameTraining(id: string): GameTraining | undefined {
  const g = game(id);
  if (!g.training) return undefined;
  const t = loaded.get(id);
  if (!t) throw new Error(`the training part of ${id} is not loaded: await loadGames() first (the package and the CLI's training commands do)`);
  return t;
}

/** Every results row of the registered games, in table order (after `loadGames`). */
export function resultRows(): readonly ResultRow[] {
  return registeredGames()
    .flatMap((g) => gameTraining(g.env.id)?.results ?? [])
    .sort((a, b) => a.id - b.id);
}
