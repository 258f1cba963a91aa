/**
 * A population of snapshots of both sides (PSRO / fictitious self-play): the user side is
 * the meta-game's row player, the goal side its column player. It keeps
 * - the snapshots of each side (a generic payload `T`, e.g. serialised weights, plus a
 *   small JSON `info`), at most `maxSize` per side: adding one more evicts the oldest
 *   snapshot except the first (the first anchors the population against forgetting);
 * - the empirical payoff table between user and goal snapshots, grown one entry at a time
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
 * is none. 'uniform' and 'latest' need no payoffs at all.
 *
 * `toJSON()` / `Population.fromJSON()` make checkpoints: the JSON holds ids, infos, payoffs
 * and the meta-strategies; the payloads are not included, the caller stores them and hands
 * them back to `fromJSON` through a resolver.
 */
import type { Rng } from '../../envs/core/rng.js';
import { metaSolve, nashConv, type MetaSolveOptions, type MetaSolverMethod, type NashConvResult } from './meta-game.js';

/** The user side is the meta-game's row player, the goal side its column player. */
export type PopulationSide = 'user' | 'goal';

export const POPULATION_SIDES: readonly PopulationSide[] = ['user', 'goal'];

/** JSON-serialisable facts about a snapshot (training step, label, …). */
export type SnapshotInfo = Readonly<Record<string, string | number | boolean | null>>;

export interface PopulationMember<T> {
  readonly side: PopulationSide;
  /** Per-side id, 0, 1, 2, … in the order of `add`; never reused. */
  readonly id: number;
  readonly payload: T;
  readonly info: SnapshotInfo;
}

/** One entry of the empirical payoff table: user snapshot `user` against goal snapshot `goal`. */
export interface PayoffEntry {
  readonly user: number;
  readonly goal: number;
  /** Mean payoff of the user side (the row player). */
  readonly row: number;
  /** Mean payoff of the goal side (the column player). */
  readonly col: number;
  /** Number of episodes (samples) behind the means, > 0. */
  readonly n: number;
}

export interface PopulationOptions {
  /** Most snapshots kept per side (an integer ≥ 2; default: unlimited). */
  maxSize?: number;
  /** The meta-solver (default { method: 'auto' }: LP when the table is zero-sum, regret matching+ otherwise). */
  solver?: MetaSolverMethod | MetaSolveOptions;
}

export interface AddResult<T> {
  /** The new snapshot's id. */
  readonly id: number;
  /** The snapshots evicted to make room (their payoff entries are dropped too), for the caller to free their payloads. */
  readonly evicted: readonly PopulationMember<T>[];
}

/** The payoff table over the current members, in member order (oldest first). */
export interface PayoffTable {
  readonly userIds: number[];
  readonly goalIds: number[];
  /** rowPayoff[i][j]: user member i against goal member j; NaN where missing. */
  readonly rowPayoff: number[][];
  readonly colPayoff: number[][];
  /** Episodes behind each entry; 0 where missing. */
  readonly counts: number[][];
}

/** A meta-strategy over the current members of both sides: probabilities keyed by snapshot id. */
export interface PopulationMetaStrategy {
  readonly user: ReadonlyMap<number, number>;
  readonly goal: ReadonlyMap<number, number>;
}

export const POPULATION_FORMAT_VERSION = 1;

/** The checkpoint form of a population (payloads excluded). */
export interface PopulationJSON {
  readonly format: 'buddy-gym/population';
  readonly version: number;
  readonly maxSize: number | null;
  readonly solver: MetaSolveOptions;
  readonly nextId: { readonly user: number; readonly goal: number };
  readonly members: {
    readonly user: readonly { readonly id: number; readonly info: SnapshotInfo }[];
    readonly goal: readonly { readonly id: number; readonly info: SnapshotInfo }[];
  };
  readonly payoffs: readonly PayoffEntry[];
  /** The last solved meta-strategy, as [id, probability] pairs; null if never solved. */
  readonly meta: {
    readonly user: readonly (readonly [number, number])[];
    readonly goal: readonly (readonly [number, number])[];
    /** Whether it was solved on the current members and payoffs (else it is re-solved when the table is complete). */
    readonly fresh: boolean;
  } | null;
}

/** Gives back a snapshot's payload when a population is loaded from JSON. */
export type PayloadResolver<T> = (side: PopulationSide, id: number, info: SnapshotInfo) => T;

const METHODS: readonly MetaSolverMethod[] = ['lp', 'regret-matching', 'uniform', 'latest', 'auto'];

