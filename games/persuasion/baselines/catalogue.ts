import type { BaselineCatalogue } from '../../../agents/baseline.js';
import { BabblingProvider } from './babbling.js';
import { KgOptimalProvider } from './kg-optimal.js';
import { TruthfulProvider } from './truthful.js';

/** The persuasion games' scripted providers, by name. */
export const PERSUASION_BASELINES: BaselineCatalogue = {
  provider: {
    truthful: { doc: 'reveals the state (full revelation whenever there are as many messages as states)', make: () => new TruthfulProvider() },
    babbling: { doc: 'says nothing: the same uniform messages in every state', make: () => new BabblingProvider() },
    'kg-optimal': { doc: "Kamenica-Gentzkow's optimal signal for its own utility, as if the only sender (reads the user's utility)", make: () => new KgOptimalProvider() },
  },
};

/** The baseline of each side that trained policies are compared with. */
export const PERSUASION_REFERENCE: Readonly<Record<string, string>> = { provider: 'truthful' };
