import { int, json, num, parseOptions, type OptionsOf } from '../../envs/core/options.js';
import { explainCandidates, type CandidatesJSON } from './candidates.js';
import { ER_DEFAULTS, MAX_ER_ITERATIONS } from './equilibrium-ranking.js';
import { CANDIDATE_EXAMPLES } from './examples.js';

export const CONSENSUS_GAME_ID = 'consensus-game-v0';

/** GAMES.md §4, every option with its default. */
export const consensusGameSchema = {
  candidates: json<CandidatesJSON>(
    CANDIDATE_EXAMPLES.arithmetic,
    'a candidates JSON object { name, questions: [{ question, candidates, generator: { correct, incorrect }, discriminator, correct? }] } (games/consensus-game/README.md)',
    'the questions, their candidate answers and the initial policies π_G¹, π_D¹ (default: examples/arithmetic.json)',
    explainCandidates,
  ),
  lambdaG: num(0.1, 0, 100, "λ_G: the generator's reward is 1[v̂ = v] − λ_G·KL(π_G(·|x,v) ‖ π_G¹(·|x,v))"),
  lambdaD: num(0.1, 0, 100, "λ_D: the discriminator's reward is 1[v̂ = v] − λ_D·KL(π_D(·|x,y) ‖ π_D¹(·|x,y))"),
  rounds: int(16, 1, 1_000_000, 'rounds per episode (then truncation); each round draws a fresh question x and verdict v'),
  logitBound: num(10, 0, 100, 'L: actions are logits in [−L, L] (the generator one per candidate, the discriminator one for P(correct))', true),
  erEtaG: num(ER_DEFAULTS.etaG, 0, 1e6, 'η_G of the Equilibrium-Ranking solution the round metrics compare with', true),
  erEtaD: num(ER_DEFAULTS.etaD, 0, 1e6, 'η_D of that Equilibrium-Ranking solution', true),
  erLambdaG: num(ER_DEFAULTS.lambdaG, 0, 1e6, 'λ_G of that Equilibrium-Ranking solution', true),
  erLambdaD: num(ER_DEFAULTS.lambdaD, 0, 1e6, 'λ_D of that Equilibrium-Ranking solution', true),
  erIterations: int(ER_DEFAULTS.iterations, 1, MAX_ER_ITERATIONS, 'T, the iterations of that Equilibrium-Ranking solution'),
} as const;

export type ConsensusGameOptions = OptionsOf<typeof consensusGameSchema>;

export function parseConsensusGameOptions(input: unknown): ConsensusGameOptions {
  return parseOptions(CONSENSUS_GAME_ID, consensusGameSchema, input);
}

/** The Equilibrium-Ranking parameters named by the options. */
export function erParamsOf(o: ConsensusGameOptions) {
  return { etaG: o.erEtaG, etaD: o.erEtaD, lambdaG: o.erLambdaG, lambdaD: o.erLambdaD, iterations: o.erIterations };
}
