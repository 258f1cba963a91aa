import type { RoleSpec } from '../../../envs/core/kernel.js';
import type { Box } from '../../../envs/core/spaces/box.js';
import type { PersuasionSpaces } from '../spaces.js';

/** Sizes and offsets of a provider's flat observation and action, read from the role's spaces. */
export function providerLayout(role: RoleSpec) {
  return layoutOf(role.observationSpace as PersuasionSpaces['providerObservation'], role.actionSpace as Box);
}

export function layoutOf(observation: PersuasionSpaces['providerObservation'], action: Box) {
  const [Y, M] = action.shape;
  return {
    ...observation.offsets,
    k: observation.entries.provider.flatSize,
    types: observation.entries.userType.flatSize,
    Y,
    M,
    /** L: the logit bound of the action space. */
    L: action.high[0],
  };
}

/** Index of the 1 in a one-hot at buf[off .. off+n), or −1 when all are zero. */
export function oneHotIndex(buf: ArrayLike<number>, off: number, n: number): number {
  for (let j = 0; j < n; j++) if (buf[off + j] > 0.5) return j;
  return -1;
}

/**
 * Logits in [−L, L] for one probability row p[0 .. M) into out[off ..]: the likeliest message
 * gets L, message m gets L + ln(p_m / p_max), floored at −L (messages with p = 0 get −L, so
 * their probability is about e^(−2L), not 0).
 */
export function probabilitiesToLogits(p: ArrayLike<number>, pOff: number, M: number, L: number, out: Float32Array | Float64Array, off: number): void {
  let max = 0;
  for (let m = 0; m < M; m++) if (p[pOff + m] > max) max = p[pOff + m];
  for (let m = 0; m < M; m++) {
    const q = p[pOff + m];
    out[off + m] = q > 0 ? Math.max(-L, L + Math.log(q / max)) : -L;
  }
}
