import type { Agent, AgentContext, BatchContext } from '../../../agents/agent.js';
import type { GoalObservation } from '../spaces.js';
import { goalLayout } from './layout.js';

export interface HonestGoalOptions {
  /** Standard deviation σ of Gaussian noise added to every coordinate (0: exactly e = g). */
  noise?: number;
}

/** Advertises the grounded truth: every creation is e = g (plus optional N(0, σ²) noise, clipped to [−1, 1]). */
export class HonestGoal implements Agent<GoalObservation, Float32Array> {
  readonly name: string;
  readonly noise: number;

  constructor(options: HonestGoalOptions = {}) {
    this.noise = options.noise ?? 0;
    if (!(this.noise >= 0 && Number.isFinite(this.noise))) throw new RangeError(`HonestGoal: noise must be a finite number ≥ 0, got ${options.noise}`);
    this.name = this.noise > 0 ? `honest+noise(${this.noise})` : 'honest';
  }

  act(obs: GoalObservation, ctx: AgentContext): Float32Array {
    const D = obs.grounded.length;
    const M = obs.slotsWon.length;
    const out = new Float32Array(M * D);
    for (let m = 0; m < M; m++) for (let d = 0; d < D; d++) out[m * D + d] = obs.grounded[d];
    if (this.noise > 0) addClippedNoise(out, 0, out.length, this.noise, ctx, this.scratch(out.length));
    return out;
  }

  private noiseBuf = new Float64Array(0);

  private scratch(n: number): Float64Array {
    if (this.noiseBuf.length < n) this.noiseBuf = new Float64Array(n);
    return this.noiseBuf;
  }

  actBatch(obs: Float32Array, actions: Float32Array | Int32Array, ctx: BatchContext): void {
    const { grounded, D, M } = goalLayout(ctx.role);
    const rows = ctx.numEnvs * ctx.count;
    for (let r = 0; r < rows; r++) {
      const src = r * ctx.obsSize + grounded;
      for (let m = 0; m < M; m++) for (let d = 0; d < D; d++) actions[r * ctx.actSize + m * D + d] = obs[src + d];
    }
    if (this.noise > 0) {
      addClippedNoise(actions as Float32Array, 0, actions.length, this.noise, ctx, this.scratch(actions.length));
    }
  }
}

function addClippedNoise(out: Float32Array, off: number, n: number, sd: number, ctx: { rng: AgentContext['rng'] }, buf: Float64Array): void {
  ctx.rng.fillNormal(buf, 0, n, 0, sd);
  for (let i = 0; i < n; i++) {
    const v = out[off + i] + buf[i];
    out[off + i] = v > 1 ? 1 : v < -1 ? -1 : v;
  }
}
