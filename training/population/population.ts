/**
 * A population of snapshots of a two-sided game (PSRO / fictitious self-play). One side is
 * the meta-game's row player, the other its column player (`sides`, named by the game: e.g.
 * { row: 'price-setter', col: 'consumer' }); every method names a side by the game's word.
 * It keeps
 * - the snapshots of each side (a generic payload `T`, e.g. serialised weights, plus a
 *   small JSON `info`), at most `maxSize` per side: adding one more evicts the oldest
 *   snapshot except the first (the first anchors the population against forgetting);
 * - the empirical payoff table between row and column snapshots, grown one entry at a time
 *   as the caller evaluates pairs (`setPayoff`, `accumulatePayoff`, `missingPayoffs`);
 * - the meta-strategy over each side's snapshots, from `metaSolve`, from which
 *   `sampleOpponent` draws.
 *
 * Snapshots are named by ids, per side, counting from 0 in the order they were added; ids
 * are never reused, so they stay valid across evictions (before any eviction, id = index).
 *
 * The meta-strategy is solved lazily: `metaStrategy` / `sampleOpponent` re-solve when the
 * members or payoffs changed since the last solve and the table is complete. While entries
 * are missing (a new snapshot not yet evaluated), the last solution is used, with weight 0
 * on snapshots it did not know and renormalised over the remaining ones; uniform when there
 * is none. 'uniform' and 'latest' need no payoffs at all. The 'lp' and 'auto' solvers take
 * the loaded HiGHS (`lp: await lpSolver()`), so that every solve is synchronous.
 *
 * `toJSON()` / `Population.fromJSON()` make checkpoints (population-json.ts): the JSON holds
 * the sides, ids, infos, payoffs and the meta-strategies; the payloads are not included, the
 * caller stores them and hands them back to `fromJSON` through a resolver.
 */
import type { Rng } from '../../envs/core/rng.js';
import type { LpSolver } from '../lp/highs.js';
import { metaSolve, nashConv, needsLp, type LpMethod, type MetaSolveOptions, type MetaSolverMethod, type MetaStrategy, type NashConvResult } from './meta-game.js';
import { snapshotName, upgradePopulationJSON, POPULATION_FORMAT_VERSION, type PayoffEntry, type PopulationJSON } from './population-json.js';
import { otherSlot, SLOTS, type Slot, type SnapshotInfo } from './slots.js';

export interface PopulationMember<T, S extends string = string> {
  readonly side: S;
  /** Per-side id, 0, 1, 2, … in the order of `add`; never reused. */
  readonly id: number;
  readonly payload: T;
  readonly info: SnapshotInfo;
}

type NoLpMethod = Exclude<MetaSolverMethod, LpMethod>;

/** The meta-solver, and HiGHS where it may solve an LP (the default, 'auto', may). */
type SolverChoice =
  | { solver: NoLpMethod | (MetaSolveOptions & { method: NoLpMethod }); lp?: LpSolver }
  | { solver?: MetaSolverMethod | MetaSolveOptions; lp: LpSolver };

export type PopulationOptions<S extends string = string> = SolverChoice & {
  /** The game's two sides: [row player, column player]. */
  sides: readonly [S, S];
  /** Most snapshots kept per side (an integer ≥ 2; default: unlimited). */
  maxSize?: number;
};

export interface AddResult<T, S extends string = string> {
  /** The new snapshot's id. */
  readonly id: number;
  /** The snapshots evicted to make room (their payoff entries are dropped too), for the caller to free their payloads. */
  readonly evicted: readonly PopulationMember<T, S>[];
}

/** The payoff table over the current members, in member order (oldest first). */
export interface PayoffTable {
  readonly rowIds: number[];
  readonly colIds: number[];
  /** rowPayoff[i][j]: row member i against column member j; NaN where missing. */
  readonly rowPayoff: number[][];
  readonly colPayoff: number[][];
  /** Episodes behind each entry; 0 where missing. */
  readonly counts: number[][];
}

/** A meta-strategy over the current members of both slots: probabilities keyed by snapshot id. */
export type PopulationMetaStrategy = { readonly [slot in Slot]: ReadonlyMap<number, number> };

/** Gives back a snapshot's payload when a population is loaded from JSON; `name` is what the checkpoint saved it as. */
export type PayloadResolver<T, S extends string = string> = (member: { side: S; id: number; info: SnapshotInfo; name: string }) => T;

const METHODS: readonly MetaSolverMethod[] = ['lp', 'regret-matching', 'uniform', 'latest', 'auto'];

