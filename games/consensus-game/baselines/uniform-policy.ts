import { ConsensusPolicy } from './consensus-policy.js';

/** Plays the uniform policies: every candidate equally likely, P(correct) = ½. */
export class UniformPolicyAgent extends ConsensusPolicy {
  readonly name = 'uniform';

  protected generatorLogProbs(_obs: Float32Array, _base: number, _l: unknown, out: Float64Array): void {
    out.fill(0);
  }

  protected discriminatorLogOdds(): number {
    return 0;
  }
}
