import { bool, int, num, oneOf, parseOptions, type CrossCheck, type OptionsOf } from '../../envs/core/options.js';

export const TRADE_MARKET_ID = 'trade-market-v0';

/**
 * GAMES.md §3, every option with its default. The defaults put the competitive
 * equilibrium price p*_g of order 1: λ and the supply per consumer are both about 1, so
 * p*_g = Σ_i λ_ig / Q_g ≈ 1 and x*_ig ≈ 1. Timing and reward default to the setting in which
 * p* is the price-setter's unique best move (price-first, balance): GAMES.md's default for
 * training, so that plain `train trade-market-v0` learns p*.
 */
export const tradeMarketSchema = {
  consumers: int(2, 1, 4096, 'number of consumer agents n'),
  goods: int(2, 1, 256, 'number of goods G'),
  rounds: int(32, 1, 1_000_000, 'rounds per episode T (then truncation)'),
  timing: oneOf(
    ['simultaneous', 'price-first'] as const,
    'price-first',
    "price-first (Stackelberg): consumers observe the price just posted; simultaneous: consumers observe last round's price",
  ),
  reward: oneOf(
    ['auctioneer', 'balance'] as const,
    'balance',
    "price-setter's reward: balance −Σ_g |Q_g − Σ_i x_ig| (demanded quantities), or auctioneer Σ_g p_g (Σ_i x_ig − Q_g), a simultaneous-move device only: against consumers who answer the price they see it is Σλ − p·Q, maximised as p → 0",
  ),
  fisher: bool(false, 'Fisher market: budgets B_i and Cobb–Douglas utilities Π_g x_ig^a_ig instead of quasi-linear λ log x − p·x'),
  maxPrice: num(10, 0, 1e6, 'P̄: the price-setter posts p ∈ [0, P̄]^G', true),
  maxQuantity: num(10, 0, 1e6, 'X̄: each consumer demands x ∈ [0, X̄]^G', true),
  initialPrice: num(1, 0, 1e6, "the price every good shows as last round's price before the first round"),
  weightMin: num(0.5, 0, 1e6, 'λ_ig ~ U[weightMin, weightMax] at reset (without fisher)', true),
  weightMax: num(1.5, 0, 1e6, 'upper end of the λ draw', true),
  supplyPerConsumerMin: num(0.5, 0, 1e6, 'Q_g = consumers × U[supplyPerConsumerMin, supplyPerConsumerMax] at reset', true),
  supplyPerConsumerMax: num(1.5, 0, 1e6, 'upper end of the supply-per-consumer draw', true),
  budgetMin: num(0.5, 0, 1e6, 'with fisher: B_i ~ U[budgetMin, budgetMax] at reset (exponents a_i ~ Dirichlet(1, …, 1))', true),
  budgetMax: num(1.5, 0, 1e6, 'upper end of the budget draw', true),
} as const;

export type TradeMarketOptions = OptionsOf<typeof tradeMarketSchema>;

const ordered = (lo: 'weightMin' | 'supplyPerConsumerMin' | 'budgetMin', hi: 'weightMax' | 'supplyPerConsumerMax' | 'budgetMax'): CrossCheck<typeof tradeMarketSchema> => ({
  option: hi,
  check: (o) => (o[hi] >= o[lo] ? null : `must be at least ${lo} = ${o[lo]}`),
});

/** The largest p*_g any reset can draw: Σ_i w_ig / Q_g ≤ n·wMax / (n·sMin), with w = λ, or a·B ≤ B. */
export function maxEquilibriumPrice(o: TradeMarketOptions): number {
  return (o.fisher ? o.budgetMax : o.weightMax) / o.supplyPerConsumerMin;
}

const crossChecks: CrossCheck<typeof tradeMarketSchema>[] = [
  ordered('weightMin', 'weightMax'),
  ordered('supplyPerConsumerMin', 'supplyPerConsumerMax'),
  ordered('budgetMin', 'budgetMax'),
  {
    option: 'maxPrice',
    check: (o) => {
      const bound = maxEquilibriumPrice(o);
      const what = o.fisher ? 'budgetMax / supplyPerConsumerMin' : 'weightMax / supplyPerConsumerMin';
      return o.maxPrice >= bound ? null : `must be at least ${what} = ${bound}, the largest equilibrium price a reset can draw, so that p* is a price the price-setter can post`;
    },
  },
  { option: 'initialPrice', check: (o) => (o.initialPrice <= o.maxPrice ? null : `must be at most maxPrice = ${o.maxPrice}`) },
];

export function parseTradeMarketOptions(input: unknown): TradeMarketOptions {
  return parseOptions(TRADE_MARKET_ID, tradeMarketSchema, input, crossChecks);
}