function normaliseSolver(solver: MetaSolverMethod | MetaSolveOptions | undefined): MetaSolveOptions {
  const s: MetaSolveOptions = solver === undefined ? { method: 'auto' } : typeof solver === 'string' ? { method: solver } : { ...solver };
  if (!METHODS.includes(s.method)) throw new RangeError(`population solver: unknown method ${JSON.stringify(s.method)} (expected ${METHODS.map((m) => `'${m}'`).join(', ')})`);
  if (s.iterations !== undefined && (!Number.isSafeInteger(s.iterations) || s.iterations < 1)) {
    throw new RangeError(`population solver: iterations must be a positive integer, got ${String(s.iterations)}`);
  }
  if (s.plus !== undefined && typeof s.plus !== 'boolean') throw new RangeError('population solver: plus must be a boolean');
  const out: { method: MetaSolverMethod; iterations?: number; plus?: boolean } = { method: s.method };
  if (s.iterations !== undefined) out.iterations = s.iterations;
  if (s.plus !== undefined) out.plus = s.plus;
  return out;
}

function checkMaxSize(maxSize: unknown): number {
  if (maxSize === undefined || maxSize === null || maxSize === Infinity) return Infinity;
  if (typeof maxSize !== 'number' || !Number.isSafeInteger(maxSize) || maxSize < 2) {
    throw new RangeError(`population maxSize must be an integer ≥ 2 (the first snapshot is always kept), got ${String(maxSize)}`);
  }
  return maxSize;
}

function checkSides<S extends string>(sides: unknown): { row: S; col: S } {
  if (!Array.isArray(sides) || sides.length !== 2 || sides.some((s) => typeof s !== 'string' || s === '') || sides[0] === sides[1]) {
    throw new RangeError(`population sides must be two different side names [row, column], got ${JSON.stringify(sides)}`);
  }
  return { row: sides[0] as S, col: sides[1] as S };
}

function checkInfo(info: unknown, what: string): SnapshotInfo {
  if (info === undefined) return {};
  if (typeof info !== 'object' || info === null || Array.isArray(info)) throw new RangeError(`${what} must be a plain object`);
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(info)) {
    if (!(v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))) {
      throw new RangeError(`${what}.${k} must be a string, finite number, boolean or null`);
    }
    out[k] = v;
  }
  return out;
}

const key = (rowId: number, colId: number): string => `${rowId}:${colId}`;

export class Population<T, S extends string = string> {
  readonly maxSize: number;
  readonly solver: MetaSolveOptions;
  /** The side each slot stands for. */
  readonly sides: { readonly [slot in Slot]: S };
  private readonly lp: LpSolver | undefined;
  private readonly members: Record<Slot, PopulationMember<T, S>[]> = { row: [], col: [] };
  private readonly nextId: Record<Slot, number> = { row: 0, col: 0 };
  private readonly payoffs = new Map<string, PayoffEntry>();
  /** Last solved meta-strategy (by id) and whether members/payoffs changed since. */
  private meta: Record<Slot, Map<number, number>> | null = null;
  private fresh = false;

  constructor(options: PopulationOptions<S>) {
    this.sides = checkSides<S>(options.sides);
    this.maxSize = checkMaxSize(options.maxSize);
    this.solver = normaliseSolver(options.solver);
    this.lp = options.lp;
    if (needsLp(this.solver.method) && !this.lp) {
      throw new TypeError(`population solver '${this.solver.method}' solves LPs: pass the loaded HiGHS as lp (await lpSolver(), training/lp/highs.ts)`);
    }
  }

  /** The slot `side` plays; throws for a side that is not one of the two. */
  slotOf(side: S): Slot {
    if (side === this.sides.row) return 'row';
    if (side === this.sides.col) return 'col';
    throw new RangeError(`population side must be ${this.sides.row} or ${this.sides.col}, got ${JSON.stringify(side)}`);
  }

  /** Adds a snapshot to `side`, evicting the oldest but the first when the side is full. */
  add(side: S, payload: T, info?: SnapshotInfo): AddResult<T, S> {
    const slot = this.slotOf(side);
    const member: PopulationMember<T, S> = { side, id: this.nextId[slot]++, payload, info: checkInfo(info, 'snapshot info') };
    const list = this.members[slot];
    list.push(member);
    const evicted: PopulationMember<T, S>[] = [];
    while (list.length > this.maxSize) {
      const [gone] = list.splice(1, 1);
      evicted.push(gone);
      for (const [k, e] of this.payoffs) if ((slot === 'row' ? e.rowId : e.colId) === gone.id) this.payoffs.delete(k);
    }
    this.fresh = false;
    return { id: member.id, evicted };
  }

