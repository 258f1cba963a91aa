import { Box, Dict, type DictValue } from '../../envs/core/spaces/index.js';
import type { TradeMarketOptions } from './options.js';

/**
 * The spaces of one trade market, shared by every agent of a role (returned by identity).
 * Quantities are in the game's own units (supplies Q_g are totals, about n each with the
 * default draws), prices in [0, P̄].
 */
export function tradeMarketSpaces(o: TradeMarketOptions) {
  const { goods: G, maxPrice: P, maxQuantity: X } = o;
  const consumerObservation = new Dict({
    /** λ_i (or, with fisher, the Cobb–Douglas exponents a_i, which sum to 1). */
    weights: new Box(0, Infinity, [G]),
    /** B_i with fisher; 0 without (no budget: money enters the utility linearly). */
    budget: new Box(0, Infinity, [1]),
    /** Q: the supply of every good. */
    supplies: new Box(0, Infinity, [G]),
    /** simultaneous: the price posted last round (initialPrice before round 1); price-first: the price just posted. */
    price: new Box(0, P, [G]),
    /** What this consumer received last round (after budget scaling and rationing); 0 before round 1. */
    lastAllocation: new Box(0, X, [G]),
    /** Rounds completed / T. */
    progress: new Box(0, 1, [1]),
  });
  const priceSetterObservation = new Dict({
    /** Q: the supply of every good. */
    supplies: new Box(0, Infinity, [G]),
    /** The price posted last round (initialPrice before round 1). */
    lastPrice: new Box(0, P, [G]),
    /** z_g = Σ_i x_ig − Q_g of last round, with demanded quantities; 0 before round 1. */
    lastExcessDemand: new Box(-Infinity, Infinity, [G]),
    /** Rounds completed / T. */
    progress: new Box(0, 1, [1]),
  });
  return {
    consumerObservation,
    priceSetterObservation,
    /** p ∈ [0, P̄]^G. */
    priceSetterAction: new Box(0, P, [G]),
    /** x ∈ [0, X̄]^G: the quantities demanded. */
    consumerAction: new Box(0, X, [G]),
  };
}

export type TradeMarketSpaces = ReturnType<typeof tradeMarketSpaces>;
export type ConsumerObservation = DictValue<TradeMarketSpaces['consumerObservation']['entries']>;
export type PriceSetterObservation = DictValue<TradeMarketSpaces['priceSetterObservation']['entries']>;
/** A price vector (price-setter) or a demand vector (consumer): G numbers. */
export type TradeAction = Float32Array | number[];
