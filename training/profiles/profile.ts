import type { BaselineCatalogue } from '../../agents/baseline.js';
import type { PolicySpec } from '../../agents/policy/policy.js';
import { DEFAULT_SIZES, genericPolicySpec } from '../../agents/policy/specs.js';
import { RANDOM_BASELINE } from '../../agents/random.js';
import type { RoleSpec } from '../../envs/core/kernel.js';
import type { TrainConfig } from '../self-play/config.js';
import type { MetricWords } from './metric-words.js';

export { metricLabel, summaryMetrics } from './metric-words.js';

/**
 * How self-play trains one env: a *side* is a role of the env's kernel (goal, user,
 * provider, consumer, ...), and every agent of a role shares that side's one policy
 * (parameter sharing; a role's observation says which agent it is where that matters).
 * A profile gives the policies' architecture, the scripted agents that can stand in for a
 * side that does not learn (and that evaluations compare with), and what "best" means.
 */
export interface TrainingProfile extends MetricWords {
  readonly envId: string;
  /** Rounds of one episode for these (parsed) env options: the rollout length. */
  rounds(options: unknown): number;
  /** One policy spec per role, in role order. */
  policySpecs(roles: readonly RoleSpec[], config: TrainConfig, options: unknown): PolicySpec[];
  /** Scripted agents by side and name (the game descriptor's catalogue). */
  readonly baselines: BaselineCatalogue;
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
  /**
   * How a trained side is judged after training, when a game asks more than "its reward
   * against the others' reference baselines" (the default question per side).
   */
  readonly questions?: readonly Question[];
  /**
   * The game's training recipe: settings `train <id>` uses unless a --config file or a flag
   * says otherwise (defaults < trainDefaults < --config < flags).
   */
  readonly trainDefaults?: Readonly<Partial<TrainConfig>>;
  /** Warnings about a combination of env options and settings that trains something other than intended (train prints them on stderr). */
  warnings?(options: unknown, config: TrainConfig): string[];
}

/**
 * One question the evaluation asks of a trained side: its deterministic (mode) policy, with
 * its sampled one beside it, against `partners` (a baseline per other side), compared in
 * pairs on the same worlds with `reference` (a baseline of the side) playing in its place.
 */
export interface Question {
  /** e.g. "users against exaggerating goals". */
  readonly label: string;
  readonly side: string;
  /** Several sides judged together (their trained policies, then their references), e.g. for a headline figure of the whole profile; `side` names the first. */
  readonly sides?: readonly string[];
  /** The baseline playing each other side. */
  readonly partners: Readonly<Record<string, string>>;
  /** Only these agents of the side play the policy (and the reference); the others play `among`. */
  readonly deviators?: { readonly agents: readonly number[]; readonly among: string };
  /** A round metric of the env, or (absent) the side's reward per agent per round (the deviators' with deviators). */
  readonly metric?: string;
  /** Words for the figure, e.g. "regret per user per round". */
  readonly figure: string;
  readonly higherIsBetter: boolean;
  /** The side's baseline the trained policy is compared with (with `sides`: each side's reference). */
  readonly reference: string;
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

/** What a game without a training part still says about itself: its baselines and its words. */
export interface GenericProfileGame {
  readonly baselines: BaselineCatalogue;
  readonly reference: Readonly<Record<string, string>>;
  readonly words?: MetricWords;
}

/**
 * The profile of an env nobody wrote one for (a game without a training part, or a user's own
 * registered env): an MLP per role over the flat observation with the head its action space
 * calls for, the game's baselines and words (random agents where it has none), and the first
 * role's reward as the measure of the best checkpoint.
 */
export function genericProfile(envId: string, roles: readonly RoleSpec[], game?: GenericProfileGame): TrainingProfile {
  const baselines: Record<string, BaselineCatalogue[string]> = {};
  const reference: Record<string, string> = {};
  const entropyCoef: Record<string, number> = {};
  for (const r of roles) {
    baselines[r.name] = game?.baselines[r.name] ?? { random: RANDOM_BASELINE };
    reference[r.name] = game?.reference[r.name] ?? Object.keys(baselines[r.name])[0];
    entropyCoef[r.name] = 0.01;
  }
  return {
    ...game?.words,
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
