/** Help text about the registered games, for the commands' --help (light: descriptors only). */
import type { GameDescriptor } from '../training/game/descriptor.js';
import { registeredGames } from '../training/game/registry.js';

/** Each side's baselines with their one-line docs (* a cheating reference; (default) who plays an unnamed side). */
export function baselineLines(g: GameDescriptor): string[] {
  const defaults = { ...g.reference, ...g.playDefaults };
  return Object.entries(g.baselines).flatMap(([side, bs]) => [
    `  ${g.env.id}, ${side}:`,
    ...Object.entries(bs).map(([n, b]) => `    ${`${n}${b.cheats ? '*' : ''}`.padEnd(20)} ${b.doc}${defaults[side] === n ? ' (default)' : ''}`),
  ]);
}

/** The first registered game's id, for examples. */
export function exampleGame(): string {
  return registeredGames()[0]?.env.id ?? '<id>';
}
