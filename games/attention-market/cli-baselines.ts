/** The baseline agents of attention-market-v0 by their CLI names, for play and eval. */
import type { Agent } from '../../agents/agent.js';
import { ExaggeratingGoal, GreedyUser, HonestGoal, OracleUser, SoftmaxUser } from './baselines/index.js';
import { RandomAgent } from '../../agents/random.js';

export interface Baseline {
  readonly doc: string;
  readonly make: () => Agent;
  /** The cheating reference: it reads hidden state no agent of its role may see. */
  readonly cheats?: boolean;
}

/** The goal baselines of attention-market-v0, by CLI name. */
export const GOAL_AGENTS: Readonly<Record<string, Baseline>> = {
  honest: { doc: 'advertises the truth: every creation is e = g', make: () => new HonestGoal() },
  exaggerate: { doc: 'moves e from g toward where attention went last round (step 0.5)', make: () => new ExaggeratingGoal() },
  random: { doc: 'uniform creations in [-1, 1]^D', make: () => new RandomAgent() },
};

/** The user baselines of attention-market-v0, by CLI name. */
export const USER_AGENTS: Readonly<Record<string, Baseline>> = {
  greedy: { doc: "top N of the pool by q·e, the env's estimate q of its preference", make: () => new GreedyUser() },
  softmax: { doc: 'samples N entries by Plackett-Luce on q·e / τ (τ = 0.1)', make: () => new SoftmaxUser() },
  random: { doc: 'N distinct pool entries uniformly at random', make: () => new RandomAgent() },
  oracle: {
    doc: 'CHEATING REFERENCE: top N by θ·e with the hidden true preference θ',
    make: () => new OracleUser(),
    cheats: true,
  },
};

/** The names of a catalogue, for help texts. */
export const names = (agents: Readonly<Record<string, Baseline>>): string => Object.keys(agents).join(', ');
