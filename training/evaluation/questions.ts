import type { Policy } from '../../agents/policy/policy.js';
import type { Question, TrainingProfile } from '../profiles/profile.js';
import { AgentActor, DeviatorActor, PolicyActor, type RoleActor } from '../self-play/actors.js';
import { compare, type Comparison } from './paired.js';
import { playWorlds, type WorldResults, type WorldsOptions } from './worlds.js';

/** A question answered: the trained policy (mode and sampled) and the reference on the same worlds. */
export interface Answer {
  question: Question;
  /** The actors of each profile played, by side. */
  players: { mode: Record<string, string>; reference: Record<string, string> };
  /** Mode policy vs reference (the verdict), paired. */
  mode: Comparison;
  /** Sampled policy vs reference, paired. */
  sampled: Comparison;
  worlds: number;
}

/**
 * The questions asked of the trained sides: the profile's own for those sides, else one
 * per side: its reward against the other sides' partners (the baselines of the run's
 * `opponents` setting, else the references), compared with its reference baseline.
 */
export function questionsFor(profile: TrainingProfile, sides: readonly string[], trained: readonly string[], partnerOf: (side: string) => string): Question[] {
  const own = (profile.questions ?? []).filter((q) => trained.includes(q.side));
  const asked = new Set(own.map((q) => q.side));
  const generic = trained
    .filter((side) => !asked.has(side))
    .map((side): Question => {
      const partners = Object.fromEntries(sides.filter((s) => s !== side).map((s) => [s, partnerOf(s)]));
      const vs = Object.entries(partners).map(([s, b]) => `${b} ${s}`).join(', ');
      return { label: `${side}${vs ? ` against ${vs}` : ''}`, side, partners, figure: `${side} reward per agent per round`, higherIsBetter: true, reference: profile.reference[side] };
    });
  // The game's headline figures that have a better direction (a zero-sum game's match rate has
  // none), for the trained sides together against their references.
  const partners = Object.fromEntries(sides.filter((s) => !trained.includes(s)).map((s) => [s, partnerOf(s)]));
  const rest = Object.entries(partners).map(([s, b]) => `, ${b} ${s}`).join('');
  const headline = (profile.headline ?? []).filter((metric) => profile.better?.[metric] !== undefined).map(
    (metric): Question => ({
      label: `${trained.join(' and ')} trained${rest}`,
      side: trained[0],
      sides: trained,
      partners,
      metric,
      figure: profile.metricLabels?.[metric] ?? metric,
      higherIsBetter: profile.better![metric] === 'higher',
      reference: 'references',
    }),
  );
  return [...own, ...generic, ...headline];
}

/** Plays a question's three profiles on the same worlds and compares them in pairs. */
export function answer(q: Question, policies: Readonly<Record<string, Policy>>, profile: TrainingProfile, sides: readonly string[], o: WorldsOptions): Answer {
  const baseline = (side: string, name: string): RoleActor => {
    const make = profile.baselines[side]?.[name]?.make;
    if (!make) throw new Error(`${profile.envId}: side ${side} has no baseline "${name}" (it has ${Object.keys(profile.baselines[side] ?? {}).join(', ')})`);
    return new AgentActor(make());
  };
  const judged = q.sides ?? [q.side];
  const candidate = (side: string, actor: RoleActor): RoleActor => (q.deviators ? new DeviatorActor(baseline(side, q.deviators.among), actor, q.deviators.agents) : actor);
  const play = (player: (side: string) => RoleActor): WorldResults => playWorlds(sides.map((s) => (judged.includes(s) ? candidate(s, player(s)) : baseline(s, q.partners[s]))), o);
  const figure = (r: WorldResults): Float64Array => {
    if (q.metric) return r.metric(q.metric);
    if (!q.deviators) return r.reward(q.side);
    const each = q.deviators.agents.map((a) => r.agentReward(q.side, a));
    return Float64Array.from({ length: r.worlds }, (_, w) => each.reduce((s, xs) => s + xs[w], 0) / each.length);
  };
  const mode = play((s) => new PolicyActor(policies[s], { name: `trained ${s} (mode)`, deterministic: true }));
  const sampled = play((s) => new PolicyActor(policies[s], `trained ${s} (sampled)`));
  const reference = play((s) => baseline(s, q.sides ? profile.reference[s] : q.reference));
  const ref = figure(reference);
  return {
    question: q,
    players: { mode: { ...mode.players }, reference: { ...reference.players } },
    mode: compare(figure(mode), ref, q.higherIsBetter),
    sampled: compare(figure(sampled), ref, q.higherIsBetter),
    worlds: o.worlds,
  };
}

