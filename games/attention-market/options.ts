import { int, num, oneOf, parseOptions, type CrossCheck, type OptionsOf } from '../../envs/core/options.js';

export const ATTENTION_MARKET_ID = 'attention-market-v0';

/** GAMES.md §1, every option with its default. */
export const attentionMarketSchema = {
  dim: int(16, 1, 1024, 'embedding dimension D'),
  users: int(4, 1, 1024, 'number of User Buddies U'),
  goals: int(8, 1, 1024, 'number of Goal Buddies G'),
  creationsPerGoal: int(2, 1, 64, 'creations each Goal Buddy emits per round, M'),
  slots: int(3, 1, 4096, 'attention slots per user per round, N ≤ goals·creationsPerGoal'),
  rounds: int(32, 1, 1_000_000, 'rounds per episode T (then truncation)'),
  costWeight: num(1.0, 0, 1e6, 'weight λ of the generation cost'),
  creationCost: num(0, 0, 1e6, 'flat cost c₀ per creation'),
  feedback: oneOf(['click', 'rating'] as const, 'click', 'click: y ~ Bernoulli(σ(β·r)); rating: y = r + N(0, s²)'),
  feedbackSharpness: num(4, 0, 1e6, 'β of click feedback'),
  ratingNoise: num(0.1, 0, 1e6, 's of rating feedback'),
  estimator: oneOf(['ridge', 'none'] as const, 'ridge', "how the env maintains each user's preference estimate q"),
  ridgePrior: num(1.0, 0, 1e12, 'ridge regulariser α (A₀ = αI)', true),
  learnFrom: oneOf(['advertised', 'grounded'] as const, 'advertised', 'the vector the estimate regresses on: advertised e or grounded g'),
  goalReward: oneOf(['visibility', 'regret'] as const, 'visibility', 'visibility (general-sum) or regret (zero-sum minimax)'),
  tasteClusters: int(1, 0, 1024, "K: 0, users' tastes θ independent (uniform on the sphere); K ≥ 1, drawn around K shared centres, each user's uniformly at random"),
  tasteSpread: num(0.5, 0, 1e6, 's: with tasteClusters ≥ 1, θ = (c + s·z)/‖c + s·z‖ around the user\'s centre c, z ~ N(0, I/D)'),
} as const;

export type AttentionMarketOptions = OptionsOf<typeof attentionMarketSchema>;

const crossChecks: CrossCheck<typeof attentionMarketSchema>[] = [
  {
    option: 'slots',
    check: (o) => (o.slots <= o.goals * o.creationsPerGoal ? null : `must be at most goals × creationsPerGoal = ${o.goals * o.creationsPerGoal} (the pool size P)`),
  },
  {
    option: 'dim',
    check: (o) => {
      const perCopy = o.users * o.dim * o.dim + o.goals * o.creationsPerGoal * o.dim * (o.users + 1);
      return perCopy <= 1 << 26 ? null : `with users = ${o.users} the ridge state (users·dim² = ${o.users * o.dim * o.dim} numbers) and pool are too large; keep users·dim² + pool·users·dim under 2^26`;
    },
  },
];

export function parseAttentionMarketOptions(input: unknown): AttentionMarketOptions {
  return parseOptions(ATTENTION_MARKET_ID, attentionMarketSchema, input, crossChecks);
}
