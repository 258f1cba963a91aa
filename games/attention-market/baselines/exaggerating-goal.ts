import type { Agent, AgentContext, BatchContext } from '../../../agents/agent.js';
import type { GoalObservation } from '../spaces.js';
import { goalLayout } from './layout.js';

export interface ExaggeratingGoalOptions {
  /** How far each creation moves from g toward the market's signal direction (default 0.5). */
  step?: number;
}

/**
 * Moves its creations from the truth toward where attention went: e = g + step·ŝ, with ŝ
 * the unit direction of the market's signal (the mean advertised embedding of last
 * round's selections), then projected onto the unit ball. Before any signal, e = g.
 */
export class ExaggeratingGoal implements Agent<GoalObservation, Float32Array> {
  readonly name: string;
  readonly step: number;

  constructor(options: ExaggeratingGoalOptions = {}) {
    this.step = options.step ?? 0.5;
    if (!(this.step >= 0 && Number.isFinite(this.step))) throw new RangeError(`ExaggeratingGoal: step must be a finite number ≥ 0, got ${options.step}`);
    this.name = `exaggerate(${this.step})`;
  }

  act(obs: GoalObservation): Float32Array {
    const D = obs.grounded.length;
    const M = obs.slotsWon.length;
    const out = new Float32Array(M * D);
    this.write(obs.grounded, 0, obs.signal, 0, D, M, out, 0);
    return out;
  }

  actBatch(obs: Float32Array, actions: Float32Array | Int32Array, ctx: BatchContext): void {
    const { grounded, signal, D, M } = goalLayout(ctx.role);
    const rows = ctx.numEnvs * ctx.count;
    for (let r = 0; r < rows; r++) this.write(obs, r * ctx.obsSize + grounded, obs, r * ctx.obsSize + signal, D, M, actions as Float32Array, r * ctx.actSize);
  }

  private write(g: Float32Array, gOff: number, s: Float32Array, sOff: number, D: number, M: number, out: Float32Array, outOff: number): void {
    let s2 = 0;
    for (let d = 0; d < D; d++) s2 += s[sOff + d] * s[sOff + d];
    const k = s2 > 0 ? this.step / Math.sqrt(s2) : 0;
    let e2 = 0;
    for (let d = 0; d < D; d++) {
      const e = g[gOff + d] + k * s[sOff + d];
      out[outOff + d] = e;
      e2 += e * e;
    }
    const scale = e2 > 1 ? 1 / Math.sqrt(e2) : 1;
    for (let d = 0; d < D; d++) out[outOff + d] = Math.max(-1, Math.min(1, out[outOff + d] * scale));
    for (let m = 1; m < M; m++) for (let d = 0; d < D; d++) out[outOff + m * D + d] = out[outOff + d];
  }
}