function checkSide(side: unknown): asserts side is PopulationSide {
  if (side !== 'user' && side !== 'goal') throw new RangeError(`population side must be 'user' or 'goal', got ${JSON.stringify(side)}`);
}

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

const key = (user: number, goal: number): string => `${user}:${goal}`;

export class Population<T> {
  readonly maxSize: number;
  readonly solver: MetaSolveOptions;
  private readonly members: Record<PopulationSide, PopulationMember<T>[]> = { user: [], goal: [] };
  private readonly nextId: Record<PopulationSide, number> = { user: 0, goal: 0 };
  private readonly payoffs = new Map<string, PayoffEntry>();
  /** Last solved meta-strategy (by id) and whether members/payoffs changed since. */
  private meta: { user: Map<number, number>; goal: Map<number, number> } | null = null;
  private fresh = false;

  constructor(options: PopulationOptions = {}) {
    this.maxSize = checkMaxSize(options.maxSize);
    this.solver = normaliseSolver(options.solver);
  }

  /** Adds a snapshot to `side`, evicting the oldest but the first when the side is full. */
  add(side: PopulationSide, payload: T, info?: SnapshotInfo): AddResult<T> {
    checkSide(side);
    const member: PopulationMember<T> = { side, id: this.nextId[side]++, payload, info: checkInfo(info, 'snapshot info') };
    const list = this.members[side];
    list.push(member);
    const evicted: PopulationMember<T>[] = [];
    while (list.length > this.maxSize) {
      const [gone] = list.splice(1, 1);
      evicted.push(gone);
      for (const [k, e] of this.payoffs) if ((side === 'user' ? e.user : e.goal) === gone.id) this.payoffs.delete(k);
    }
    this.fresh = false;
    return { id: member.id, evicted };
  }

  /** The current snapshots of `side`, oldest first (the meta-game's row/column order). */
  list(side: PopulationSide): readonly PopulationMember<T>[] {
    checkSide(side);
    return this.members[side].slice();
  }

  size(side: PopulationSide): number {
    checkSide(side);
    return this.members[side].length;
  }

  /** The snapshot of `side` with this id; throws if there is none (never added, or evicted). */
  get(side: PopulationSide, id: number): PopulationMember<T> {
    checkSide(side);
    const m = this.members[side].find((x) => x.id === id);
    if (!m) throw new RangeError(`population has no ${side} snapshot with id ${String(id)} (never added, or evicted)`);
    return m;
  }

  /** The id of the newest snapshot of `side`, or undefined when the side is empty. */
  latest(side: PopulationSide): number | undefined {
    checkSide(side);
    const list = this.members[side];
    return list.length ? list[list.length - 1].id : undefined;
  }

  private checkPayoffArgs(user: number, goal: number, row: number, col: number, n: number): void {
    this.get('user', user);
    this.get('goal', goal);
    if (!Number.isFinite(row) || !Number.isFinite(col)) throw new RangeError(`payoff of (user ${user}, goal ${goal}) must be finite, got ${row}, ${col}`);
    if (!(Number.isFinite(n) && n > 0)) throw new RangeError(`payoff sample count n must be a positive number, got ${String(n)}`);
  }

  /**
   * Sets the payoff entry of user snapshot `user` against goal snapshot `goal` (ids): the
   * mean payoffs of both sides over `n` episodes (default 1), replacing any earlier entry.
   */
  setPayoff(user: number, goal: number, rowValue: number, colValue: number, n = 1): void {
    this.checkPayoffArgs(user, goal, rowValue, colValue, n);
    // `+ 0` turns −0 into 0, which JSON cannot tell apart anyway
    this.payoffs.set(key(user, goal), { user, goal, row: rowValue + 0, col: colValue + 0, n });
    this.fresh = false;
  }

  /** Merges `n` more episodes with these mean payoffs into the entry (a running mean weighted by counts). */
  accumulatePayoff(user: number, goal: number, rowValue: number, colValue: number, n = 1): void {
    this.checkPayoffArgs(user, goal, rowValue, colValue, n);
    const old = this.payoffs.get(key(user, goal));
    if (!old) {
      this.setPayoff(user, goal, rowValue, colValue, n);
      return;
    }
    const total = old.n + n;
    this.payoffs.set(key(user, goal), {
      user,
      goal,
      row: old.row + ((rowValue - old.row) * n) / total + 0,
      col: old.col + ((colValue - old.col) * n) / total + 0,
      n: total,
    });
    this.fresh = false;
  }