  /** The current snapshots of `side`, oldest first (the meta-game's row/column order). */
  list(side: S): readonly PopulationMember<T, S>[] {
    return this.members[this.slotOf(side)].slice();
  }

  size(side: S): number {
    return this.members[this.slotOf(side)].length;
  }

  /** The snapshot of `side` with this id; throws if there is none (never added, or evicted). */
  get(side: S, id: number): PopulationMember<T, S> {
    const m = this.members[this.slotOf(side)].find((x) => x.id === id);
    if (!m) throw new RangeError(`population has no ${side} snapshot with id ${String(id)} (never added, or evicted)`);
    return m;
  }

  /** The id of the newest snapshot of `side`, or undefined when the side is empty. */
  latest(side: S): number | undefined {
    const list = this.members[this.slotOf(side)];
    return list.length ? list[list.length - 1].id : undefined;
  }

  private pairName(rowId: number, colId: number): string {
    return `(${this.sides.row} ${rowId}, ${this.sides.col} ${colId})`;
  }

  private checkPayoffArgs(rowId: number, colId: number, row: number, col: number, n: number): void {
    this.get(this.sides.row, rowId);
    this.get(this.sides.col, colId);
    if (!Number.isFinite(row) || !Number.isFinite(col)) throw new RangeError(`payoff of ${this.pairName(rowId, colId)} must be finite, got ${row}, ${col}`);
    if (!(Number.isFinite(n) && n > 0)) throw new RangeError(`payoff sample count n must be a positive number, got ${String(n)}`);
  }

  /**
   * Sets the payoff entry of row snapshot `rowId` against column snapshot `colId`: the mean
   * payoffs of both sides over `n` episodes (default 1), replacing any earlier entry.
   */
  setPayoff(rowId: number, colId: number, rowValue: number, colValue: number, n = 1): void {
    this.checkPayoffArgs(rowId, colId, rowValue, colValue, n);
    // `+ 0` turns −0 into 0, which JSON cannot tell apart anyway
    this.payoffs.set(key(rowId, colId), { rowId, colId, row: rowValue + 0, col: colValue + 0, n });
    this.fresh = false;
  }

  /** Merges `n` more episodes with these mean payoffs into the entry (a running mean weighted by counts). */
  accumulatePayoff(rowId: number, colId: number, rowValue: number, colValue: number, n = 1): void {
    this.checkPayoffArgs(rowId, colId, rowValue, colValue, n);
    const old = this.payoffs.get(key(rowId, colId));
    if (!old) {
      this.setPayoff(rowId, colId, rowValue, colValue, n);
      return;
    }
    const total = old.n + n;
    this.payoffs.set(key(rowId, colId), {
      rowId,
      colId,
      row: old.row + ((rowValue - old.row) * n) / total + 0,
      col: old.col + ((colValue - old.col) * n) / total + 0,
      n: total,
    });
    this.fresh = false;
  }

  /** The entry of (rowId, colId), or undefined when it has not been evaluated. */
  payoff(rowId: number, colId: number): PayoffEntry | undefined {
    return this.payoffs.get(key(rowId, colId));
  }

  /** The (row id, column id) pairs of current members whose payoff has not been set, in table order. */
  missingPayoffs(): { rowId: number; colId: number }[] {
    const out: { rowId: number; colId: number }[] = [];
    for (const r of this.members.row) for (const c of this.members.col) if (!this.payoffs.has(key(r.id, c.id))) out.push({ rowId: r.id, colId: c.id });
    return out;
  }

  /** Whether both sides are non-empty and every pair has a payoff. */
  isComplete(): boolean {
    return this.members.row.length > 0 && this.members.col.length > 0 && this.missingPayoffs().length === 0;
  }

  /** The empirical payoff table over the current members (NaN and count 0 where missing). */
  payoffTable(): PayoffTable {
    const rowIds = this.members.row.map((m) => m.id);
    const colIds = this.members.col.map((m) => m.id);
    const rowPayoff = rowIds.map((r) => colIds.map((c) => this.payoffs.get(key(r, c))?.row ?? NaN));
    const colPayoff = rowIds.map((r) => colIds.map((c) => this.payoffs.get(key(r, c))?.col ?? NaN));
    const counts = rowIds.map((r) => colIds.map((c) => this.payoffs.get(key(r, c))?.n ?? 0));
    return { rowIds, colIds, rowPayoff, colPayoff, counts };
  }

