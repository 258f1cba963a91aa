import type { Rng } from '../../../envs/core/rng.js';
import { ScoringUser } from './scoring-user.js';

export interface SoftmaxUserOptions {
  /** Temperature τ > 0 of the Plackett–Luce choice (default 0.1). */
  temperature?: number;
}

/**
 * Samples N distinct entries by Plackett–Luce on q·e/τ: draws without replacement with
 * probability ∝ exp(q·e/τ), done exactly as Gumbel-top-k (add Gumbel noise, take the top N).
 */
export class SoftmaxUser extends ScoringUser {
  readonly name: string;
  readonly temperature: number;

  constructor(options: SoftmaxUserOptions = {}) {
    super();
    this.temperature = options.temperature ?? 0.1;
    if (!(this.temperature > 0 && Number.isFinite(this.temperature))) throw new RangeError(`SoftmaxUser: temperature must be a finite number > 0, got ${options.temperature}`);
    this.name = `softmax(τ=${this.temperature})`;
  }

  protected vectorArray(obs: Float32Array): ArrayLike<number> {
    return obs; // the estimate q, inside the observation
  }

  protected vectorOffset(obsBase: number, estimateOffset: number): number {
    return obsBase + estimateOffset;
  }

  protected override choose(scores: Float64Array, P: number, N: number, out: Int32Array | Float32Array, outOff: number, rng: Rng): void {
    const invTau = 1 / this.temperature;
    for (let i = 0; i < P; i++) scores[i] = scores[i] * invTau - Math.log(-Math.log(1 - rng.uniform() + 1e-300) + 1e-300);
    super.choose(scores, P, N, out, outOff, rng);
  }
}
