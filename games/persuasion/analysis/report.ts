import type { PersuasionInstance } from '../instance.js';
import { alignedValue } from './aligned-value.js';
import { BEST_RESPONSE_MAX_BINARIES } from './best-response-mip.js';
import { evaluateProfile } from './evaluate.js';
import { kamenicaGentzkow } from './kamenica-gentzkow.js';
import { marketAlignment, type MarketAlignment } from './market-alignment.js';
import { nashConv } from './nash-conv.js';
import { babblingProfile, truthfulProfile, type AnalysisOptions } from './profile.js';

/**
 * Everything the exact tools say about one instance under one set of env options, as plain
 * JSON (what `buddy-gym analyze --json` prints): V* and ε* per type, the Kamenica–Gentzkow
 * optimum of each provider alone (binary states), and NashConv and the users' gaps of the
 * truthful and babbling profiles.
 */
export interface AnalysisReport {
  readonly instance: { name: string; description: string; states: string[]; actions: string[]; messages: string[]; providers: string[]; userTypes: string[] };
  readonly userTypes: { type: string; weight: number; alignedValue: number }[];
  readonly marketAlignment: { anonymous: AlignmentJson; personalized: AlignmentJson };
  /** null when the states are not binary. */
  readonly kamenicaGentzkow: KgJson[] | null;
  readonly profiles: { truthful: ProfileJson; babbling: ProfileJson };
  readonly notes: string[];
}

export interface AlignmentJson {
  readonly epsilon: number;
  readonly types: { type: string; epsilon: number; weights: Record<string, number>; constant: number }[];
}

export interface KgJson {
  readonly provider: string;
  readonly value: number;
  readonly users: { type: string; utility: number; accuracy: number; gap: number; recommendation: number[][] }[];
  readonly signals: { types: string[]; messages: { probability: number; posterior: number; likelihood: number[]; actions: string[] }[] }[];
}

export interface ProfileJson {
  /** null when the instance is too large for exact best responses (see notes). */
  readonly nashConv: number | null;
  readonly providers: { provider: string; value: number; bestResponseValue: number | null; gain: number | null }[];
  readonly users: { type: string; value: number; alignedValue: number; gap: number; accuracy: number }[];
}

export async function analysisReport(instance: PersuasionInstance, options: AnalysisOptions & { selection?: string }): Promise<AnalysisReport> {
  const notes: string[] = [];
  const exact: AnalysisOptions = { ...options, selection: 'all' };
  if (options.selection !== undefined && options.selection !== 'all') {
    notes.push(
      `selection "${options.selection}" is dynamic (the user keeps one provider after the evaluation rounds) and not covered by the exact tools: the profile values below are for selection "all" (every provider consulted)`,
    );
  }
  const bayes: AnalysisOptions = { ...exact, response: 'bayes' };
  if (options.response === 'quantal') notes.push(`NashConv is for Bayes users (exact best responses); the user and provider values use the quantal response with β = ${options.beta ?? 10}`);
  const personalized = options.personalized ?? false;
  const v = alignedValue(instance);
  const names = instance.providers.map((p) => p.name);
  const alignment = (m: MarketAlignment): AlignmentJson => ({
    epsilon: m.epsilon,
    types: m.types.map((t) => ({ type: t.type, epsilon: t.epsilon, weights: Object.fromEntries(m.providers.map((i, j) => [names[i], t.weights[j]])), constant: t.constant })),
  });
  const binary = instance.states.length === 2;
  if (!binary) notes.push(`the Kamenica–Gentzkow optimum is computed for binary states; this instance has ${instance.states.length}`);

  const profiles = {} as Record<'truthful' | 'babbling', ProfileJson>;
  for (const [label, make] of [
    ['truthful', truthfulProfile],
    ['babbling', babblingProfile],
  ] as const) {
    const profile = make(instance, personalized);
    const value = evaluateProfile(instance, profile, exact);
    let nc: Awaited<ReturnType<typeof nashConv>> | null = null;
    try {
      nc = await nashConv(instance, profile, bayes);
    } catch (e) {
      // Too large for exact best responses: say so and report the rest.
      if (!(e instanceof RangeError && /binary choices|too large/.test(e.message))) throw e;
      if (!notes.some((n) => n.startsWith('NashConv: '))) notes.push(`NashConv: not computed (${e.message}; at most ${BEST_RESPONSE_MAX_BINARIES} binary choices per best response)`);
    }
    profiles[label] = {
      nashConv: nc ? nc.nashConv : null,
      providers: names.map((provider, i) => ({ provider, value: value.providers[i], bestResponseValue: nc ? nc.providers[i].value : null, gain: nc ? nc.providers[i].gain : null })),
      users: value.users.map((u) => ({ type: u.type, value: u.value, alignedValue: u.aligned, gap: u.gap, accuracy: u.accuracy })),
    };
  }
  if (instance.messages.length < instance.states.length) notes.push(`with ${instance.messages.length} messages for ${instance.states.length} states the truthful profile cannot reveal y: consecutive states share a message`);

  return {
    instance: {
      name: instance.name,
      description: instance.description,
      states: [...instance.states],
      actions: [...instance.actions],
      messages: [...instance.messages],
      providers: names,
      userTypes: instance.userTypes.map((t) => t.name),
    },
    userTypes: instance.userTypes.map((t, th) => ({ type: t.name, weight: t.weight, alignedValue: v[th] })),
    marketAlignment: {
      anonymous: alignment(await marketAlignment(instance, { personalized: false })),
      personalized: alignment(await marketAlignment(instance, { personalized: true })),
    },
    kamenicaGentzkow: binary
      ? names.map((provider, i) => {
          const kg = kamenicaGentzkow(instance, i, { personalized });
          return {
            provider,
            value: kg.value,
            users: kg.users.map((u) => ({ type: u.type, utility: u.value, accuracy: u.accuracy, gap: u.gap, recommendation: u.recommendation })),
            signals: kg.signals.map((s) => ({
              types: s.types.map((th) => instance.userTypes[th].name),
              messages: s.messages.map((m) => ({ probability: m.probability, posterior: m.posterior, likelihood: [...m.likelihood], actions: m.actions.map((a) => instance.actions[a]) })),
            })),
          };
        })
      : null,
    profiles,
    notes,
  };
}
