import { ATTENTION_MARKET_BASELINES, ATTENTION_MARKET_REFERENCE } from './baselines/catalogue.js';
import { DEFAULT_SIZES } from '../../agents/policy/specs.js';
import { attentionMarketPolicySpecs } from './policy-specs.js';
import { ATTENTION_MARKET_ID, type AttentionMarketOptions } from './options.js';
import { attentionMarketWords } from './words.js';
import type { Question, TrainingProfile } from '../../training/profiles/profile.js';

/** π_goal (a residual Gaussian around the grounded truth) and π_user (a pool scorer, with its owner memory by default). */
/** π_user against exaggerating goals, judged by regret (lower is better) against greedy users. */
export const USERS_VS_EXAGGERATION: Question = { label: 'users against exaggerating goals', side: 'user', partners: { goal: 'exaggerate' }, metric: 'meanRegret', figure: 'regret per user per round', higherIsBetter: false, reference: 'greedy' };

/** π_goal as goal #0 among honest goals against greedy users (a unilateral deviation), judged by its utility (higher is better). */
export const GOAL_AMONG_HONEST: Question = {
  label: 'goal #0 among honest goals, against greedy users',
  side: 'goal',
  partners: { user: 'greedy' },
  deviators: { agents: [0], among: 'honest' },
  figure: 'utility of goal #0 per round',
  higherIsBetter: true,
  reference: 'honest',
};

export const attentionMarketProfile: TrainingProfile = {
  envId: ATTENTION_MARKET_ID,
  rounds: (o) => (o as AttentionMarketOptions).rounds,
  policySpecs(roles, c, o) {
    const market = o as AttentionMarketOptions;
    const specs = attentionMarketPolicySpecs(
      roles,
      { ...DEFAULT_SIZES, hidden: [c.hidden, c.hidden], logStdInit: c.logStdInit },
      c.userMemory ? { rounds: market.rounds, feedback: market.feedback } : undefined,
    );
    return [specs.goal, specs.user];
  },
  baselines: ATTENTION_MARKET_BASELINES,
  reference: ATTENTION_MARKET_REFERENCE,
  // The self-play recipe of the results table's row 4 (recipes/4-self-play.json): a critic that
  // sees the hidden state (θ, g), γ = 0 (a round's choice barely moves later rounds' rewards,
  // and at γ = 0.95 the return's variance is almost all the hidden world's), whole-batch
  // minibatches, and a learning rate annealed to 0 over the 150 iterations.
  trainDefaults: { centralCritic: true, gamma: 0, minibatchSize: 4096, learningRate: 0.001, annealLr: true, steps: 76_800 },
  entropyCoef: { goal: 0, user: 0.01 },
  alternation: ['user', 'goal'],
  best: { metric: 'meanRegret', higherIsBetter: false },
  // All goals share the U·N slots, so the mean goal utility cannot beat honesty: a goal is
  // judged as a unilateral deviation (goal #0 trained among honest goals).
  questions: [USERS_VS_EXAGGERATION, GOAL_AMONG_HONEST],
  population: true,
  ...attentionMarketWords,
  // Its questions (rows 1–2 of RESULTS.md) are train's summary; its headline figures show in play and eval tables only.
  headline: [],
};
