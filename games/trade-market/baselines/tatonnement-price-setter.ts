import type { Agent, AgentContext, BatchContext } from '../../../agents/agent.js';
import type { Box } from '../../../envs/core/spaces/box.js';
import { scaledTatonnementPrice, TATONNEMENT_SCALE } from '../equilibrium.js';
import type { PriceSetterObservation } from '../spaces.js';
import { clip, LayoutCache, priceSetterLayout } from './layout.js';

export interface TatonnementPriceSetterOptions {
  /**
   * c ∈ (0, 1] of the scaled step η_g = c·p_g/Q_g (default 0.5), which converges in every
   * economy the env draws (scaledTatonnementPrice says why).
   */
  scale?: number;
  /** A fixed step η > 0 instead (the textbook rule; it diverges once η·Q²/Σλ ≥ 2). */
  eta?: number;
}

/**
 * Walras's auctioneer: p ← clip(p_last + η_g z_last, 0, P̄), with last round's price and excess
 * demand from its observation (z = 0 before the first round, so it opens at the initial price).
 * By default the step is scaled per good, η_g = c·p_g/Q_g; with `eta` it is fixed. Under
 * price-first timing this is exactly `tatonnement` on the consumers' demand; under simultaneous
 * timing the demand it sees answered the price before last.
 */
export class TatonnementPriceSetter implements Agent<PriceSetterObservation, Float32Array> {
  readonly name: string;
  readonly scale: number | undefined;
  readonly eta: number | undefined;
  private readonly layouts = new LayoutCache(priceSetterLayout);

  constructor(options: TatonnementPriceSetterOptions = {}) {
    if (options.eta !== undefined && options.scale !== undefined) throw new RangeError('TatonnementPriceSetter: give scale (the scaled step) or eta (a fixed step), not both');
    this.eta = options.eta;
    this.scale = options.eta === undefined ? (options.scale ?? TATONNEMENT_SCALE) : undefined;
    if (this.eta !== undefined && !(this.eta > 0 && Number.isFinite(this.eta))) throw new RangeError(`TatonnementPriceSetter: eta must be a finite number > 0, got ${options.eta}`);
    if (this.scale !== undefined && !(this.scale > 0 && this.scale <= 1)) throw new RangeError(`TatonnementPriceSetter: scale must be a number in (0, 1], got ${options.scale}`);
    this.name = this.eta === undefined ? `tatonnement(c=${this.scale})` : `tatonnement(η=${this.eta})`;
  }

  act(obs: PriceSetterObservation, ctx: AgentContext): Float32Array {
    const high = (ctx.env.actionSpace(ctx.agent) as Box).high;
    const G = obs.lastPrice.length;
    const out = new Float32Array(G);
    for (let g = 0; g < G; g++) out[g] = this.price(obs.lastPrice[g], obs.lastExcessDemand[g], obs.supplies[g], high[g]);
    return out;
  }

  actBatch(obs: Float32Array, actions: Float32Array | Int32Array, ctx: BatchContext): void {
    const L = this.layouts.get(ctx.role);
    const rows = ctx.numEnvs * ctx.count;
    for (let r = 0; r < rows; r++) {
      const o = r * ctx.obsSize;
      for (let g = 0; g < L.G; g++) actions[r * ctx.actSize + g] = this.price(obs[o + L.lastPrice + g], obs[o + L.lastExcessDemand + g], obs[o + L.supplies + g], L.maxPrice[g]);
    }
  }

  private price(last: number, z: number, supply: number, maxPrice: number): number {
    return this.eta === undefined ? scaledTatonnementPrice(last, z, supply, this.scale!, maxPrice) : clip(last + this.eta * z, 0, maxPrice);
  }
}
