import { bool, int, num, oneOf, parseOptions, text, type CrossCheck, type OptionsOf } from '../../envs/core/options.js';

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
  learningRate: num(3e-4, 0, 1, 'Adam learning rate of every side that learningRateBySide does not name', true),
  learningRateBySide: text('', 'empty, or side=number pairs like "user=0.001,goal=0.0003" (each in (0, 1])', 'learning rate of some sides, overriding learningRate for them', checkLearningRates),
  annealLr: bool(false, 'decay every learning rate linearly to 0 over the run (CleanRL anneal_lr)'),
  targetKl: num(0, 0, 10, 'stop an update early once a minibatch\'s approximate KL exceeds 1.5 × this (SB3 target_kl); 0: never'),
  epochs: int(4, 1, 100, 'PPO epochs per batch'),
  minibatchSize: int(512, 8, 1_000_000, 'PPO minibatch size (transitions)'),
  clip: num(0.2, 0, 1, 'PPO clip ε', true),
  valueCoef: num(0.5, 0, 100, 'weight of the value loss'),
  entropyCoef: text('', 'empty (the env\'s defaults), a number in [0, 10], or side=number pairs like "user=0.01,goal=0"', "entropy bonus of each side's policy (attention market defaults: user 0.01, goal 0; other envs 0.01)", checkEntropyCoef),
  maxGradNorm: num(0.5, 0, 1e6, 'global gradient-norm clip', true),
  gamma: num(0.95, 0, 1, 'discount per round'),
  gaeLambda: num(0.95, 0, 1, 'GAE λ'),
  hidden: int(64, 4, 4096, 'units of each of the two hidden layers'),
  logStdInit: num(-1.6, -5, 2, 'initial log-std of Gaussian heads'),
  centralCritic: bool(false, "MAPPO-style: each side's value function also sees the env's privileged features of the hidden state (true preferences, true relevances; never the policy), where the env offers them"),
  userMemory: bool(true, "π_user also sees its own memory: per goal, its picks and their feedback so far this episode"),
  evalEvery: int(16, 0, 1_000_000, 'iterations between evaluations of the deterministic (mode) policies on fixed worlds, which also pick the best checkpoint; 0: none (best by the training episodes)'),
  evalWorlds: int(256, 1, 1_000_000, 'worlds (one episode of one env copy each, the same every time) of each periodic evaluation'),
  deviators: int(0, 0, 1_000_000, 'with one learning side: how many of its agents play its policy (the first ones), the rest playing its opponents baseline, or with "<side>=policy" the side\'s policy as it was at the start, frozen; 0: all of them'),
  train: text('all', '"all" ("both" is the same) or the name of one side (a role of the env: user, goal, provider, consumer, ...)', 'which sides learn; a side that does not learn plays its opponent setting', checkSideName),
  opponents: text('', 'empty, or side=agent pairs like "user=greedy" or "price-setter=tatonnement,consumer=demand-curve"', "who plays a side that does not learn: its frozen policy (the default, or \"policy\") or one of the env's baseline agents (buddy-gym list <id>)", checkOpponents),
  rollout: oneOf(
    ['auto', 'host', 'device'] as const,
    'auto',
    'where episodes are played: host (the typed-array vector env), device (the game\'s tensor form, where it has one: on a GPU nothing leaves it but metric scalars), auto (device on a GPU backend, host otherwise)',
  ),
  engine: oneOf(
    ['auto', 'fused', 'tfjs'] as const,
    'auto',
    'what computes the policies: fused (WebAssembly SIMD kernels on the CPU, PPO only; several times faster than tfjs on a CPU backend), tfjs (the tfjs backend), auto (fused for PPO on a CPU backend, tfjs on a GPU backend and for REINFORCE)',
  ),
  threads: int(0, 0, 64, 'threads of the fused engine (0: one per core, at most 4); results do not depend on it'),
  checkpointEvery: int(16, 1, 1_000_000_000, 'iterations between checkpoints (one is always written at the end)'),
  keepLast: int(3, 1, 1000, 'checkpoints kept besides the best'),
} as const;

export type TrainConfig = OptionsOf<typeof trainSchema>;

