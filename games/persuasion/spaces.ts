import { Box, Dict, type DictValue } from '../../envs/core/spaces/index.js';
import type { InstanceTables } from './tables.js';

/**
 * The provider's spaces, shared by every provider (returned by identity). The observation is
 * small and in [0, 1] so that one MLP, conditioned on the index, can play every provider.
 */
export function persuasionSpaces(t: InstanceTables, logitBound: number) {
  const providerObservation = new Dict({
    /** One-hot of this provider's index i among the k providers. */
    provider: new Box(0, 1, [t.k]),
    /** Its own utility U_i(a, y), [action][state]. */
    utility: new Box(0, 1, [t.A, t.Y]),
    /** The prior μ over states. */
    prior: new Box(0, 1, [t.Y]),
    /** One-hot of this round's user type θ when personalised; all zeros when anonymous. */
    userType: new Box(0, 1, [t.types]),
    /** Rounds completed / rounds. */
    progress: new Box(0, 1, [1]),
  });
  return {
    providerObservation,
    /** Logits of π(m | s), [state][message]; softmax over messages for each state. */
    providerAction: new Box(-logitBound, logitBound, [t.Y, t.M]),
  };
}

export type PersuasionSpaces = ReturnType<typeof persuasionSpaces>;
export type ProviderObservation = DictValue<PersuasionSpaces['providerObservation']['entries']>;
/** A provider's action: |Y|·|Mₛ| logits, state s's row at [s·|Mₛ|, (s+1)·|Mₛ|). */
export type ProviderAction = Float32Array | number[];
