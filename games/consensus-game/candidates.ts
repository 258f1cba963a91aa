/**
 * The candidates file of consensus-game-v0 (GAMES.md §4): questions x, each with a finite set Y
 * of candidate answers and the two initial policies a language model gives, as plain JSON:
 *
 * {
 *   "name": "arithmetic",                        non-empty string
 *   "description": "…",                          optional string
 *   "scores": "logprob",                         optional: "probability" (default) or "logprob"
 *   "questions": [{
 *     "question": "What is 17 + 25?",            the text x (non-empty)
 *     "candidates": ["42", "32", "43"],          Y: 2 to 64 distinct non-empty strings
 *     "generator": {                             π_G¹(y | x, v), one number per candidate, for
 *       "correct":   [0.6, 0.3, 0.1],             v = correct and v = incorrect
 *       "incorrect": [0.2, 0.5, 0.3] },
 *     "discriminator": [0.8, 0.3, 0.4],          π_D¹(correct | x, y), one per candidate
 *     "correct": 0                               optional: index of the true answer in Y
 *   }]
 * }
 *
 * With "probability" every generator row holds positive probabilities summing to 1 (±1e-6,
 * renormalised exactly on load) and every discriminator entry is in (0, 1). With "logprob"
 * a generator row holds log-scores of the candidates (an LM's sequence log-probabilities,
 * which do not sum to 1 over a finite Y): they are normalised on load by a softmax over Y;
 * a discriminator entry is log π_D¹(correct | x, y) < 0, and π_D¹(incorrect | x, y) = 1 − that.
 * Zero probabilities are refused: KL(π ‖ π¹) would be infinite for any policy that moved mass there.
 */

/** Verdict v: the index of "correct" and "incorrect" in every [2, K] table. */
export const CORRECT = 0;
export const INCORRECT = 1;

export const CANDIDATE_LIMITS = { questions: 100_000, candidates: 64 } as const;
const SUM_TOLERANCE = 1e-6;
/**
 * The smallest log-probability that is not a zero probability: exp of anything below it
 * underflows to 0 in double precision, and a zero makes the KL penalty infinite (the
 * observations and rewards would hold −∞ and ~−1e306).
 */
export const MIN_LOG_PROBABILITY = Math.log(Number.MIN_VALUE); // ≈ −744.44

/** The JSON as written (see the comment at the top of this file). */
export interface CandidatesJSON {
  name: string;
  description?: string;
  scores?: 'probability' | 'logprob';
  questions: QuestionJSON[];
}

export interface QuestionJSON {
  question: string;
  candidates: string[];
  generator: { correct: number[]; incorrect: number[] };
  discriminator: number[];
  correct?: number | null;
}

/** One question after loading: normalised log-policies in v-major [2, K] tables. */
export interface ConsensusQuestion {
  readonly text: string;
  readonly candidates: readonly string[];
  /** log π_G¹(y | x, v) at [v·K + y]; each row v sums to 1 in probability. */
  readonly generatorLogProbs: Float64Array;
  /** log π_D¹(v | x, y) at [v·K + y]; for each y the two entries sum to 1 in probability. */
  readonly discriminatorLogProbs: Float64Array;
  /** Index of the true answer in `candidates`, or null when unknown. */
  readonly correct: number | null;
}

