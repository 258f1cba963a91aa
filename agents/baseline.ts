import type { Agent } from './agent.js';

/** A scripted agent a game offers for one of its sides, by name. */
export interface Baseline {
  /** One line for help texts and tables. */
  readonly doc: string;
  /** A fresh agent (one per agent of the side, or one shared: the caller decides). */
  readonly make: () => Agent;
  /** A cheating reference: it reads hidden state no agent of its side may see (a yardstick, not a baseline to beat). */
  readonly cheats?: boolean;
}

/** A game's baselines: side → name → baseline. */
export type BaselineCatalogue = Readonly<Record<string, Readonly<Record<string, Baseline>>>>;

/** The names of a side's baselines, for messages: "a, b, c". */
export const baselineNames = (side: Readonly<Record<string, Baseline>> | undefined): string => Object.keys(side ?? {}).join(', ');
