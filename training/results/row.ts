import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * One row of RESULTS.md: a game's known result that self-play must reach, the recipe that
 * reaches it (a JSON file of recipes/), and the code that trains it for several seeds,
 * evaluates it in pairs on shared worlds and judges it against the row's bar.
 */
export interface ResultRow {
  /** The row's number in the table. */
  readonly id: number;
  readonly game: string;
  /** What is learned, in words. */
  readonly title: string;
  /** The bar, in words, with which direction is better. */
  readonly bar: string;
  /** Its recipe, a file name in recipes/. */
  readonly recipe: string;
  run(ctx: RowContext): Promise<RowOutcome> | RowOutcome;
}

export interface RowContext {
  readonly seeds: readonly number[];
  /**
   * The quick version (npm test): fewer iterations and worlds, and the recipe's `fast.bar`,
   * looser than the row's but one that an untrained policy fails.
   */
  readonly fast: boolean;
  /** Skip training (the policies stay as initialised): the tests' check that an untrained policy fails the bar. */
  readonly untrained?: boolean;
  log(line: string): void;
}

export interface RowOutcome {
  /** Whether every seed reached the bar (the fast bar when fast). */
  readonly reached: boolean;
  /** The measured figure(s) for the table, e.g. "Δ −0.027 ± 0.004 (3/3 seeds)". */
  readonly measured: string;
  /** Markdown lines of the row's section: per seed, every comparison with its CI. */
  readonly details: readonly string[];
  readonly figures: readonly { file: string; caption: string; svg: string }[];
  /** Shell commands that reproduce the training of one seed. */
  readonly commands: readonly string[];
  readonly seconds: number;
}

/** A recipe: the env, the train settings (steps included), the seeds, and the evaluation's size. */
export interface Recipe {
  row: number;
  name: string;
  env: string;
  envOptions: Record<string, unknown>;
  train: Record<string, unknown>;
  seeds: number[];
  bar: string;
  evaluation: { worlds: number };
  /** The quick version for npm test: settings over `train`, worlds, and its looser bar in words. */
  fast: { train: Record<string, unknown>; worlds: number; bar: string };
  /** Anything else a row needs (λ values, providers…). */
  [key: string]: unknown;
}

/** The recipes folder of the package (top level, beside package.json). */
export function recipesDir(): string {
  // training/results/row.ts (source) or dist/<chunk>.js (built): walk up to package.json
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      readFileSync(join(dir, 'package.json'));
      return join(dir, 'recipes');
    } catch {
      dir = dirname(dir);
    }
  }
  throw new Error('results: cannot find the package folder (recipes/ beside package.json)');
}

/** Reads recipes/<file>, checking the fields every row uses. */
export function readRecipe(file: string): Recipe {
  const path = join(recipesDir(), file);
  const r = JSON.parse(readFileSync(path, 'utf8')) as Recipe;
  for (const key of ['row', 'name', 'env', 'envOptions', 'train', 'seeds', 'bar', 'evaluation', 'fast'] as const) {
    if (r[key] === undefined) throw new Error(`recipe ${path} has no "${key}"`);
  }
  return r;
}

/** The train settings of a recipe for one seed (the fast ones over them when fast). */
export function recipeSettings(r: Recipe, seed: number, fast: boolean): Record<string, unknown> {
  return { ...r.train, ...(fast ? r.fast.train : {}), seed };
}

/** `npx buddy-gym train <env> --config recipes/<file> --set seed=S` with the env options as flags. */
export function trainCommand(r: Recipe, file: string, seed: number): string {
  const options = Object.entries(r.envOptions).map(([k, v]) => ` --option ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join('');
  return `npx buddy-gym train ${r.env}${options} --config recipes/${file} --set seed=${seed}`;
}
