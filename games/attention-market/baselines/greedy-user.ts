import { ScoringUser } from './scoring-user.js';

/** Fills its slots with the top N of the pool by q·e, its estimate's score (ties to the lower index). */
export class GreedyUser extends ScoringUser {
  readonly name = 'greedy';

  protected vectorArray(obs: Float32Array): ArrayLike<number> {
    return obs; // the estimate q, inside the observation
  }

  protected vectorOffset(obsBase: number, estimateOffset: number): number {
    return obsBase + estimateOffset;
  }
}
