import type { Agent, AgentContext, BatchContext } from '../../../agents/agent.js';
import type { Box } from '../../../envs/core/spaces/box.js';
import { TradeMarketEnv } from '../env.js';
import { TradeMarketKernel } from '../kernel.js';
import type { PriceSetterObservation } from '../spaces.js';
import { clip } from './layout.js';

/**
 * CHEATING REFERENCE, not a policy a price-setter could run: posts the competitive
 * equilibrium price p* read from the env (it needs every consumer's λ, which the
 * price-setter never observes), clipped to [0, P̄]. The yardstick for learned price-setters.
 */
export class OraclePriceSetter implements Agent<PriceSetterObservation, Float32Array> {
  readonly name = 'oracle (cheats: reads p*)';

  act(_obs: PriceSetterObservation, ctx: AgentContext): Float32Array {
    const k = findKernel(ctx.env);
    const high = (ctx.env.actionSpace(ctx.agent) as Box).high;
    return Float32Array.from({ length: k.G }, (_, g) => clip(k.equilibriumPrices[g], 0, high[g]));
  }

  actBatch(_obs: Float32Array, actions: Float32Array | Int32Array, ctx: BatchContext): void {
    if (!(ctx.kernel instanceof TradeMarketKernel)) throw new TypeError('OraclePriceSetter only plays trade-market-v0 (it reads p* from the kernel)');
    const p = ctx.kernel.equilibriumPrices;
    const high = (ctx.role.actionSpace as Box).high;
    const G = ctx.actSize;
    for (let b = 0; b < ctx.numEnvs; b++) for (let g = 0; g < G; g++) actions[b * G + g] = clip(p[b * G + g], 0, high[g]);
  }
}

/** Follows wrappers (`env`, `unwrapped`) down to the trade market's kernel. */
function findKernel(env: unknown): TradeMarketKernel {
  let e = env as { env?: unknown; unwrapped?: unknown } | undefined;
  for (let depth = 0; e && depth < 16; depth++) {
    if (e instanceof TradeMarketEnv) return e.kernel;
    e = (e.unwrapped ?? e.env) as typeof e;
  }
  throw new TypeError('OraclePriceSetter only plays trade-market-v0 (it reads p* from the env)');
}
