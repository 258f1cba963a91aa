export { TruthfulProvider } from './truthful.js';
export { BabblingProvider } from './babbling.js';
export { KgOptimalProvider, type KgOptimalOptions } from './kg-optimal.js';
export { kgSignal, type KgSignal } from './kg-signal.js';
export { providerLayout, oneHotIndex, probabilitiesToLogits } from './layout.js';
export { policyProfile } from './policy-profile.js';
