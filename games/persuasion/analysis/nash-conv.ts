import type { PersuasionInstance } from '../instance.js';
import { bestResponse, type BestResponse } from './best-response.js';
import type { AnalysisOptions, Profile } from './profile.js';

export interface NashConv {
  /** Σ_i (best-response value − current value): 0 exactly at a (sender-preferred) equilibrium. */
  readonly nashConv: number;
  /** Each provider's best response, in order. */
  readonly providers: BestResponse[];
}

/**
 * NashConv of a profile for Bayes users: the sum over providers of what each gains by its
 * exact best response (bestResponse) against the others. The best responses break the user's
 * ties in the deviator's favour, so NashConv 0 means no provider can gain even then.
 */
export async function nashConv(instance: PersuasionInstance, profile: Profile, options?: AnalysisOptions): Promise<NashConv> {
  const providers: BestResponse[] = [];
  for (let i = 0; i < instance.providers.length; i++) providers.push(await bestResponse(instance, profile, i, options));
  return { nashConv: providers.reduce((s, b) => s + b.gain, 0), providers };
}
