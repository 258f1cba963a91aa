import type { Agent, AgentContext, BatchContext } from '../../../agents/agent.js';
import type { Box } from '../../../envs/core/spaces/box.js';
import type { ProviderObservation } from '../spaces.js';

/**
 * Reveals the state: in state s it sends message s mod |Mₛ| (logit L, every other message −L),
 * which is full revelation whenever |Mₛ| ≥ |Y|.
 */
export class TruthfulProvider implements Agent<ProviderObservation, Float32Array> {
  readonly name = 'truthful';

  act(_obs: ProviderObservation, ctx: AgentContext): Float32Array {
    const space = ctx.env.actionSpace(ctx.agent) as Box;
    const out = new Float32Array(space.flatSize);
    writeTruthful(out, 0, space.shape[0], space.shape[1], space.high[0]);
    return out;
  }

  actBatch(_obs: Float32Array, actions: Float32Array | Int32Array, ctx: BatchContext): void {
    const space = ctx.role.actionSpace as Box;
    const rows = ctx.numEnvs * ctx.count;
    for (let r = 0; r < rows; r++) writeTruthful(actions as Float32Array, r * ctx.actSize, space.shape[0], space.shape[1], space.high[0]);
  }
}

function writeTruthful(out: Float32Array, off: number, Y: number, M: number, L: number): void {
  for (let s = 0; s < Y; s++) for (let m = 0; m < M; m++) out[off + s * M + m] = m === s % M ? L : -L;
}
