import type { Agent, AgentContext, BatchContext } from '../agent.js';
import type { Box } from '../../envs/core/spaces/box.js';
import type { PriceSetterObservation } from '../../envs/trade-market/spaces.js';
import { clip, LayoutCache, priceSetterLayout } from './layout.js';

export interface TatonnementPriceSetterOptions {
  /** Step size η > 0 (default 0.1). */
  eta?: number;
}

/**
 * Walras's auctioneer: p ← clip(p_last + η z_last, 0, P̄), with last round's price and
 * excess demand from its observation (z = 0 before the first round, so it opens at the
 * initial price). Under price-first timing this is exactly `tatonnement` on the consumers'
 * demand; under simultaneous timing the demand it sees answered the price before last.
 */
export class TatonnementPriceSetter implements Agent<PriceSetterObservation, Float32Array> {
  readonly name: string;
  readonly eta: number;
  private readonly layouts = new LayoutCache(priceSetterLayout);

  constructor(options: TatonnementPriceSetterOptions = {}) {
    this.eta = options.eta ?? 0.1;
    if (!(this.eta > 0 && Number.isFinite(this.eta))) throw new RangeError(`TatonnementPriceSetter: eta must be a finite number > 0, got ${options.eta}`);
    this.name = `tatonnement(η=${this.eta})`;
  }

  act(obs: PriceSetterObservation, ctx: AgentContext): Float32Array {
    const high = (ctx.env.actionSpace(ctx.agent) as Box).high;
    const G = obs.lastPrice.length;
    const out = new Float32Array(G);
    for (let g = 0; g < G; g++) out[g] = clip(obs.lastPrice[g] + this.eta * obs.lastExcessDemand[g], 0, high[g]);
    return out;
  }

  actBatch(obs: Float32Array, actions: Float32Array | Int32Array, ctx: BatchContext): void {
    const L = this.layouts.get(ctx.role);
    const rows = ctx.numEnvs * ctx.count;
    for (let r = 0; r < rows; r++) {
      const o = r * ctx.obsSize;
      for (let g = 0; g < L.G; g++) actions[r * ctx.actSize + g] = clip(obs[o + L.lastPrice + g] + this.eta * obs[o + L.lastExcessDemand + g], 0, L.maxPrice[g]);
    }
  }
}
