import { CORRECT, INCORRECT, type ConsensusQuestion } from './candidates.js';

/** A policy pair's exact expected payoffs on one question, nature drawing v uniformly. */
export interface ExpectedRewards {
  /** P(v̂ = v) = ½ Σ_v Σ_y π_G(y|v) π_D(v|y). */
  readonly agreement: number;
  /** ½ Σ_v KL(π_G(·|v) ‖ π_G¹(·|v)). */
  readonly generatorKL: number;
  /** ½ Σ_v Σ_y π_G(y|v) KL(π_D(·|y) ‖ π_D¹(·|y)): the KL at the y the generator shows. */
  readonly discriminatorKL: number;
  /** agreement − λ_G·generatorKL and agreement − λ_D·discriminatorKL: what the env pays per round on average. */
  readonly generator: number;
  readonly discriminator: number;
}

/**
 * The expected round rewards of consensus-game-v0 on `question` when the generator plays
 * π_G(y|v) (`generator`, [2·|Y|], v-major, rows summing to 1) and the discriminator plays
 * π_D(correct|y) (`discriminatorCorrect`, [|Y|]). Sums over every (v, y, v̂): no sampling.
 */
export function expectedRewards(question: ConsensusQuestion, generator: ArrayLike<number>, discriminatorCorrect: ArrayLike<number>, lambdaG: number, lambdaD: number): ExpectedRewards {
  const K = question.candidates.length;
  if (generator.length !== 2 * K || discriminatorCorrect.length !== K) {
    throw new RangeError(`expectedRewards: expected a generator policy of ${2 * K} numbers and a discriminator policy of ${K}, got ${generator.length} and ${discriminatorCorrect.length}`);
  }
  const logG1 = question.generatorLogProbs;
  const logD1 = question.discriminatorLogProbs;
  let agreement = 0;
  let gKL = 0;
  let dKL = 0;
  for (let y = 0; y < K; y++) {
    const p = discriminatorCorrect[y];
    const klD = xlogx(p) - p * logD1[CORRECT * K + y] + xlogx(1 - p) - (1 - p) * logD1[INCORRECT * K + y];
    for (let v = 0; v < 2; v++) {
      const g = generator[v * K + y];
      agreement += 0.5 * g * (v === CORRECT ? p : 1 - p);
      gKL += 0.5 * (xlogx(g) - g * logG1[v * K + y]);
      dKL += 0.5 * g * klD;
    }
  }
  return { agreement, generatorKL: gKL, discriminatorKL: dKL, generator: agreement - lambdaG * gKL, discriminator: agreement - lambdaD * dKL };
}

/** x log x with 0 log 0 = 0. */
const xlogx = (x: number) => (x > 0 ? x * Math.log(x) : 0);