const crossChecks: CrossCheck<typeof trainSchema>[] = [
  { option: 'population', check: (c) => (c.population && !trainsAll(c) ? 'population mode trains both sides: use train "all"' : null) },
  {
    option: 'opponents',
    check: (c) => {
      const side = trainsAll(c) ? undefined : c.train;
      const pairs = parsePairs(c.opponents);
      for (const [s, agent] of pairs) {
        // with deviators, the learning side's other agents are played by its baseline
        if (agent !== 'policy' && (side === undefined || s === side) && !(c.deviators > 0 && s === side)) return `the ${s} side learns, so it cannot be played by "${agent}" (unless deviators is set)`;
      }
      return null;
    },
  },
  {
    option: 'deviators',
    check: (c) => {
      if (c.deviators === 0) return null;
      if (trainsAll(c)) return 'deviators needs one learning side: set train to a side';
      if (!parsePairs(c.opponents).some(([s]) => s === c.train)) return `the ${c.train} side's other agents need a player: add "${c.train}=<agent>" to opponents (a baseline, or "policy" for the side's starting policy, frozen)`;
      if (c.population) return 'population mode trains whole sides';
      return null;
    },
  },
];

/** Whether every side learns ("all", or its synonym "both"). */
export function trainsAll(c: Pick<TrainConfig, 'train'>): boolean {
  return c.train === 'all' || c.train === 'both';
}

const SIDE_RE = /^[a-z][a-z0-9-]*$/;

function checkSideName(v: string): string | null {
  return SIDE_RE.test(v) ? null : `"${v}" is not a side name (lower-case letters, digits and dashes)`;
}

/** "a=x,b=y" as [a, x], [b, y]; assumes it was checked. */
export function parsePairs(v: string): [string, string][] {
  if (v.trim() === '') return [];
  return v.split(',').map((p) => {
    const eq = p.indexOf('=');
    return [p.slice(0, eq).trim(), p.slice(eq + 1).trim()];
  });
}

function checkPairs(v: string, value: (x: string) => string | null): string | null {
  if (v.trim() === '') return null;
  const seen = new Set<string>();
  for (const p of v.split(',')) {
    const eq = p.indexOf('=');
    if (eq <= 0) return `"${p}" is not side=value`;
    const side = p.slice(0, eq).trim();
    const bad = checkSideName(side) ?? value(p.slice(eq + 1).trim());
    if (bad) return bad;
    if (seen.has(side)) return `side "${side}" appears twice`;
    seen.add(side);
  }
  return null;
}

function checkOpponents(v: string): string | null {
  return checkPairs(v, (x) => (/^[a-z][a-z0-9-]*$/.test(x) ? null : `"${x}" is not an agent name`));
}

const COEF_RE = /^\d+(\.\d*)?(e[+-]?\d+)?$|^\.\d+(e[+-]?\d+)?$/i;
function checkCoef(x: string): string | null {
  return COEF_RE.test(x) && Number(x) <= 10 ? null : `"${x}" is not a number in [0, 10]`;
}

function checkLearningRates(v: string): string | null {
  return checkPairs(v, (x) => (COEF_RE.test(x) && Number(x) > 0 && Number(x) <= 1 ? null : `"${x}" is not a number in (0, 1]`));
}

/** Each side's learning rate: `learningRate`, or its entry in `learningRateBySide`. */
export function learningRateOf(c: Pick<TrainConfig, 'learningRate' | 'learningRateBySide'>, side: string): number {
  const pair = parsePairs(c.learningRateBySide).find(([s]) => s === side);
  return pair ? Number(pair[1]) : c.learningRate;
}

function checkEntropyCoef(v: string): string | null {
  if (v.trim() === '' || !v.includes('=')) return v.trim() === '' ? null : checkCoef(v.trim());
  return checkPairs(v, checkCoef);
}

/**
 * The entropy bonus of each side: `defaults` (the env's), overridden by the setting — one
 * number for every side, or side=number pairs. Sides not in `sides` are refused by the caller.
 */
export function entropyCoefs(c: Pick<TrainConfig, 'entropyCoef'>, defaults: Readonly<Record<string, number>>): Record<string, number> {
  const out = { ...defaults };
  const v = c.entropyCoef.trim();
  if (v === '') return out;
  if (!v.includes('=')) {
    for (const k of Object.keys(out)) out[k] = Number(v);
    return out;
  }
  for (const [side, x] of parsePairs(v)) out[side] = Number(x);
  return out;
}

export function parseTrainConfig(input: unknown, owner = 'train config'): TrainConfig {
  return parseOptions(owner, trainSchema, input, crossChecks);
}