  /** The entry of (user, goal), or undefined when it has not been evaluated. */
  payoff(user: number, goal: number): PayoffEntry | undefined {
    return this.payoffs.get(key(user, goal));
  }

  /** The (user id, goal id) pairs of current members whose payoff has not been set, in table order. */
  missingPayoffs(): { user: number; goal: number }[] {
    const out: { user: number; goal: number }[] = [];
    for (const u of this.members.user) for (const g of this.members.goal) if (!this.payoffs.has(key(u.id, g.id))) out.push({ user: u.id, goal: g.id });
    return out;
  }

  /** Whether both sides are non-empty and every pair has a payoff. */
  isComplete(): boolean {
    return this.members.user.length > 0 && this.members.goal.length > 0 && this.missingPayoffs().length === 0;
  }

  /** The empirical payoff table over the current members (NaN and count 0 where missing). */
  payoffTable(): PayoffTable {
    const userIds = this.members.user.map((m) => m.id);
    const goalIds = this.members.goal.map((m) => m.id);
    const rowPayoff = userIds.map((u) => goalIds.map((g) => this.payoffs.get(key(u, g))?.row ?? NaN));
    const colPayoff = userIds.map((u) => goalIds.map((g) => this.payoffs.get(key(u, g))?.col ?? NaN));
    const counts = userIds.map((u) => goalIds.map((g) => this.payoffs.get(key(u, g))?.n ?? 0));
    return { userIds, goalIds, rowPayoff, colPayoff, counts };
  }

