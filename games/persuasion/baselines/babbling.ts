import type { Agent, AgentContext, BatchContext } from '../../../agents/agent.js';
import type { Box } from '../../../envs/core/spaces/box.js';
import type { ProviderObservation } from '../spaces.js';

/** Says nothing: the same (uniform) message distribution in every state, all logits 0. */
export class BabblingProvider implements Agent<ProviderObservation, Float32Array> {
  readonly name = 'babbling';

  act(_obs: ProviderObservation, ctx: AgentContext): Float32Array {
    return new Float32Array((ctx.env.actionSpace(ctx.agent) as Box).flatSize);
  }

  actBatch(_obs: Float32Array, actions: Float32Array | Int32Array, ctx: BatchContext): void {
    actions.fill(0, 0, ctx.numEnvs * ctx.count * ctx.actSize);
  }
}
