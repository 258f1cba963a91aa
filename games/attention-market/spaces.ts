import { Box, Dict, MultiDiscrete, Subset, type DictValue } from '../../envs/core/spaces/index.js';
import type { AttentionMarketOptions } from './options.js';

/** The spaces of one attention market, shared by every agent of a role (returned by identity). */
export function attentionMarketSpaces(o: AttentionMarketOptions) {
  const { dim: D, users: U, goals: G, creationsPerGoal: M, slots: N } = o;
  const P = G * M;
  const userObservation = new Dict({
    /** The round's pool: P advertised creations (projected onto the unit ball). */
    pool: new Box(-1, 1, [P, D]),
    /** Owner (goal index) of each pool entry: entry i belongs to goal ⌊i / M⌋. */
    owners: new MultiDiscrete(new Array<number>(P).fill(G)),
    /** The env's estimate q of this user's preference (zero with estimator "none"). */
    estimate: new Box(-Infinity, Infinity, [D]),
    /** Pool indices this user selected last round; −1 before the first round. */
    lastSelection: new MultiDiscrete(new Array<number>(N).fill(P + 1), -1),
    /** Feedback y for each of those selections (click ∈ {0, 1}, or a rating). */
    lastFeedback: new Box(-Infinity, Infinity, [N]),
    /** Rounds completed / T. */
    progress: new Box(0, 1, [1]),
  });
  const goalObservation = new Dict({
    /** g_k: the grounded truth about this goal's asset (unit vector). */
    grounded: new Box(-1, 1, [D]),
    /** This goal's M creations of last round, as projected by the env. */
    lastCreations: new Box(-1, 1, [M, D]),
    /** How many users selected each of those creations. */
    slotsWon: new MultiDiscrete(new Array<number>(M).fill(U + 1)),
    /** Mean advertised embedding of every selection last round (the market's signal). */
    signal: new Box(-1, 1, [D]),
    /** Rounds completed / T. */
    progress: new Box(0, 1, [1]),
  });
  return {
    userObservation,
    goalObservation,
    /** M creations in [−1, 1]^D; the env projects each onto the unit ball. */
    goalAction: new Box(-1, 1, [M, D]),
    /** N distinct pool indices. */
    userAction: new Subset(P, N),
  };
}

export type AttentionMarketSpaces = ReturnType<typeof attentionMarketSpaces>;
export type UserObservation = DictValue<AttentionMarketSpaces['userObservation']['entries']>;
export type GoalObservation = DictValue<AttentionMarketSpaces['goalObservation']['entries']>;
/** A goal's action: M·D numbers, creation m at [m·D, (m+1)·D). */
export type GoalAction = Float32Array | number[];
/** A user's action: N distinct pool indices. */
export type UserAction = Int32Array | number[];
