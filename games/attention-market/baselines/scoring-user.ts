import type { Agent, AgentContext, BatchContext } from '../../../agents/agent.js';
import type { Rng } from '../../../envs/core/rng.js';
import type { UserObservation } from '../spaces.js';
import { topN, userLayout } from './layout.js';

/**
 * A user that scores each pool entry by v·e for some vector v and picks N entries from the
 * scores: the shape shared by the greedy (v = q), softmax (v = q, sampled) and oracle
 * (v = θ) users. Subclasses say where v comes from and how scores become a choice.
 */
export abstract class ScoringUser implements Agent<UserObservation, Int32Array> {
  abstract readonly name: string;
  private scores = new Float64Array(0);
  private taken = new Uint8Array(0);

  /**
   * Where the scoring vector of user `user` in copy `env` lives: an array and the offset of
   * its D numbers. `obs`/`obsBase` are that user's flat observation (the estimate q is at
   * obsBase + estimateOffset).
   */
  protected abstract vectorArray(obs: Float32Array, ctx: { kernel?: unknown; env?: unknown }): ArrayLike<number>;
  protected abstract vectorOffset(obsBase: number, estimateOffset: number, env: number, user: number): number;

  /** Turns scores[0..P) into N picks; the default takes the top N. */
  protected choose(scores: Float64Array, P: number, N: number, out: Int32Array | Float32Array, outOff: number, _rng: Rng): void {
    topN(scores, P, N, out, outOff, this.taken);
  }

  act(obs: UserObservation, ctx: AgentContext): Int32Array {
    const P = obs.owners.length;
    const D = obs.estimate.length;
    const N = obs.lastFeedback.length;
    this.ensure(P);
    const flat = obs.pool; // [P, D]
    const v = this.vectorArray(obs.estimate, ctx);
    const off = this.vectorOffset(0, 0, 0, userIndex(ctx.agent));
    for (let i = 0; i < P; i++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += v[off + d] * flat[i * D + d];
      this.scores[i] = s;
    }
    const out = new Int32Array(N);
    this.choose(this.scores, P, N, out, 0, ctx.rng);
    return out;
  }

  actBatch(obs: Float32Array, actions: Float32Array | Int32Array, ctx: BatchContext): void {
    const L = userLayout(ctx.role);
    this.ensure(L.P);
    const v = this.vectorArray(obs, ctx);
    const scores = this.scores;
    const D = L.D;
    for (let b = 0; b < ctx.numEnvs; b++) {
      for (let j = 0; j < ctx.count; j++) {
        const base = (b * ctx.count + j) * ctx.obsSize;
        const off = this.vectorOffset(base, L.estimate, b, j);
        for (let i = 0; i < L.P; i++) {
          let s = 0;
          const e = base + L.pool + i * D;
          for (let d = 0; d < D; d++) s += v[off + d] * obs[e + d];
          scores[i] = s;
        }
        this.choose(this.scores, L.P, L.N, actions, (b * ctx.count + j) * ctx.actSize, ctx.rng);
      }
    }
  }

  private ensure(P: number): void {
    if (this.scores.length < P) {
      this.scores = new Float64Array(P);
      this.taken = new Uint8Array(P);
    }
  }
}

/** "user_3" → 3. */
export function userIndex(agent: string): number {
  const i = Number(agent.slice(agent.lastIndexOf('_') + 1));
  if (!Number.isInteger(i) || i < 0) throw new RangeError(`not a user agent id: "${agent}"`);
  return i;
}
