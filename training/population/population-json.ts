/**
 * The checkpoint form of a population: ids, infos, payoffs and meta-strategies of both
 * slots, with the game's side each slot stands for; payloads excluded (a checkpoint stores
 * them as policies named `<side>@<id>`, e.g. `price-setter@3`).
 *
 * Version 1 (before the slots were named by the game's sides) called the row slot `user` and
 * the column slot `goal` whatever the game, and saved snapshots as `user@<id>` / `goal@<id>`;
 * `upgradePopulationJSON` reads it as version 2, given the sides those slots stood for.
 */
import type { MetaSolveOptions } from './meta-game.js';
import type { Slot, SnapshotInfo } from './slots.js';

export const POPULATION_FORMAT_VERSION = 2;

/** One entry of the empirical payoff table: row snapshot `rowId` against column snapshot `colId`. */
export interface PayoffEntry {
  readonly rowId: number;
  readonly colId: number;
  /** Mean payoff of the row side. */
  readonly row: number;
  /** Mean payoff of the column side. */
  readonly col: number;
  /** Number of episodes (samples) behind the means, > 0. */
  readonly n: number;
}

type PerSlot<V> = { readonly [slot in Slot]: V };

/** The checkpoint form of a population (payloads excluded). */
export interface PopulationJSON {
  readonly format: 'buddy-gym/population';
  readonly version: typeof POPULATION_FORMAT_VERSION;
  readonly maxSize: number | null;
  readonly solver: MetaSolveOptions;
  /** The game's side each slot stands for, e.g. { row: 'price-setter', col: 'consumer' }. */
  readonly sides: PerSlot<string>;
  readonly nextId: PerSlot<number>;
  readonly members: PerSlot<readonly { readonly id: number; readonly info: SnapshotInfo }[]>;
  readonly payoffs: readonly PayoffEntry[];
  /** The last solved meta-strategy, as [id, probability] pairs; null if never solved. */
  readonly meta: (PerSlot<readonly (readonly [number, number])[]> & {
    /** Whether it was solved on the current members and payoffs (else it is re-solved when the table is complete). */
    readonly fresh: boolean;
  }) | null;
}

/** The name a snapshot's policy has in a checkpoint: `<side>@<id>`. */
export function snapshotName(side: string, id: number): string {
  return `${side}@${id}`;
}

/** What version 1 called the slots. */
const V1_SLOT: PerSlot<'user' | 'goal'> = { row: 'user', col: 'goal' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A population JSON of either version as version 2, with the side names its snapshots were
 * saved under (`savedAs`: the sides, or `user`/`goal` for version 1). `sides` (row, column)
 * are required for version 1, which does not record them, and must match version 2's own.
 * Only the envelope is checked here; `Population.fromJSON` checks the rest.
 */
export function upgradePopulationJSON(json: unknown, sides: PerSlot<string> | undefined, bad: (why: string) => never): { json: PopulationJSON; savedAs: PerSlot<string> } {
  if (!isObject(json)) return bad('expected an object');
  if (json.format !== 'buddy-gym/population') bad(`not a buddy-gym population (format ${JSON.stringify(json.format)})`);
  if (json.version === 1) {
    if (!sides) bad('a version 1 population (slots "user" and "goal") needs the sides its slots stand for');
    return { json: fromV1(json, sides!, bad), savedAs: V1_SLOT };
  }
  if (json.version !== POPULATION_FORMAT_VERSION) bad(`unsupported version ${JSON.stringify(json.version)} (this build reads versions 1 and ${POPULATION_FORMAT_VERSION})`);
  const own = json.sides;
  if (!isObject(own) || typeof own.row !== 'string' || typeof own.col !== 'string') bad('sides must name the row and the column side');
  const saved = own as PerSlot<string>;
  if (sides && (saved.row !== sides.row || saved.col !== sides.col)) {
    bad(`it is a population of ${saved.row} (rows) and ${saved.col} (columns), this game's are ${sides.row} and ${sides.col}`);
  }
  return { json: json as unknown as PopulationJSON, savedAs: saved };
}

/** Version 1's user/goal slots as row/column; its payoff entries' `user`/`goal` ids as `rowId`/`colId`. */
function fromV1(j: Record<string, unknown>, sides: PerSlot<string>, bad: (why: string) => never): PopulationJSON {
  const slots = <V>(v: unknown, what: string): PerSlot<V> => {
    if (!isObject(v)) bad(`${what} must hold both slots`);
    const o = v as Record<string, V>;
    return { row: o[V1_SLOT.row], col: o[V1_SLOT.col] };
  };
  if (!Array.isArray(j.payoffs)) bad('payoffs must be an array');
  const payoffs = (j.payoffs as unknown[]).map((e) => {
    if (!isObject(e)) return bad('payoff entries must be objects');
    return { rowId: e.user, colId: e.goal, row: e.row, col: e.col, n: e.n } as PayoffEntry;
  });
  const meta = j.meta === null || j.meta === undefined ? null : { ...slots<readonly (readonly [number, number])[]>(j.meta, 'meta'), fresh: (j.meta as Record<string, unknown>).fresh === true };
  return {
    format: 'buddy-gym/population',
    version: POPULATION_FORMAT_VERSION,
    maxSize: j.maxSize as number | null,
    solver: j.solver as MetaSolveOptions,
    sides,
    nextId: slots(j.nextId, 'nextId'),
    members: slots(j.members, 'members'),
    payoffs,
    meta,
  };
}

/**
 * How many snapshots a checkpoint's population holds, per side, and its solver (for `info`);
 * null if it is not one. Version 1 shows its slots as `user` and `goal` unless `sides` says
 * which sides they stood for.
 */
export function describePopulation(json: unknown, sides?: PerSlot<string>): { sides: { side: string; members: number }[]; solver: unknown } | null {
  const v1 = isObject(json) && json.version === 1;
  try {
    const { json: j } = upgradePopulationJSON(json, sides ?? (v1 ? V1_SLOT : undefined), (why) => {
      throw new Error(why);
    });
    const count = (slot: Slot) => (Array.isArray(j.members?.[slot]) ? j.members[slot].length : 0);
    return { sides: (['row', 'col'] as const).map((slot) => ({ side: j.sides[slot], members: count(slot) })), solver: j.solver ?? null };
  } catch {
    return null;
  }
}
