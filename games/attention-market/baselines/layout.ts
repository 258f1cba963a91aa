import type { AttentionMarketSpaces } from '../spaces.js';
import type { RoleSpec } from '../../../envs/core/kernel.js';

/** Offsets of the flat user observation's fields, read from the role's Dict space. */
export function userLayout(role: RoleSpec) {
  const space = role.observationSpace as AttentionMarketSpaces['userObservation'];
  return { ...space.offsets, P: space.entries.owners.flatSize, D: space.entries.estimate.flatSize, N: space.entries.lastFeedback.flatSize };
}

/** Offsets of the flat goal observation's fields. */
export function goalLayout(role: RoleSpec) {
  const space = role.observationSpace as AttentionMarketSpaces['goalObservation'];
  return { ...space.offsets, D: space.entries.grounded.flatSize, M: space.entries.slotsWon.flatSize };
}


/**
 * Writes the indices of the N largest of scores[0..P) into out[outOff..], ties to the lower
 * index. `taken` is scratch of length ≥ P. O(P·N), which beats sorting for the small N here.
 */
export function topN(scores: Float64Array, P: number, N: number, out: Float32Array | Int32Array | number[], outOff: number, taken: Uint8Array): void {
  taken.fill(0, 0, P);
  for (let n = 0; n < N; n++) {
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < P; i++) {
      if (taken[i]) continue;
      const s = scores[i];
      if (best < 0 || s > bestScore) {
        best = i;
        bestScore = s;
      }
    }
    taken[best] = 1;
    out[outOff + n] = best;
  }
}
