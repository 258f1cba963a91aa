import { HonestGoal } from '../../agents/attention-market/index.js';
import { ATTENTION_MARKET_ID } from '../../envs/attention-market/options.js';
import { evaluatePlay, type MatchupOptions, type PlayOutcome } from '../evaluate.js';
import { rewardMetric } from '../profiles/index.js';
import { trainsAll } from '../self-play/config.js';
import { AgentActor, DeviatorActor, PolicyActor, type RoleActor } from '../self-play/actors.js';
import type { SelfPlayTrainer } from '../self-play/trainer.js';
import type { Stat } from '../stats.js';

/** One line of the train summary's evaluation: who played, which figure, its mean and CI. */
export interface EvaluationCell {
  label: string;
  /** The actor of each side, by side name. */
  players: Record<string, string>;
  metric: string;
  stat: Stat;
}

/**
 * The short evaluation after training, on fresh seeds: for each side, its trained policy
 * against the other sides' reference baselines, next to the side's reference baseline against
 * the same opponents (its reward per agent per round), then the profile's headline metrics for
 * the trained sides together and for the references together. The attention market asks its
 * own questions: users' regret against exaggeration, and goal #0 playing π_goal among honest
 * goals (all goals share the U·N slots, so the mean goal utility cannot beat honesty).
 */
export function summaryEvaluation(trainer: SelfPlayTrainer, matchup: MatchupOptions): EvaluationCell[] {
  const { profile, sides } = trainer;
  const reference = (side: string): RoleActor => {
    const name = profile.reference[side];
    const make = profile.baselines[side]?.[name];
    if (!make) throw new Error(`training profile of ${trainer.envId}: side ${side} has no reference baseline "${name}"`);
    return new AgentActor(make());
  };
  const trained = (side: string) => new PolicyActor(trainer.policies[side], `trained ${side}`);
  const cells: EvaluationCell[] = [];
  const cell = (label: string, actors: RoleActor[], metric: string, pick: (r: PlayOutcome) => Stat) => {
    const r = evaluatePlay(actors, matchup);
    cells.push({ label, players: r.players, metric, stat: pick(r) });
  };
  if (trainer.envId === ATTENTION_MARKET_ID) {
    const exaggerate = () => reference('goal');
    const greedy = () => reference('user');
    const honest = () => new AgentActor(new HonestGoal());
    const regret = (r: PlayOutcome) => r.metrics.meanRegret;
    const goal0 = (r: PlayOutcome) => r.rewardByAgent.goal[0];
    cell('trained users vs exaggerate goals', [exaggerate(), trained('user')], 'meanRegret', regret);
    cell('greedy users vs exaggerate goals', [exaggerate(), greedy()], 'meanRegret', regret);
    cell('goal #0 trained, others honest, vs greedy users', [new DeviatorActor(honest(), trained('goal'), [0]), greedy()], 'goal0Utility', goal0);
    cell('goal #0 honest, others honest, vs greedy users', [honest(), greedy()], 'goal0Utility', goal0);
    return cells;
  }
  // Only the sides that learned are judged; a side that did not learn plays as in training
  // (the baseline the opponents setting names), else its reference agent.
  const learned = trainsAll(trainer.config) ? sides : sides.filter((s) => s === trainer.config.train);
  const partner = (s: string): { actor: RoleActor; name: string } => trainer.baseline(s) ?? { actor: reference(s), name: profile.reference[s] };
  for (const side of learned) {
    const others = sides.filter((s) => s !== side).map((s) => `${partner(s).name} ${s}`).join(', ');
    const vs = others ? ` vs ${others}` : '';
    const pick = (r: PlayOutcome) => r.reward[side];
    cell(`trained ${side}${vs}`, sides.map((s) => (s === side ? trained(s) : partner(s).actor)), rewardMetric(side), pick);
    cell(`${profile.reference[side]} ${side}${vs}`, sides.map((s) => (s === side ? reference(s) : partner(s).actor)), rewardMetric(side), pick);
  }
  const rest = sides.filter((s) => !learned.includes(s)).map((s) => `, ${partner(s).name} ${s}`).join('');
  const trainedLabel = learned.length === sides.length ? 'trained, every side' : `trained ${learned.join(', ')}${rest}`;
  for (const metric of profile.headline ?? []) {
    cell(trainedLabel, sides.map((s) => (learned.includes(s) ? trained(s) : partner(s).actor)), metric, (r) => r.metrics[metric]);
    cell(`references, every side`, sides.map((s) => reference(s)), metric, (r) => r.metrics[metric]);
  }
  return cells;
}
