import { ConsensusPolicy, type DiscriminatorLayout, type GeneratorLayout } from './consensus-policy.js';

/** Plays the initial policies π_G¹(y | x, v) and π_D¹(correct | x, y), read from the observation: zero KL. */
export class InitialPolicyAgent extends ConsensusPolicy {
  readonly name = 'initial';

  protected generatorLogProbs(obs: Float32Array, base: number, l: GeneratorLayout, out: Float64Array): void {
    const row = obs[base + l.verdict] > 0.5 ? 0 : 1; // one-hot [correct, incorrect]
    for (let y = 0; y < l.K; y++) out[y] = obs[base + l.generatorLogProbs + row * l.K + y];
  }

  protected discriminatorLogOdds(obs: Float32Array, base: number, l: DiscriminatorLayout): number {
    return obs[base + l.chosenDiscriminatorLogOdds];
  }
}
