import { bool, int, num, oneOf, parseOptions, type CrossCheck, type OptionsOf } from '../../envs/core/options.js';

/**
 * Every setting of a self-play run. Validated like env options (the same errors name the
 * setting, the value and what is allowed), from CLI flags and `--config file.json` alike.
 * Steps count env steps as rounds summed over copies: one round (every phase once, e.g.
 * the goal phase and the user phase of the attention market) of one copy is one step.
 */
export const trainSchema = {
  steps: int(16_384, 1, 1e12, 'total env steps of the run: rounds summed over copies (a resumed run continues to the same total)'),
  numEnvs: int(16, 1, 4096, 'env copies stepped together per rollout (B)'),
  seed: int(0, 0, 2 ** 31 - 1, 'seed of the env, the initial weights and all sampling'),
  schedule: oneOf(['simultaneous', 'alternating'] as const, 'simultaneous', 'simultaneous: both sides learn every iteration; alternating: K iterations of one side against the frozen other'),
  alternateEvery: int(4, 1, 1_000_000, 'K, iterations of one side before the other learns (alternating schedule, population mode)'),
  population: bool(false, 'PSRO: snapshots of each side, an empirical payoff table, opponents sampled from its meta-game equilibrium'),
  populationSize: int(8, 2, 64, 'most snapshots kept per side (population mode)'),
  snapshotEvery: int(8, 1, 1_000_000, 'iterations between population snapshots'),
  metaSolver: oneOf(['regret-matching', 'lp', 'uniform', 'latest'] as const, 'regret-matching', 'how the meta-game is solved: regret matching, an exact LP (zero-sum only), uniform (fictitious play) or latest (plain self-play)'),
  learner: oneOf(['ppo', 'reinforce'] as const, 'ppo', 'the learning algorithm of both sides'),
  learningRate: num(3e-4, 0, 1, 'Adam learning rate', true),
  epochs: int(4, 1, 100, 'PPO epochs per batch'),
  minibatchSize: int(512, 8, 1_000_000, 'PPO minibatch size (transitions)'),
  clip: num(0.2, 0, 1, 'PPO clip ε', true),
  valueCoef: num(0.5, 0, 100, 'weight of the value loss'),
  entropyCoefUser: num(0.01, 0, 10, 'entropy bonus of π_user'),
  entropyCoefGoal: num(0, 0, 10, 'entropy bonus of π_goal'),
  maxGradNorm: num(0.5, 0, 1e6, 'global gradient-norm clip', true),
  gamma: num(0.95, 0, 1, 'discount per round'),
  gaeLambda: num(0.95, 0, 1, 'GAE λ'),
  hidden: int(64, 4, 4096, 'units of each of the two hidden layers'),
  logStdInit: num(-1.6, -5, 2, 'initial log-std of Gaussian heads'),
  userMemory: bool(true, "π_user also sees its own memory: per goal, its picks and their feedback so far this episode"),
  train: oneOf(['both', 'user', 'goal'] as const, 'both', 'which sides learn; a side that does not learn plays its opponent setting'),
  userOpponent: oneOf(['policy', 'greedy', 'softmax', 'random'] as const, 'policy', 'who plays the users when they do not learn: the (frozen) policy or a baseline'),
  goalOpponent: oneOf(['policy', 'honest', 'exaggerate', 'random'] as const, 'policy', 'who plays the goals when they do not learn: the (frozen) policy or a baseline'),
  checkpointEvery: int(16, 1, 1_000_000_000, 'iterations between checkpoints (one is always written at the end)'),
  keepLast: int(3, 1, 1000, 'checkpoints kept besides the best'),
} as const;

export type TrainConfig = OptionsOf<typeof trainSchema>;

const crossChecks: CrossCheck<typeof trainSchema>[] = [
  { option: 'population', check: (c) => (c.population && c.train !== 'both' ? 'population mode trains both sides: use train "both"' : null) },
  { option: 'userOpponent', check: (c) => (c.train === 'user' && c.userOpponent !== 'policy' ? 'the users learn, so their opponent setting must stay "policy"' : null) },
  { option: 'goalOpponent', check: (c) => (c.train === 'goal' && c.goalOpponent !== 'policy' ? 'the goals learn, so their opponent setting must stay "policy"' : null) },
];

export function parseTrainConfig(input: unknown, owner = 'train config'): TrainConfig {
  return parseOptions(owner, trainSchema, input, crossChecks);
}
