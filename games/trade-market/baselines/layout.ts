import type { RoleSpec } from '../../../envs/core/kernel.js';
import type { Box } from '../../../envs/core/spaces/box.js';
import type { TradeMarketSpaces } from '../spaces.js';

export interface ConsumerLayout {
  weights: number;
  budget: number;
  supplies: number;
  price: number;
  lastAllocation: number;
  progress: number;
  G: number;
  /** X̄ per good (the action space's upper bounds, float32). */
  maxQuantity: Float32Array;
}

export interface PriceSetterLayout {
  supplies: number;
  lastPrice: number;
  lastExcessDemand: number;
  progress: number;
  G: number;
  /** P̄ per good. */
  maxPrice: Float32Array;
}

export function consumerLayout(role: RoleSpec): ConsumerLayout {
  const space = role.observationSpace as TradeMarketSpaces['consumerObservation'];
  if (space.entries?.weights === undefined || space.entries.budget === undefined) throw new TypeError(`trade-market consumer agents need the consumer role of trade-market-v0, got role "${role.name}"`);
  return { ...space.offsets, G: space.entries.weights.flatSize, maxQuantity: (role.actionSpace as Box).high };
}

export function priceSetterLayout(role: RoleSpec): PriceSetterLayout {
  const space = role.observationSpace as TradeMarketSpaces['priceSetterObservation'];
  if (space.entries?.lastExcessDemand === undefined) throw new TypeError(`trade-market price-setter agents need the price-setter role of trade-market-v0, got role "${role.name}"`);
  return { ...space.offsets, G: space.entries.lastPrice.flatSize, maxPrice: (role.actionSpace as Box).high };
}

/** Remembers the layout of the last role seen, so actBatch allocates nothing after its first call. */
export class LayoutCache<L> {
  private role: RoleSpec | null = null;
  private layout: L | null = null;

  constructor(private readonly build: (role: RoleSpec) => L) {}

  get(role: RoleSpec): L {
    if (role !== this.role) {
      this.layout = this.build(role);
      this.role = role;
    }
    return this.layout!;
  }
}

export const clip = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
