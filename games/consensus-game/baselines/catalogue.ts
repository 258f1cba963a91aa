import type { Baseline, BaselineCatalogue } from '../../../agents/baseline.js';
import { EquilibriumRankingAgent } from './equilibrium-ranking-policy.js';
import { InitialPolicyAgent } from './initial-policy.js';
import { UniformPolicyAgent } from './uniform-policy.js';

/** Each baseline plays either role of the consensus game. */
const players: Readonly<Record<string, Baseline>> = {
  initial: { doc: 'plays the initial policies π_G¹ and π_D¹ read from the observation (zero KL)', make: () => new InitialPolicyAgent() },
  'equilibrium-ranking': { doc: "plays Equilibrium-Ranking's solution (piKL no-regret, GAMES.md §4), read from the env", make: () => new EquilibriumRankingAgent() },
  uniform: { doc: 'every candidate equally likely, P(correct) = 1/2', make: () => new UniformPolicyAgent() },
};

/** The consensus game's scripted generators and discriminators, by name. */
export const CONSENSUS_GAME_BASELINES: BaselineCatalogue = { generator: players, discriminator: players };

/** The baseline of each side that trained policies are compared with. */
export const CONSENSUS_GAME_REFERENCE: Readonly<Record<string, string>> = { generator: 'initial', discriminator: 'initial' };
