import type { Agent, AgentContext, BatchContext } from '../../../agents/agent.js';
import type { Box } from '../../../envs/core/spaces/box.js';
import type { ConsumerObservation } from '../spaces.js';
import { consumerLayout, LayoutCache } from './layout.js';

/**
 * Demands its price-taking optimum at the price it observes: x_g = λ_g / p_g (the argmax
 * of λ log x − p x), or with a budget (fisher) x_g = a_g B / p_g (spends exactly B),
 * clipped to [0, X̄]; a zero price gets X̄. Under simultaneous timing the observed price is
 * last round's, so this is the best response to a price that stays put.
 */
export class DemandCurveConsumer implements Agent<ConsumerObservation, Float32Array> {
  readonly name = 'demand-curve';
  private readonly layouts = new LayoutCache(consumerLayout);

  act(obs: ConsumerObservation, ctx: AgentContext): Float32Array {
    const high = (ctx.env.actionSpace(ctx.agent) as Box).high;
    const G = obs.weights.length;
    const out = new Float32Array(G);
    const budget = obs.budget[0];
    for (let g = 0; g < G; g++) out[g] = demand(obs.weights[g], budget, obs.price[g], high[g]);
    return out;
  }

  actBatch(obs: Float32Array, actions: Float32Array | Int32Array, ctx: BatchContext): void {
    const L = this.layouts.get(ctx.role);
    const rows = ctx.numEnvs * ctx.count;
    for (let r = 0; r < rows; r++) {
      const o = r * ctx.obsSize;
      const budget = obs[o + L.budget];
      for (let g = 0; g < L.G; g++) actions[r * ctx.actSize + g] = demand(obs[o + L.weights + g], budget, obs[o + L.price + g], L.maxQuantity[g]);
    }
  }
}

/** w/p (w·B/p with a budget B > 0), clipped to [0, max]. */
function demand(weight: number, budget: number, price: number, max: number): number {
  if (!(price > 0)) return max;
  const x = (budget > 0 ? weight * budget : weight) / price;
  return x < max ? x : max;
}