  private bothSidesOrThrow(what: string): void {
    if (this.members.row.length === 0 || this.members.col.length === 0) throw new Error(`${what}: the population needs at least one snapshot of each side`);
  }

  private completeTableOrThrow(what: string): PayoffTable {
    this.bothSidesOrThrow(what);
    const missing = this.missingPayoffs();
    if (missing.length > 0) {
      const shown = missing.slice(0, 5).map((p) => this.pairName(p.rowId, p.colId)).join(', ');
      throw new Error(`${what}: ${missing.length} payoff entr${missing.length === 1 ? 'y is' : 'ies are'} missing: ${shown}${missing.length > 5 ? ', …' : ''}`);
    }
    return this.payoffTable();
  }

  /**
   * Solves the meta-game now with the configured solver (the payoff table must be complete,
   * except for 'uniform' and 'latest') and stores the result.
   */
  solve(): PopulationMetaStrategy {
    const method = this.solver.method;
    let strategy: MetaStrategy;
    let rowIds: number[];
    let colIds: number[];
    if (method === 'uniform' || method === 'latest') {
      this.bothSidesOrThrow('Population.solve');
      rowIds = this.members.row.map((m) => m.id);
      colIds = this.members.col.map((m) => m.id);
      const dummy = rowIds.map(() => colIds.map(() => 0));
      strategy = metaSolve(dummy, dummy, { ...this.solver, method });
    } else {
      const table = this.completeTableOrThrow('Population.solve');
      ({ rowIds, colIds } = table);
      strategy = metaSolve(table.rowPayoff, table.colPayoff, this.solver, this.lp!);
    }
    this.meta = { row: new Map(rowIds.map((id, i) => [id, strategy.row[i]])), col: new Map(colIds.map((id, j) => [id, strategy.col[j]])) };
    this.fresh = true;
    return { row: new Map(this.meta.row), col: new Map(this.meta.col) };
  }

  /**
   * The meta-strategy over the current snapshots of `side`, in member order (oldest first).
   * Re-solves when stale and solvable; otherwise the last solution restricted to the current
   * members (new ones get 0), renormalised; uniform when that leaves no mass.
   */
  metaStrategy(side: S): number[] {
    const slot = this.slotOf(side);
    const list = this.members[slot];
    if (list.length === 0) throw new Error(`Population: no ${side} snapshots`);
    const method = this.solver.method;
    if (!this.fresh) {
      const solvable = method === 'uniform' || method === 'latest' ? this.members[otherSlot(slot)].length > 0 : this.isComplete();
      if (solvable) this.solve();
    }
    if (method === 'uniform') return list.map(() => 1 / list.length);
    if (method === 'latest') return list.map((_, k) => (k === list.length - 1 ? 1 : 0));
    const probs = list.map((m) => this.meta?.[slot].get(m.id) ?? 0);
    const sum = probs.reduce((a, b) => a + b, 0);
    if (!(sum > 0)) return list.map(() => 1 / list.length);
    return probs.map((p) => p / sum);
  }

  /**
   * Draws a snapshot of `side` from that side's meta-strategy, e.g. the opponent of the other
   * side's learner. Uses one `rng.uniform()` draw.
   */
  sampleOpponent(side: S, rng: Pick<Rng, 'uniform'>): PopulationMember<T, S> {
    const probs = this.metaStrategy(side);
    const list = this.members[this.slotOf(side)];
    const u = rng.uniform();
    let acc = 0;
    let last = -1;
    for (let k = 0; k < probs.length; k++) {
      if (probs[k] <= 0) continue;
      last = k;
      acc += probs[k];
      if (u < acc) return list[k];
    }
    return list[last]; // rounding: the probabilities summed to slightly below u
  }

  /**
   * NashConv of the current meta-strategy in the empirical meta-game (the table must be
   * complete): 0 at a Nash equilibrium of the table; for the zero-sum regret variant it is
   * the population's exploitability within the population.
   */
  nashConv(): NashConvResult {
    const table = this.completeTableOrThrow('Population.nashConv');
    return nashConv(table.rowPayoff, table.colPayoff, this.metaStrategy(this.sides.row), this.metaStrategy(this.sides.col));
  }

