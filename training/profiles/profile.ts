import type { Agent } from '../../agents/agent.js';
import type { PolicySpec } from '../../agents/policy/policy.js';
import { DEFAULT_SIZES, genericPolicySpec } from '../../agents/policy/specs.js';
import { RandomAgent } from '../../agents/random.js';
import type { RoleSpec } from '../../envs/core/kernel.js';
import type { TrainConfig } from '../self-play/config.js';

/**
 * How self-play trains one env: a *side* is a role of the env's kernel (goal, user,
 * provider, consumer, ...), and every agent of a role shares that side's one policy
 * (parameter sharing; a role's observation says which agent it is where that matters).
 * A profile gives the policies' architecture, the scripted agents that can stand in for a
 * side that does not learn (and that evaluations compare with), and what "best" means.
 */
export interface TrainingProfile {
  readonly envId: string;
  /** Rounds of one episode for these (parsed) env options: the rollout length. */
  rounds(options: unknown): number;
  /** One policy spec per role, in role order. */
  policySpecs(roles: readonly RoleSpec[], config: TrainConfig, options: unknown): PolicySpec[];
  /** Scripted agents by side and name, e.g. { user: { greedy: () => new GreedyUser() } }. */
  readonly baselines: Readonly<Record<string, Readonly<Record<string, () => Agent>>>>;
  /** The reference baseline of each side, which the train summary compares the trained policies with. */
  readonly reference: Readonly<Record<string, string>>;
  /** Entropy bonus of each side unless the `entropyCoef` setting says otherwise. */
  readonly entropyCoef: Readonly<Record<string, number>>;
  /** The order in which sides take turns under the alternating schedule (default: role order). */
  readonly alternation?: readonly string[];
  /** The checkpoint kept as best: an episode metric (a round metric or `<side>Reward`) and its direction. */
  readonly best: { readonly metric: string; readonly higherIsBetter: boolean };
  /** Whether population mode (PSRO) is offered: it needs two sides, whose payoff table it builds. */
  readonly population: boolean;
  /** Round metrics the train summary evaluates for the trained profile and for the references (e.g. the user's gap). */
  readonly headline?: readonly string[];
  /** Words for metric names in summaries. */
  readonly metricLabels?: Readonly<Record<string, string>>;
  /**
   * The game's training recipe: settings `train <id>` uses unless a --config file or a flag
   * says otherwise (defaults < trainDefaults < --config < flags).
   */
  readonly trainDefaults?: Readonly<Partial<TrainConfig>>;
  /** Warnings about a combination of env options and settings that trains something other than intended (train prints them on stderr). */
  warnings?(options: unknown, config: TrainConfig): string[];
}

/** `price-setter` → `priceSetterReward`: the episode metric of a side's mean reward. */
export function rewardMetric(side: string): string {
  return `${side.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Reward`;
}

/** The rollout length of envs whose options have `rounds`. */
export function roundsOption(options: unknown): number {
  const rounds = (options as { rounds?: unknown } | null)?.rounds;
  if (typeof rounds !== 'number' || !Number.isInteger(rounds) || rounds < 1) {
    throw new RangeError('self-play needs a fixed episode length: the env must have an integer option "rounds"');
  }
  return rounds;
}

/**
 * The profile of an env nobody wrote one for (a user's own registered env): an MLP per role
 * over the flat observation with the head its action space calls for, random agents as the
 * only baselines, and the first role's reward as the measure of the best checkpoint.
 */
export function genericProfile(envId: string, roles: readonly RoleSpec[]): TrainingProfile {
  const baselines: Record<string, Record<string, () => Agent>> = {};
  const reference: Record<string, string> = {};
  const entropyCoef: Record<string, number> = {};
  for (const r of roles) {
    baselines[r.name] = { random: () => new RandomAgent() };
    reference[r.name] = 'random';
    entropyCoef[r.name] = 0.01;
  }
  return {
    envId,
    rounds: roundsOption,
    policySpecs: (rs, c) => rs.map((r) => genericPolicySpec(r, { ...DEFAULT_SIZES, hidden: [c.hidden, c.hidden], logStdInit: c.logStdInit })),
    baselines,
    reference,
    entropyCoef,
    best: { metric: rewardMetric(roles[0].name), higherIsBetter: true },
    population: roles.length === 2,
  };
}
