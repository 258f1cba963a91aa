import type { Rng } from '../../envs/core/rng.js';

/**
 * Users' true preferences θ_j (GAMES.md §1). With `tasteClusters` K = 0 each θ_j is uniform
 * on the unit sphere; with K ≥ 1 the market has K popular directions (centres c_1..c_K,
 * uniform on the sphere), user j gets a centre c(j) uniformly at random and
 * θ_j = (c(j) + s·z)/‖c(j) + s·z‖ with z ~ N(0, I_D/D), so ‖s·z‖ ≈ s whatever D is.
 */
export interface TasteDraw {
  /** K, the number of centres (0: independent tastes). */
  clusters: number;
  /** s, the spread around a centre. */
  spread: number;
}

/**
 * Draws the U tastes of one world into out[off .. off + U·D), from `rng`, in this order:
 * K = 0: U unit vectors (the draws of every version before tasteClusters, bit for bit);
 * K ≥ 1: K centres (D normals each, normalised), then per user its centre index and D normals.
 * The centres are drawn even when `givenCentres` replaces them, so the stream does not depend
 * on reset options. `centres` ([K·D]) and `z` ([D]) are the caller's scratch.
 */
export function drawTastes(
  rng: Rng,
  out: Float64Array,
  off: number,
  U: number,
  D: number,
  t: TasteDraw,
  centres: Float64Array,
  z: Float64Array,
  givenCentres?: Float64Array,
): void {
  if (t.clusters === 0) {
    for (let j = 0; j < U; j++) rng.unitVector(out, off + j * D, D);
    return;
  }
  const K = t.clusters;
  for (let c = 0; c < K; c++) rng.unitVector(centres, c * D, D);
  if (givenCentres) centres.set(givenCentres);
  const sd = 1 / Math.sqrt(D);
  for (let j = 0; j < U; j++) {
    const c = rng.int(K);
    rng.fillNormal(z, 0, D, 0, sd);
    clusteredTaste(out, off + j * D, centres, c * D, z, 0, t.spread, D);
  }
}

/**
 * θ = (c + s·z)/‖c + s·z‖ into out[off .. off + D). A zero sum (probability 0 for s > 0, and
 * impossible for s < 1/‖z‖) falls back to the centre.
 */
export function clusteredTaste(out: Float64Array, off: number, centres: ArrayLike<number>, cOff: number, z: ArrayLike<number>, zOff: number, s: number, D: number): void {
  let n2 = 0;
  for (let d = 0; d < D; d++) {
    const v = centres[cOff + d] + s * z[zOff + d];
    out[off + d] = v;
    n2 += v * v;
  }
  if (n2 === 0) {
    for (let d = 0; d < D; d++) out[off + d] = centres[cOff + d];
    return;
  }
  const inv = 1 / Math.sqrt(n2);
  for (let d = 0; d < D; d++) out[off + d] *= inv;
}
