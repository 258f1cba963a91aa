import type { BaselineCatalogue } from '../../../agents/baseline.js';
import { RandomAgent } from '../../../agents/random.js';
import { ExaggeratingGoal } from './exaggerating-goal.js';
import { GreedyUser } from './greedy-user.js';
import { HonestGoal } from './honest-goal.js';
import { OracleUser } from './oracle-user.js';
import { SoftmaxUser } from './softmax-user.js';

/** The attention market's scripted Goal and User Buddies, by name. */
export const ATTENTION_MARKET_BASELINES: BaselineCatalogue = {
  goal: {
    honest: { doc: 'advertises the truth: every creation is e = g', make: () => new HonestGoal() },
    exaggerate: { doc: 'moves e from g toward where attention went last round (step 0.5)', make: () => new ExaggeratingGoal() },
    random: { doc: 'uniform creations in [-1, 1]^D', make: () => new RandomAgent() },
  },
  user: {
    greedy: { doc: "top N of the pool by q·e, the env's estimate q of its preference", make: () => new GreedyUser() },
    softmax: { doc: 'samples N entries by Plackett-Luce on q·e / τ (τ = 0.1)', make: () => new SoftmaxUser() },
    random: { doc: 'N distinct pool entries uniformly at random', make: () => new RandomAgent() },
    oracle: { doc: 'CHEATING REFERENCE: top N by θ·e with the hidden true preference θ', make: () => new OracleUser(), cheats: true },
  },
};

/** The baseline of each side that trained policies are compared with. */
export const ATTENTION_MARKET_REFERENCE: Readonly<Record<string, string>> = { goal: 'exaggerate', user: 'greedy' };
