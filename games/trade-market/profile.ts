import { TRADE_MARKET_BASELINES, TRADE_MARKET_REFERENCE } from './baselines/catalogue.js';
import type { PolicySpec } from '../../agents/policy/policy.js';
import { DEFAULT_SIZES, genericPolicySpec, headFor } from '../../agents/policy/specs.js';
import type { RoleSpec } from '../../envs/core/kernel.js';
import type { TradeMarketSpaces } from './spaces.js';
import type { TradeMarketOptions } from './options.js';
import { parsePairs, trainsAll, type TrainConfig } from '../../training/self-play/config.js';
import { tradeMarketWords } from './words.js';
import { roundsOption, type TrainingProfile } from '../../training/profiles/profile.js';

/**
 * GAMES.md §3's correction: against consumers who answer the price they see (demand-curve
 * consumers, or learned ones under price-first timing) the auctioneer reward is Σλ − p·Q,
 * maximised as p → 0, so a learner posts a degenerate price.
 */
function auctioneerWarnings(options: unknown, c: TrainConfig): string[] {
  const o = options as TradeMarketOptions;
  const setterLearns = trainsAll(c) || c.train === 'price-setter';
  if (o.reward !== 'auctioneer' || !setterLearns) return [];
  const curves = parsePairs(c.opponents).some(([side, agent]) => side === 'consumer' && agent === 'demand-curve');
  if (!curves && o.timing !== 'price-first') return [];
  const who = curves ? 'demand-curve consumers' : 'consumers who see the price before they demand (price-first timing)';
  return [
    `trade-market-v0 with reward "auctioneer" against ${who}: they answer the price they see, so the price-setter's reward is Σλ − p·Q, maximised as p → 0, and it learns a degenerate price, not p*. The auctioneer is a simultaneous-move device; use reward "balance" with timing "price-first" (the defaults) to learn p*.`,
  ];
}

/**
 * π_price-setter: a residual Gaussian around last round's price, mean = p_last + δ(obs), the
 * shape of tâtonnement: untrained it holds the price, and it learns how far to move it from
 * last round's excess demand and supply (recipes/LOG.md: with economies drawn every episode,
 * 300 iterations of 32 copies, mean price error 2.4% against 5.6% for a plain MLP).
 */
function priceSetterSpec(role: RoleSpec, c: TrainConfig): PolicySpec {
  const s = role.observationSpace as TradeMarketSpaces['priceSetterObservation'];
  return {
    name: role.name,
    network: { arch: 'residual-goal', obsSize: s.flatSize, hidden: [c.hidden, c.hidden], groundedOffset: s.offsets.lastPrice, dim: s.entries.lastPrice.flatSize, creations: 1, logStdInit: c.logStdInit },
    head: headFor(role).toJSON(),
  };
}

/** The price-setter (priceSetterSpec) and the consumers, an MLP with a clipped Gaussian head over their Box. */
export const tradeMarketProfile: TrainingProfile = {
  envId: 'trade-market-v0',
  rounds: roundsOption,
  policySpecs: (roles, c) =>
    roles.map((r) => (r.name === 'price-setter' ? priceSetterSpec(r, c) : genericPolicySpec(r, { ...DEFAULT_SIZES, hidden: [c.hidden, c.hidden], logStdInit: c.logStdInit }))),
  baselines: TRADE_MARKET_BASELINES,
  reference: TRADE_MARKET_REFERENCE,
  entropyCoef: { 'price-setter': 0, consumer: 0 },
  best: { metric: 'priceError', higherIsBetter: false },
  population: true,
  warnings: auctioneerWarnings,
  // The recipe of the results table's row 9 (recipes/9-trade-price-setter.json): the price-setter
  // learns against demand-curve consumers. γ = 0: with the balance reward p* is the best price of
  // every round on its own, so a round's reward is all the price-setter needs to learn from.
  trainDefaults: {
    train: 'price-setter',
    opponents: 'consumer=demand-curve',
    numEnvs: 32,
    minibatchSize: 256,
    hidden: 64,
    logStdInit: -1,
    learningRate: 0.001,
    gamma: 0,
    steps: 614_400,
  },
  ...tradeMarketWords,
};
