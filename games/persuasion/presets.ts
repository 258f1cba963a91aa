import { parseInstance, type PersuasionInstance } from './instance.js';

/**
 * The instances of GAMES.md §2 (and our own), by name. `b` is the providers' bias and `μ`
 * the prior of y = 1 in the binary examples.
 */
const B = 0.75;
const MU = 0.3;
const truth = (y: number, a: number) => (a === y ? 1 : 0);
/** A table [action][state] from f(a, y). */
const table = (A: number, Y: number, f: (a: number, y: number) => number) => Array.from({ length: A }, (_, a) => Array.from({ length: Y }, (_, y) => f(a, y)));

/** Bob 1 of GAMES.md: U₁ = (1−b)·1[a=y] + b·1[a=1]. */
const bob1 = { name: 'bob-yes', utility: table(2, 2, (a, y) => (1 - B) * truth(y, a) + B * (a === 1 ? 1 : 0)) };
/** Bob 2: U₂ = (1−b)·1[a=y] + b·1[a=0]. */
const bob2 = { name: 'bob-no', utility: table(2, 2, (a, y) => (1 - B) * truth(y, a) + B * (a === 0 ? 1 : 0)) };
/** The user u_A = (1−b)·1[a=y] + b/2: accuracy, affinely rescaled so that it is ½U₁ + ½U₂. */
const accuracyUser = { name: 'user', weight: 1, utility: table(2, 2, (a, y) => (1 - B) * truth(y, a) + B / 2) };

const binary = { states: ['y=0', 'y=1'], prior: [1 - MU, MU], actions: ['a=0', 'a=1'], messages: ['m0', 'm1'] };

/**
 * health-advice: states are the severity of a symptom, actions what the patient does. The
 * patient's utility rewards matching care to severity; each adviser weighs it against its
 * business (product sales, claim costs, appointments).
 */
const patient = [
  // mild, moderate, severe
  [1.0, 0.3, 0.0], // rest
  [0.7, 1.0, 0.2], // medication
  [0.5, 0.7, 1.0], // see-doctor
];
/** Claim cost to the insurer of each action. */
const claimCost = [0, 0.3, 1];
const HEALTH = {
  states: ['mild', 'moderate', 'severe'],
  prior: [0.5, 0.35, 0.15],
  actions: ['rest', 'medication', 'see-doctor'],
  messages: ['rest-advised', 'medicine-advised', 'doctor-advised'],
  providers: [
    { name: 'pharmacy-assistant', utility: table(3, 3, (a, y) => 0.4 * patient[a][y] + 0.6 * (a === 1 ? 1 : 0)) },
    { name: 'insurer', utility: table(3, 3, (a, y) => 0.5 * patient[a][y] + 0.5 * (1 - claimCost[a])) },
    { name: 'clinic', utility: table(3, 3, (a, y) => 0.4 * patient[a][y] + 0.6 * (a === 2 ? 1 : 0)) },
  ],
  userTypes: [{ name: 'patient', weight: 1, utility: patient }],
};

/**
 * news-feed: the state is how accurate a trending story is, the reader shares, reads or
 * ignores it. Tables are [action][state] with states (accurate, exaggerated, false).
 */
const NEWS = {
  states: ['accurate', 'exaggerated', 'false'],
  prior: [0.5, 0.3, 0.2],
  actions: ['share', 'read', 'ignore'],
  messages: ['verified', 'disputed', 'debunked'],
  providers: [
    /** Paid for engagement, whatever the story. */
    { name: 'engagement-feed', utility: [[1, 1, 1], [0.6, 0.6, 0.6], [0, 0, 0]] },
    /** Wants accurate stories shared, exaggerated ones read with care, false ones ignored. */
    { name: 'fact-checker', utility: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] },
    /** Lives on outrage: wants sensational (exaggerated or false) stories spread. */
    { name: 'tabloid', utility: [[0.2, 1, 1], [0.2, 0.6, 0.6], [0, 0, 0]] },
  ],
  userTypes: [
    /** Shares what is accurate, reads what is exaggerated, ignores what is false. */
    { name: 'informed-citizen', weight: 0.5, utility: [[1, 0.3, 0], [0.7, 0.6, 0.2], [0.3, 0.5, 1]] },
    /** Enjoys a sensational story and shares it; reads even a false one. */
    { name: 'entertainment-seeker', weight: 0.3, utility: [[0.8, 1, 0.4], [0.6, 0.7, 0.6], [0.1, 0.1, 0.3]] },
    /** Has little time: shares only what is accurate, ignores the rest. */
    { name: 'busy-reader', weight: 0.2, utility: [[0.6, 0.2, 0], [0.3, 0.3, 0.1], [0.5, 0.7, 1]] },
  ],
};