  private completeTableOrThrow(what: string): PayoffTable {
    if (this.members.user.length === 0 || this.members.goal.length === 0) throw new Error(`${what}: the population needs at least one snapshot of each side`);
    const missing = this.missingPayoffs();
    if (missing.length > 0) {
      const shown = missing.slice(0, 5).map((p) => `(user ${p.user}, goal ${p.goal})`).join(', ');
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
    let row: number[];
    let col: number[];
    let userIds: number[];
    let goalIds: number[];
    if (method === 'uniform' || method === 'latest') {
      if (this.members.user.length === 0 || this.members.goal.length === 0) throw new Error('Population.solve: the population needs at least one snapshot of each side');
      userIds = this.members.user.map((m) => m.id);
      goalIds = this.members.goal.map((m) => m.id);
      const dummy = userIds.map(() => goalIds.map(() => 0));
      ({ row, col } = metaSolve(dummy, dummy, this.solver));
    } else {
      const table = this.completeTableOrThrow('Population.solve');
      ({ userIds, goalIds } = table);
      ({ row, col } = metaSolve(table.rowPayoff, table.colPayoff, this.solver));
    }
    this.meta = { user: new Map(userIds.map((id, i) => [id, row[i]])), goal: new Map(goalIds.map((id, j) => [id, col[j]])) };
    this.fresh = true;
    return { user: new Map(this.meta.user), goal: new Map(this.meta.goal) };
  }

  /**
   * The meta-strategy over the current snapshots of `side`, in member order (oldest first).
   * Re-solves when stale and solvable; otherwise the last solution restricted to the current
   * members (new ones get 0), renormalised; uniform when that leaves no mass.
   */
  metaStrategy(side: PopulationSide): number[] {
    checkSide(side);
    const list = this.members[side];
    if (list.length === 0) throw new Error(`Population: no ${side} snapshots`);
    const method = this.solver.method;
    if (!this.fresh) {
      const other: PopulationSide = side === 'user' ? 'goal' : 'user';
      const solvable = method === 'uniform' || method === 'latest' ? this.members[other].length > 0 : this.isComplete();
      if (solvable) this.solve();
    }
    if (method === 'uniform') return list.map(() => 1 / list.length);
    if (method === 'latest') return list.map((_, k) => (k === list.length - 1 ? 1 : 0));
    const probs = list.map((m) => this.meta?.[side].get(m.id) ?? 0);
    const sum = probs.reduce((a, b) => a + b, 0);
    if (!(sum > 0)) return list.map(() => 1 / list.length);
    return probs.map((p) => p / sum);
  }

  /**
   * Draws a snapshot of `side` from that side's meta-strategy, e.g. `sampleOpponent('goal',
   * rng)` for the opponent of a user learner. Uses one `rng.uniform()` draw.
   */
  sampleOpponent(side: PopulationSide, rng: Pick<Rng, 'uniform'>): PopulationMember<T> {
    const probs = this.metaStrategy(side);
    const list = this.members[side];
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
    return nashConv(table.rowPayoff, table.colPayoff, this.metaStrategy('user'), this.metaStrategy('goal'));
  }

  /** The checkpoint form: ids, infos, payoffs, meta-strategies; no payloads. */
  toJSON(): PopulationJSON {
    const payoffs: PayoffEntry[] = [];
    for (const u of this.members.user) {
      for (const g of this.members.goal) {
        const e = this.payoffs.get(key(u.id, g.id));
        if (e) payoffs.push({ ...e });
      }
    }
    return {
      format: 'buddy-gym/population',
      version: POPULATION_FORMAT_VERSION,
      maxSize: Number.isFinite(this.maxSize) ? this.maxSize : null,
      solver: { ...this.solver },
      nextId: { ...this.nextId },
      members: {
        user: this.members.user.map((m) => ({ id: m.id, info: { ...m.info } })),
        goal: this.members.goal.map((m) => ({ id: m.id, info: { ...m.info } })),
      },
      payoffs,
      meta: this.meta
        ? {
            user: [...this.meta.user].filter(([id]) => this.members.user.some((m) => m.id === id)),
            goal: [...this.meta.goal].filter(([id]) => this.members.goal.some((m) => m.id === id)),
            fresh: this.fresh,
          }
        : null,
    };
  }

  /**
   * A population from `toJSON()` output (also after JSON.stringify / JSON.parse); `payload`
   * gives back each snapshot's payload. Throws a clear error on a malformed or foreign object.
   */
  static fromJSON<T>(json: unknown, payload: PayloadResolver<T>): Population<T> {
    const bad = (why: string): never => {
      throw new RangeError(`Population.fromJSON: ${why}`);
    };
    if (typeof json !== 'object' || json === null) bad('expected an object');
    const j = json as Partial<PopulationJSON>;
    if (j.format !== 'buddy-gym/population') bad(`not a buddy-gym population (format ${JSON.stringify(j.format)})`);
    if (j.version !== POPULATION_FORMAT_VERSION) bad(`unsupported version ${JSON.stringify(j.version)} (this build reads version ${POPULATION_FORMAT_VERSION})`);
    if (typeof payload !== 'function') bad('a payload resolver function is required');
    const pop = new Population<T>({ maxSize: j.maxSize ?? undefined, solver: j.solver });
    const isId = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
    const nextId = j.nextId;
    if (!nextId || !isId(nextId.user) || !isId(nextId.goal)) bad('nextId must hold non-negative integer ids of both sides');
    if (!j.members || !Array.isArray(j.members.user) || !Array.isArray(j.members.goal)) bad('members must hold arrays of both sides');
    for (const side of POPULATION_SIDES) {
      let prev = -1;
      for (const m of j.members![side]) {
        if (!m || !isId(m.id) || m.id <= prev || m.id >= nextId![side]) bad(`${side} member ids must be increasing integers below nextId`);
        prev = m.id;
        const info = checkInfo(m.info, `${side} snapshot ${m.id} info`);
        pop.members[side].push({ side, id: m.id, payload: payload(side, m.id, info), info });
      }
      if (pop.members[side].length > pop.maxSize) bad(`${side} has ${pop.members[side].length} members, more than maxSize ${pop.maxSize}`);
      pop.nextId[side] = nextId![side];
    }
    if (!Array.isArray(j.payoffs)) bad('payoffs must be an array');
    for (const e of j.payoffs!) {
      if (!e || typeof e !== 'object') bad('payoff entries must be objects');
      try {
        pop.setPayoff(e.user, e.goal, e.row, e.col, e.n);
      } catch (err) {
        bad(`payoff entry ${JSON.stringify(e)}: ${(err as Error).message}`);
      }
    }
    if (j.meta !== null && j.meta !== undefined) {
      const meta = j.meta;
      const readSide = (side: PopulationSide): Map<number, number> => {
        const pairs = meta[side];
        if (!Array.isArray(pairs)) bad(`meta.${side} must be an array of [id, probability] pairs`);
        const map = new Map<number, number>();
        for (const p of pairs) {
          if (!Array.isArray(p) || p.length !== 2 || !isId(p[0]) || typeof p[1] !== 'number' || !(p[1] >= 0 && p[1] <= 1 + 1e-9)) {
            bad(`meta.${side} entries must be [id, probability] pairs`);
          }
          map.set(p[0], p[1]);
        }
        return map;
      };
      pop.meta = { user: readSide('user'), goal: readSide('goal') };
      pop.fresh = meta.fresh === true;
    } else {
      pop.fresh = false;
    }
    return pop;
  }
}