export interface ConsensusCandidates {
  readonly name: string;
  readonly description: string;
  readonly questions: readonly ConsensusQuestion[];
  /** The largest |Y|: the width of the observations and of the generator's action. */
  readonly maxCandidates: number;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const QUESTION_FIELDS = ['question', 'candidates', 'generator', 'discriminator', 'correct'];
const TOP_FIELDS = ['name', 'description', 'scores', 'questions'];

/** Why `value` is not a valid candidates file, or null when it is. Every problem names the question and field. */
export function explainCandidates(value: unknown): string | null {
  if (!isObject(value)) return 'the candidates must be a JSON object with fields name, questions (and optionally description, scores)';
  for (const k of Object.keys(value)) if (!TOP_FIELDS.includes(k)) return `unknown field "${k}"; the fields are ${TOP_FIELDS.join(', ')}`;
  if (typeof value.name !== 'string' || value.name === '') return '"name" must be a non-empty string';
  if (value.description !== undefined && typeof value.description !== 'string') return '"description" must be a string';
  if (value.scores !== undefined && value.scores !== 'probability' && value.scores !== 'logprob') {
    return `"scores" must be "probability" or "logprob", got ${JSON.stringify(value.scores)}`;
  }
  const logprob = value.scores === 'logprob';
  const qs = value.questions;
  if (!Array.isArray(qs) || qs.length < 1 || qs.length > CANDIDATE_LIMITS.questions) return `"questions" must be an array of 1 to ${CANDIDATE_LIMITS.questions} questions`;
  for (let i = 0; i < qs.length; i++) {
    const why = explainQuestion(qs[i], logprob);
    if (why !== null) return `questions[${i}]${why}`;
  }
  return null;
}

/** What is wrong with one question, starting with the field's path (".generator.correct[2] …"), or null. */
function explainQuestion(q: unknown, logprob: boolean): string | null {
  if (!isObject(q)) return ' must be an object with fields question, candidates, generator, discriminator (and optionally correct)';
  for (const k of Object.keys(q)) if (!QUESTION_FIELDS.includes(k)) return `: unknown field "${k}"; the fields are ${QUESTION_FIELDS.join(', ')}`;
  if (typeof q.question !== 'string' || q.question === '') return '.question must be a non-empty string';
  const ys = q.candidates;
  const max = CANDIDATE_LIMITS.candidates;
  if (!Array.isArray(ys) || ys.length < 2 || ys.length > max) {
    return `.candidates must be an array of 2 to ${max} answers, got ${Array.isArray(ys) ? `${ys.length}` : typeof ys}`;
  }
  for (let y = 0; y < ys.length; y++) if (typeof ys[y] !== 'string' || ys[y] === '') return `.candidates[${y}] must be a non-empty string`;
  const dup = ys.findIndex((y, i) => ys.indexOf(y) !== i);
  if (dup >= 0) return `.candidates[${dup}] repeats ${JSON.stringify(ys[dup])}; candidates must be distinct`;
  const K = ys.length;

  if (!isObject(q.generator)) return '.generator must be an object { "correct": [...], "incorrect": [...] }';
  for (const k of Object.keys(q.generator)) if (k !== 'correct' && k !== 'incorrect') return `.generator: unknown field "${k}"; the fields are correct, incorrect`;
  for (const v of ['correct', 'incorrect'] as const) {
    const why = explainGeneratorRow(q.generator[v], K, logprob);
    if (why !== null) return `.generator.${v}${why}`;
  }
  const d = q.discriminator;
  const what = logprob ? 'log π_D¹(correct | x, y)' : 'π_D¹(correct | x, y)';
  if (!Array.isArray(d) || d.length !== K) return `.discriminator must have one number per candidate (${K}), ${what}; got ${Array.isArray(d) ? d.length : typeof d}`;
  for (let y = 0; y < K; y++) {
    const p = d[y];
    if (typeof p !== 'number' || !Number.isFinite(p)) return `.discriminator[${y}] must be a finite number, got ${JSON.stringify(p)}`;
    if (logprob && !(p < 0)) return `.discriminator[${y}] = ${p}: a log-probability of "correct" must be < 0 (π_D¹(incorrect | x, y) must be positive)`;
    if (logprob && p < MIN_LOG_PROBABILITY) return `.discriminator[${y}] = ${p}: a log-probability below ${MIN_LOG_PROBABILITY.toFixed(2)} is a probability of 0 in double precision (a zero makes the KL penalty infinite)`;
    if (!logprob && !(p > 0 && p < 1)) return `.discriminator[${y}] = ${p}: π_D¹(correct | x, y) must be strictly between 0 and 1${p < 0 ? ' (give "scores": "logprob" for log-probabilities)' : ''}`;
  }
  const c = q.correct;
  if (c !== undefined && c !== null && !(typeof c === 'number' && Number.isInteger(c) && c >= 0 && c < K)) {
    return `.correct must be the index of the true answer, an integer in [0, ${K - 1}], or null; got ${JSON.stringify(c)}`;
  }
  return null;
}

function explainGeneratorRow(row: unknown, K: number, logprob: boolean): string | null {
  if (!Array.isArray(row) || row.length !== K) return ` must have one number per candidate (${K}), got ${Array.isArray(row) ? row.length : typeof row}`;
  let sum = 0;
  for (let y = 0; y < K; y++) {
    const p = row[y];
    if (typeof p !== 'number' || !Number.isFinite(p)) return `[${y}] must be a finite number, got ${JSON.stringify(p)}`;
    if (!logprob && !(p > 0)) return `[${y}] = ${p}: probabilities must be positive${p < 0 ? ' (give "scores": "logprob" for log-probabilities)' : ' (a zero makes the KL penalty infinite)'}`;
    sum += p;
  }
  if (!logprob && Math.abs(sum - 1) > SUM_TOLERANCE) return ` sums to ${sum}, not 1; probabilities must sum to 1 (give "scores": "logprob" for unnormalised log-scores)`;
  if (logprob) {
    // Normalised, every candidate must keep a probability above zero.
    const normalised = new Float64Array(K);
    logNormalise(row as number[], true, normalised, 0);
    for (let y = 0; y < K; y++) {
      if (!(normalised[y] >= MIN_LOG_PROBABILITY)) {
        return `[${y}] = ${row[y]}: normalised over the candidates it is a log-probability of ${normalised[y]}, below ${MIN_LOG_PROBABILITY.toFixed(2)}, a probability of 0 in double precision (a zero makes the KL penalty infinite)`;
      }
    }
  }
  return null;
}

/** The candidates, validated and normalised, or a RangeError naming the question and field that is wrong. */
export function parseCandidates(value: unknown, source = 'candidates'): ConsensusCandidates {
  const why = explainCandidates(value);
  if (why !== null) throw new RangeError(`${source}: ${why}`);
  const v = value as CandidatesJSON;
  const logprob = v.scores === 'logprob';
  const questions = v.questions.map((q): ConsensusQuestion => {
    const K = q.candidates.length;
    const g = new Float64Array(2 * K);
    const d = new Float64Array(2 * K);
    logNormalise(q.generator.correct, logprob, g, CORRECT * K);
    logNormalise(q.generator.incorrect, logprob, g, INCORRECT * K);
    for (let y = 0; y < K; y++) {
      const s = q.discriminator[y];
      d[CORRECT * K + y] = logprob ? s : Math.log(s);
      d[INCORRECT * K + y] = logprob ? Math.log(-Math.expm1(s)) : Math.log1p(-s);
    }
    return Object.freeze({ text: q.question, candidates: Object.freeze([...q.candidates]), generatorLogProbs: g, discriminatorLogProbs: d, correct: q.correct ?? null });
  });
  return Object.freeze({
    name: v.name,
    description: v.description ?? '',
    questions: Object.freeze(questions),
    maxCandidates: Math.max(...questions.map((q) => q.candidates.length)),
  });
}

/** Writes log(row / Σ row) (probabilities) or row − logsumexp(row) (log-scores) into out[off ..]. */
function logNormalise(row: readonly number[], logprob: boolean, out: Float64Array, off: number): void {
  if (logprob) {
    let max = -Infinity;
    for (const s of row) max = Math.max(max, s);
    let sum = 0;
    for (const s of row) sum += Math.exp(s - max);
    const lse = max + Math.log(sum);
    row.forEach((s, y) => (out[off + y] = s - lse));
  } else {
    let sum = 0;
    for (const p of row) sum += p;
    const logSum = Math.log(sum);
    row.forEach((p, y) => (out[off + y] = Math.log(p) - logSum));
  }
}