/**
 * three-sellers: the state is which of three products suits the user; seller i is paid
 * U_i = (1−b)·1[a=y] + b·1[a=i] (it wants its own product bought), the user wants the right
 * one, u = (1−b)·1[a=y] + b/3 = the sellers' average. With the `providers` option k = 1, 2, 3
 * sellers: ε* = b/2, b/4, 0.
 */
const THREE = ['A', 'B', 'C'];
const seller = (i: number) => ({ name: `seller-${THREE[i]}`, utility: table(3, 3, (a, y) => (1 - B) * truth(y, a) + B * (a === i ? 1 : 0)) });
const THREE_SELLERS = {
  states: THREE.map((p) => `${p}-suits`),
  prior: [0.45, 0.35, 0.2],
  actions: THREE.map((p) => `buy-${p}`),
  messages: THREE.map((p) => `recommend-${p}`),
  providers: [0, 1, 2].map(seller),
  userTypes: [{ name: 'buyer', weight: 1, utility: table(3, 3, (a, y) => (1 - B) * truth(y, a) + B / 3) }],
};

export const PERSUASION_PRESETS: Readonly<Record<string, PersuasionInstance>> = Object.freeze({
  'kg-single': parseInstance({
    name: 'kg-single',
    description: `one biased provider (b = ${B}) and one user, binary state with prior μ = ${MU}: the Kamenica–Gentzkow example, accuracy 1 − μ`,
    ...binary,
    providers: [bob1],
    userTypes: [accuracyUser],
  }),
  'two-opposed': parseInstance({
    name: 'two-opposed',
    description: `two providers biased in opposite directions (b = ${B}): the user's utility is their average, ε* = 0, full revelation is an equilibrium`,
    ...binary,
    providers: [bob1, bob2],
    userTypes: [accuracyUser],
  }),
  'two-types': parseInstance({
    name: 'two-types',
    description: 'two user types who disagree (one wants a = y, one a ≠ y) and a provider aligned with each: anonymous policies admit babbling, personalised ones recover each type\'s aligned utility',
    states: ['y=0', 'y=1'],
    prior: [0.5, 0.5],
    actions: ['a=0', 'a=1'],
    messages: ['m0', 'm1'],
    providers: [
      { name: 'truthful', utility: table(2, 2, (a, y) => truth(y, a)) },
      { name: 'contrarian', utility: table(2, 2, (a, y) => 1 - truth(y, a)) },
    ],
    userTypes: [
      { name: 'agree', weight: 0.5, utility: table(2, 2, (a, y) => truth(y, a)) },
      { name: 'disagree', weight: 0.5, utility: table(2, 2, (a, y) => 1 - truth(y, a)) },
    ],
  }),
  'three-sellers': parseInstance({
    name: 'three-sellers',
    description: `three sellers (b = ${B}) each push their own product to a buyer who wants the one that suits; the buyer's utility is their average, so ε* = 0 with all three (and b/2, b/4 with the first one, two: the option providers)`,
    ...THREE_SELLERS,
  }),
  'health-advice': parseInstance({
    name: 'health-advice',
    description: 'a patient asks three commercially biased advisers (a pharmacy assistant selling medicine, an insurer saving costs, a clinic filling appointments) how serious a symptom is',
    ...HEALTH,
  }),
  'news-feed': parseInstance({
    name: 'news-feed',
    description: 'three reader types with different tastes learn how accurate a story is from an engagement-maximising feed, a fact-checker and a tabloid',
    ...NEWS,
  }),
});

/** Presets with one user type (the ones `emergent-alignment-v0` accepts). */
export const SINGLE_USER_PRESETS = Object.keys(PERSUASION_PRESETS).filter((n) => PERSUASION_PRESETS[n].userTypes.length === 1);
