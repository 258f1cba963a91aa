/**
 * A User Buddy's memory of its own history, built only from its own observations: per
 * goal, how often it picked that goal's creations this episode and how much feedback they
 * earned. A pool entry always belongs to the same goal (entry i to goal ⌊i/M⌋), so the
 * policy can see "this goal's content pleased me before" next to each entry — what q,
 * learnt from advertised embeddings, loses when goals misrepresent themselves.
 *
 * The memory appends 2 numbers per pool entry to the flat user observation: the owner's
 * smoothed feedback rate (clicks + 1)/(picks + 2) − ½ (for ratings: the mean rating, 0
 * before any pick), and picks / rounds so far. It resets when an observation's progress is
 * 0 (a new episode), and folds in the previous round's selection once per round, so call
 * `augment` exactly once per user phase.
 */
export interface OwnerMemoryLayout {
  obsSize: number;
  pool: number;
  creations: number;
  goals: number;
  slots: number;
  lastSelectionOffset: number;
  lastFeedbackOffset: number;
  progressOffset: number;
  rounds: number;
  /** 'click': feedback is 0/1; 'rating': a real number. */
  feedback: 'click' | 'rating';
}

export const OWNER_MEMORY_FEATURES = 2;

export class OwnerMemory {
  readonly outSize: number;
  private rows = 0;
  private picks = new Float64Array(0);
  private score = new Float64Array(0);
  private out = new Float32Array(0);

  constructor(readonly layout: OwnerMemoryLayout) {
    this.outSize = layout.obsSize + layout.pool * OWNER_MEMORY_FEATURES;
  }

  /** `obs` holds `rows` user observations [rows, obsSize]; returns them augmented [rows, outSize] (a reused buffer). */
  augment(obs: Float32Array, rows: number): Float32Array {
    const L = this.layout;
    if (rows !== this.rows) {
      this.rows = rows;
      this.picks = new Float64Array(rows * L.goals);
      this.score = new Float64Array(rows * L.goals);
      this.out = new Float32Array(rows * this.outSize);
    }
    for (let r = 0; r < rows; r++) {
      const o = r * L.obsSize;
      const g = r * L.goals;
      const progress = obs[o + L.progressOffset];
      if (progress === 0) {
        this.picks.fill(0, g, g + L.goals);
        this.score.fill(0, g, g + L.goals);
      } else {
        for (let n = 0; n < L.slots; n++) {
          const i = obs[o + L.lastSelectionOffset + n];
          if (i < 0) continue;
          const k = Math.floor(i / L.creations);
          this.picks[g + k] += 1;
          this.score[g + k] += obs[o + L.lastFeedbackOffset + n];
        }
      }
      const dst = r * this.outSize;
      this.out.set(obs.subarray(o, o + L.obsSize), dst);
      const roundsSoFar = Math.max(1, Math.round(progress * L.rounds));
      for (let i = 0; i < L.pool; i++) {
        const k = Math.floor(i / L.creations);
        const p = this.picks[g + k];
        const rate = L.feedback === 'click' ? (this.score[g + k] + 1) / (p + 2) - 0.5 : p > 0 ? this.score[g + k] / p : 0;
        this.out[dst + L.obsSize + i * OWNER_MEMORY_FEATURES] = rate;
        this.out[dst + L.obsSize + i * OWNER_MEMORY_FEATURES + 1] = p / roundsSoFar;
      }
    }
    return this.out;
  }
}
