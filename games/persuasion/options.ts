import { bool, int, json, num, oneOf, parseOptions, type CrossCheck, type OptionSchema } from '../../envs/core/options.js';
import { explainInstance, parseInstance, type PersuasionInstance } from './instance.js';
import { PERSUASION_PRESETS, SINGLE_USER_PRESETS } from './presets.js';
import { TIE_RULES, type TieRule } from './response.js';

export const EMERGENT_ALIGNMENT_ID = 'emergent-alignment-v0';
export const PLURALISTIC_MARKET_ID = 'pluralistic-market-v0';
export type PersuasionId = typeof EMERGENT_ALIGNMENT_ID | typeof PLURALISTIC_MARKET_ID;

export const RESPONSES = ['bayes', 'quantal'] as const;
export const SELECTIONS = ['all', 'best-after-evaluation'] as const;
export type ResponseRule = (typeof RESPONSES)[number];
export type SelectionRule = (typeof SELECTIONS)[number];

/** The options of both persuasion envs (GAMES.md §2), validated and with defaults filled in. */
export interface PersuasionOptions {
  readonly preset: string;
  /** A PersuasionInstance as JSON; when not null it replaces the preset. */
  readonly instance: unknown;
  readonly personalized: boolean;
  readonly response: ResponseRule;
  readonly beta: number;
  readonly ties: TieRule;
  readonly selection: SelectionRule;
  readonly evaluationRounds: number;
  readonly signalNoise: number;
  readonly rounds: number;
  readonly logitBound: number;
  readonly providers: number;
}

/** The option schema of one of the two ids: they differ in the presets and instances they accept. */
function persuasionSchema(id: PersuasionId) {
  const single = id === EMERGENT_ALIGNMENT_ID;
  const presets = single ? SINGLE_USER_PRESETS : Object.keys(PERSUASION_PRESETS);
  return {
    preset: oneOf(presets, single ? 'two-opposed' : 'two-types', 'the instance to play (see games/persuasion/presets.ts); ignored when `instance` is given'),
    instance: json<unknown>(
      null,
      single ? 'null or a PersuasionInstance object with one user type (see games/persuasion/README.md)' : 'null or a PersuasionInstance object (see games/persuasion/README.md)',
      'a custom instance as JSON (replaces the preset)',
      (v) => explainInstanceOption(id, v),
    ),
    personalized: bool(false, 'providers see the user type θ before committing (a policy per type) instead of one anonymous policy'),
    response: oneOf(RESPONSES, 'bayes', 'bayes: argmax of the posterior expected utility; quantal: P(a) ∝ exp(β·E[u])'),
    beta: num(10, 0, 1e6, 'β of the quantal response'),
    ties: oneOf(TIE_RULES, 'providers', "how a Bayes user breaks ties: the consulted providers' preferred action, or the first action"),
    selection: oneOf(SELECTIONS, 'all', 'all: consult every provider; best-after-evaluation: after E rounds per type, only the best one'),
    evaluationRounds: int(8, 1, 1_000_000, 'E: rounds (per user type) in which best-after-evaluation consults everyone'),
    signalNoise: num(0, 0, 1, 'ε ∈ [0, 1): probability that a provider observes a uniformly random state instead of y'),
    rounds: int(32, 1, 1_000_000, 'rounds per episode (then truncation)'),
    logitBound: num(8, 0, 20, 'L: the action logits lie in [−L, L]', true),
    providers: int(0, 0, 6, "k: play with the instance's first k providers only (0: all of them), to watch competition grow provider by provider"),
  } satisfies OptionSchema;
}

function explainInstanceOption(id: PersuasionId, v: unknown): string | null {
  if (v === null) return null;
  const why = explainInstance(v);
  if (why !== null) return why;
  const types = (v as PersuasionInstance).userTypes.length;
  if (id === EMERGENT_ALIGNMENT_ID && types !== 1) return `it has ${types} user types, and ${EMERGENT_ALIGNMENT_ID} models one user: use ${PLURALISTIC_MARKET_ID} for several`;
  return null;
}

const crossChecks: CrossCheck<ReturnType<typeof persuasionSchema>>[] = [
  {
    option: 'providers',
    check: (o) => {
      const available = fullInstance(o as unknown as PersuasionOptions).providers.length;
      return o.providers <= available ? null : `must be at most the ${available} provider(s) of the instance (0: all of them)`;
    },
  },
  { option: 'signalNoise', check: (o) => (o.signalNoise < 1 ? null : 'must be below 1 (at ε = 1 the providers observe nothing about y)') },
  {
    option: 'evaluationRounds',
    check: (o) =>
      o.selection !== 'best-after-evaluation' || o.evaluationRounds < o.rounds
        ? null
        : `must be below rounds = ${o.rounds} with selection "best-after-evaluation" (else the user never selects)`,
  },
];

export const emergentAlignmentSchema = persuasionSchema(EMERGENT_ALIGNMENT_ID);
export const pluralisticMarketSchema = persuasionSchema(PLURALISTIC_MARKET_ID);

export function parsePersuasionOptions(id: PersuasionId, input: unknown): PersuasionOptions {
  const schema = id === EMERGENT_ALIGNMENT_ID ? emergentAlignmentSchema : pluralisticMarketSchema;
  return parseOptions(id, schema, input, crossChecks) as PersuasionOptions;
}

/** The instance the options select: the `instance` JSON when given, else the preset; with `providers` k > 0, its first k providers. */
export function resolveInstance(o: PersuasionOptions): PersuasionInstance {
  const full = fullInstance(o);
  return o.providers > 0 && o.providers < full.providers.length ? { ...full, providers: full.providers.slice(0, o.providers) } : full;
}

function fullInstance(o: PersuasionOptions): PersuasionInstance {
  return o.instance === null || o.instance === undefined ? PERSUASION_PRESETS[o.preset] : parseInstance(o.instance, 'option "instance"');
}
