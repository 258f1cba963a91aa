/**
 * The layers import one way (docs/architecture.md): envs → agents → checkpoints → training →
 * games → cli, each importing only from itself and the layers before it; checkpoints/ imports
 * nothing else; training/device/ does not import training/self-play/; the CLI's commands share
 * helpers through common modules, never through each other; and no game's id is written
 * outside its own folder.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../cli/program.js';
import { registeredGames } from '../training/game/registry.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const LAYERS = ['envs', 'agents', 'checkpoints', 'training', 'games', 'cli'] as const;

const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : f.endsWith('.ts') ? [join(d, f)] : []));

/** Every relative import of every .ts file of the layers: [importing file, imported path], both relative to the root. */
const imports: [string, string][] = LAYERS.flatMap((top) =>
  walk(join(root, top)).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/(?:\bfrom|\bimport)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m): [string, string] => [relative(root, file), relative(root, resolve(dirname(file), m[1]))]),
  ),
);

const layerOf = (path: string) => path.split('/')[0] as (typeof LAYERS)[number];

describe('the layers import one way', () => {
  it('reads the imports (the check has something to check)', () => {
    expect(imports.length).toBeGreaterThan(500);
    expect(imports.some(([from, to]) => from.startsWith('cli/') && to.startsWith('games/'))).toBe(true);
  });

  it('no module imports a layer above its own', () => {
    const upward = imports.filter(([from, to]) => LAYERS.includes(layerOf(to)) && LAYERS.indexOf(layerOf(to)) > LAYERS.indexOf(layerOf(from)));
    expect(upward.map(([from, to]) => `${from} -> ${to}`)).toEqual([]);
  });

  it('checkpoints/ imports nothing but itself', () => {
    const out = imports.filter(([from, to]) => from.startsWith('checkpoints/') && LAYERS.includes(layerOf(to)) && !to.startsWith('checkpoints/'));
    expect(out).toEqual([]);
  });

  it('device rollouts do not import the host self-play (one interface, training/rollouts/, between them)', () => {
    expect(imports.filter(([from, to]) => from.startsWith('training/device/') && to.startsWith('training/self-play/'))).toEqual([]);
  });

  it("the CLI's commands do not import each other (program.ts dispatches; serve-main.ts is serve's own entry)", () => {
    const commandFiles = new Set(COMMANDS.map((c) => `cli/${c.spec.name}.ts`));
    const crossing = imports.filter(([from, to]) => commandFiles.has(to.replace(/\.js$/, '.ts')) && !['cli/program.ts', 'cli/serve-main.ts'].includes(from) && from !== to.replace(/\.js$/, '.ts'));
    expect(crossing.map(([from, to]) => `${from} -> ${to}`)).toEqual([]);
  });

  it("no game's id is written outside its own folder (envs, agents, checkpoints, training, cli)", () => {
    const ids = registeredGames().map((g) => g.env.id);
    expect(ids.length).toBeGreaterThanOrEqual(5);
    const naming = LAYERS.filter((l) => l !== 'games').flatMap((top) =>
      walk(join(root, top)).flatMap((file) => ids.filter((id) => readFileSync(file, 'utf8').includes(id)).map((id) => `${relative(root, file)}: ${id}`)),
    );
    expect(naming).toEqual([]);
  });
});