  /** The checkpoint form: sides, ids, infos, payoffs, meta-strategies; no payloads. */
  toJSON(): PopulationJSON {
    const payoffs: PayoffEntry[] = [];
    for (const r of this.members.row) {
      for (const c of this.members.col) {
        const e = this.payoffs.get(key(r.id, c.id));
        if (e) payoffs.push({ ...e });
      }
    }
    const current = (slot: Slot, meta: Map<number, number>) => [...meta].filter(([id]) => this.members[slot].some((m) => m.id === id));
    const members = (slot: Slot) => this.members[slot].map((m) => ({ id: m.id, info: { ...m.info } }));
    return {
      format: 'buddy-gym/population',
      version: POPULATION_FORMAT_VERSION,
      maxSize: Number.isFinite(this.maxSize) ? this.maxSize : null,
      solver: { ...this.solver },
      sides: { ...this.sides },
      nextId: { ...this.nextId },
      members: { row: members('row'), col: members('col') },
      payoffs,
      meta: this.meta ? { row: current('row', this.meta.row), col: current('col', this.meta.col), fresh: this.fresh } : null,
    };
  }

  /**
   * A population from `toJSON()` output (also after JSON.stringify / JSON.parse), or from a
   * version 1 one (user/goal slots) given `sides`; `payload` gives back each snapshot's
   * payload. `sides`, when given, must be the JSON's own; `lp` is HiGHS for the LP solvers.
   * Throws a clear error on a malformed or foreign object.
   */
  static fromJSON<T, S extends string = string>(json: unknown, payload: PayloadResolver<T, S>, options: { sides?: readonly [S, S]; lp?: LpSolver } = {}): Population<T, S> {
    const bad = (why: string): never => {
      throw new RangeError(`Population.fromJSON: ${why}`);
    };
    const wanted = options.sides ? checkSides<S>(options.sides) : undefined;
    const { json: j, savedAs } = upgradePopulationJSON(json, wanted, bad);
    if (typeof payload !== 'function') bad('a payload resolver function is required');
    let pop: Population<T, S>;
    try {
      pop = new Population<T, S>({ sides: [j.sides.row as S, j.sides.col as S], maxSize: j.maxSize ?? undefined, solver: j.solver, lp: options.lp! });
    } catch (e) {
      return bad((e as Error).message);
    }
    const isId = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
    const nextId = j.nextId;
    if (!nextId || !isId(nextId.row) || !isId(nextId.col)) bad('nextId must hold non-negative integer ids of both sides');
    if (!j.members || !Array.isArray(j.members.row) || !Array.isArray(j.members.col)) bad('members must hold arrays of both sides');
    for (const slot of SLOTS) {
      const side = pop.sides[slot];
      let prev = -1;
      for (const m of j.members[slot]) {
        if (!m || !isId(m.id) || m.id <= prev || m.id >= nextId[slot]) bad(`${side} member ids must be increasing integers below nextId`);
        prev = m.id;
        const info = checkInfo(m.info, `${side} snapshot ${m.id} info`);
        pop.members[slot].push({ side, id: m.id, payload: payload({ side, id: m.id, info, name: snapshotName(savedAs[slot], m.id) }), info });
      }
      if (pop.members[slot].length > pop.maxSize) bad(`${side} has ${pop.members[slot].length} members, more than maxSize ${pop.maxSize}`);
      pop.nextId[slot] = nextId[slot];
    }
    if (!Array.isArray(j.payoffs)) bad('payoffs must be an array');
    for (const e of j.payoffs) {
      if (!e || typeof e !== 'object') bad('payoff entries must be objects');
      try {
        pop.setPayoff(e.rowId, e.colId, e.row, e.col, e.n);
      } catch (err) {
        bad(`payoff entry ${JSON.stringify(e)}: ${(err as Error).message}`);
      }
    }
    if (j.meta !== null && j.meta !== undefined) {
      const meta = j.meta;
      const readSlot = (slot: Slot): Map<number, number> => {
        const pairs = meta[slot];
        if (!Array.isArray(pairs)) bad(`meta.${slot} must be an array of [id, probability] pairs`);
        const map = new Map<number, number>();
        for (const p of pairs) {
          if (!Array.isArray(p) || p.length !== 2 || !isId(p[0]) || typeof p[1] !== 'number' || !(p[1] >= 0 && p[1] <= 1 + 1e-9)) {
            bad(`meta.${slot} entries must be [id, probability] pairs`);
          }
          map.set(p[0], p[1]);
        }
        return map;
      };
      pop.meta = { row: readSlot('row'), col: readSlot('col') };
      pop.fresh = meta.fresh === true;
    } else {
      pop.fresh = false;
    }
    return pop;
  }
}
