import { Box, Dict, MultiDiscrete, type DictValue } from '../../envs/core/spaces/index.js';

/**
 * The spaces of consensus-game-v0 for Q questions of at most K candidates, actions bounded by L.
 * Every per-candidate field is K wide; the entries past a question's |Y| are 0 and `mask` is 0
 * there. The question's features (generatorLogProbs, discriminatorLogOdds, mask) are laid out
 * one after the other in both observations, so the env writes them with one copy.
 */
export function consensusGameSpaces(Q: number, K: number, L: number) {
  const questionFeatures = () => ({
    /** log π_G¹(y | x, v) of every candidate: row 0 v = correct, row 1 v = incorrect. */
    generatorLogProbs: new Box(-Infinity, 0, [2, K]),
    /** log π_D¹(correct | x, y) − log π_D¹(incorrect | x, y) of every candidate. */
    discriminatorLogOdds: new Box(-Infinity, Infinity, [K]),
    /** 1 for the question's candidates, 0 for padding. */
    mask: new Box(0, 1, [K]),
  });
  const generatorObservation = new Dict({
    /** v, one-hot: [1, 0] asks for a correct answer, [0, 1] for an incorrect one. */
    verdict: new Box(0, 1, [2]),
    ...questionFeatures(),
    /** x: the question's index in the candidates file (an identifier, not a feature to regress on). */
    question: new MultiDiscrete([Q]),
    /**
     * log π_G¹(y | x, v) for the verdict asked, clipped to [−L, 0], −L in padding: the logits
     * that play the initial policy, a base a policy can learn corrections to.
     */
    prior: new Box(-L, 0, [K]),
  });
  const discriminatorObservation = new Dict({
    /** y, one-hot over the K candidate slots. */
    candidate: new Box(0, 1, [K]),
    /** log π_G¹(y | x, correct), log π_G¹(y | x, incorrect) of the candidate shown. */
    chosenGeneratorLogProbs: new Box(-Infinity, 0, [2]),
    /** log-odds of π_D¹(correct | x, y) of the candidate shown. */
    chosenDiscriminatorLogOdds: new Box(-Infinity, Infinity, [1]),
    ...questionFeatures(),
    question: new MultiDiscrete([Q]),
  });
  return {
    generatorObservation,
    discriminatorObservation,
    /** Logits of π_G(y | x, v) over the K slots; the entries past |Y| are ignored. */
    generatorAction: new Box(-L, L, [K]),
    /** The logit of π_D(correct | x, y). */
    discriminatorAction: new Box(-L, L, [1]),
  };
}

export type ConsensusGameSpaces = ReturnType<typeof consensusGameSpaces>;
export type GeneratorObservation = DictValue<ConsensusGameSpaces['generatorObservation']['entries']>;
export type DiscriminatorObservation = DictValue<ConsensusGameSpaces['discriminatorObservation']['entries']>;
/** K logits (Float32Array or number[]). */
export type GeneratorAction = Float32Array | number[];
/** One logit. */
export type DiscriminatorAction = Float32Array | number[];
