import { CORRECT, parseCandidates, type ConsensusCandidates } from './candidates.js';
import { equilibriumRanking, rankDescending, resolveERParams, type EquilibriumRankingParams } from './equilibrium-ranking.js';
import { expectedRewards } from './expected-rewards.js';
import { erParamsOf, parseConsensusGameOptions } from './options.js';

/** Equilibrium-Ranking parameters for the analysis: eta and lambda set both players', etaG … override them. */
export interface ConsensusAnalysisParams {
  eta?: number;
  etaG?: number;
  etaD?: number;
  lambda?: number;
  lambdaG?: number;
  lambdaD?: number;
  /** Iterations. */
  T?: number;
}

type Rankings<V> = { readonly initialG: V; readonly initialD: V; readonly erG: V; readonly erD: V };

export interface QuestionAnalysis {
  readonly index: number;
  readonly question: string;
  readonly candidates: readonly string[];
  /** Index of the true answer, or null. */
  readonly correct: number | null;
  /** Every candidate index, best first: by π_G¹(y|correct), π_D¹(correct|y), π_G^ER(y|correct), π_D^ER(correct|y). */
  readonly rankings: Rankings<readonly number[]>;
  /** The scores those rankings sort, per candidate. */
  readonly scores: Rankings<readonly number[]>;
  /** Whether each ranking puts the true answer first (null when it is unknown). */
  readonly topIsCorrect: Rankings<boolean | null>;
  /** The fixed-point residual of equilibrium-ranking.ts (last iterate against the averages' response). */
  readonly residual: { readonly generator: number; readonly discriminator: number };
  /** The last-iterate fixed-point gap of equilibrium-ranking.ts. */
  readonly gap: { readonly generator: number; readonly discriminator: number };
  /** Exact P(v̂ = v) when both play their initial policies, and when both play Equilibrium-Ranking's. */
  readonly expectedAgreement: { readonly initial: number; readonly er: number };
}

/** A JSON-able report of Equilibrium-Ranking on every question of a candidates file. */
export interface ConsensusAnalysis {
  readonly name: string;
  readonly description: string;
  readonly params: EquilibriumRankingParams;
  readonly questions: readonly QuestionAnalysis[];
  /** Share of the questions with a known answer whose ranking puts it first (null when none is known). */
  readonly accuracy: { readonly known: number } & Rankings<number | null>;
  readonly maxResidual: number;
  readonly maxGap: number;
}

const PARAM_KEYS = ['eta', 'etaG', 'etaD', 'lambda', 'lambdaG', 'lambdaD', 'T'];

/**
 * Runs Equilibrium-Ranking on every question. `input` is either a candidates JSON object (it has
 * `questions`) or consensus-game-v0 options (their `candidates`, default the example, and their
 * er* parameters as defaults). Throws a RangeError naming what is wrong with either argument.
 */
export function consensusAnalysis(input: unknown, params: ConsensusAnalysisParams = {}): ConsensusAnalysis {
  if (typeof params !== 'object' || params === null) throw new RangeError(`consensusAnalysis: the parameters must be an object with some of ${PARAM_KEYS.join(', ')}`);
  for (const k of Object.keys(params)) if (!PARAM_KEYS.includes(k)) throw new RangeError(`consensusAnalysis: unknown parameter "${k}"; the parameters are ${PARAM_KEYS.join(', ')}`);
  const isCandidates = typeof input === 'object' && input !== null && Object.hasOwn(input, 'questions');
  let candidates: ConsensusCandidates;
  let base: Partial<EquilibriumRankingParams> = {};
  if (isCandidates) candidates = parseCandidates(input);
  else {
    const options = parseConsensusGameOptions(input);
    candidates = parseCandidates(options.candidates);
    base = erParamsOf(options);
  }
  const p = params;
  const resolved = resolveERParams({
    ...base,
    ...defined({ etaG: p.etaG ?? p.eta, etaD: p.etaD ?? p.eta, lambdaG: p.lambdaG ?? p.lambda, lambdaD: p.lambdaD ?? p.lambda, iterations: p.T }),
  });

  const questions = candidates.questions.map((q, index): QuestionAnalysis => {
    const K = q.candidates.length;
    const er = equilibriumRanking(q, resolved);
    const scores = {
      initialG: Array.from(q.generatorLogProbs.subarray(CORRECT * K, CORRECT * K + K), Math.exp),
      initialD: Array.from(q.discriminatorLogProbs.subarray(CORRECT * K, CORRECT * K + K), Math.exp),
      erG: Array.from(er.generator.subarray(CORRECT * K, CORRECT * K + K)),
      erD: Array.from(er.discriminator.subarray(CORRECT * K, CORRECT * K + K)),
    };
    const rankings = { initialG: rankDescending(scores.initialG), initialD: rankDescending(scores.initialD), erG: [...er.rankingG], erD: [...er.rankingD] };
    const top = (r: readonly number[]) => (q.correct === null ? null : r[0] === q.correct);
    const initialGenerator = Array.from(q.generatorLogProbs, Math.exp);
    return {
      index,
      question: q.text,
      candidates: [...q.candidates],
      correct: q.correct,
      rankings,
      scores,
      topIsCorrect: { initialG: top(rankings.initialG), initialD: top(rankings.initialD), erG: top(rankings.erG), erD: top(rankings.erD) },
      residual: { generator: er.residualG, discriminator: er.residualD },
      gap: { generator: er.gapG, discriminator: er.gapD },
      expectedAgreement: {
        initial: expectedRewards(q, initialGenerator, scores.initialD, 0, 0).agreement,
        er: expectedRewards(q, er.generator, scores.erD, 0, 0).agreement,
      },
    };
  });

  const knownQs = questions.filter((q) => q.correct !== null);
  const share = (key: keyof Rankings<unknown>) => (knownQs.length === 0 ? null : knownQs.filter((q) => q.topIsCorrect[key]).length / knownQs.length);
  return {
    name: candidates.name,
    description: candidates.description,
    params: resolved,
    questions,
    accuracy: { known: knownQs.length, initialG: share('initialG'), initialD: share('initialD'), erG: share('erG'), erD: share('erD') },
    maxResidual: Math.max(...questions.map((q) => Math.max(q.residual.generator, q.residual.discriminator))),
    maxGap: Math.max(...questions.map((q) => Math.max(q.gap.generator, q.gap.discriminator))),
  };
}

/** Lines for a terminal: the accuracy of each ranking, then each question's orderings. */
export function formatConsensusAnalysis(report: ConsensusAnalysis): string[] {
  const { etaG, etaD, lambdaG, lambdaD, iterations } = report.params;
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
  const a = report.accuracy;
  const lines = [
    `consensus game "${report.name}": ${report.questions.length} questions; Equilibrium-Ranking with η_G = ${etaG}, η_D = ${etaD}, λ_G = ${lambdaG}, λ_D = ${lambdaD}, T = ${iterations}`,
    a.known === 0
      ? 'accuracy: no question says which answer is correct'
      : `accuracy (top answer, over ${a.known} questions with a known answer): initial G ${pct(a.initialG)}, initial D ${pct(a.initialD)}, ER-G ${pct(a.erG)}, ER-D ${pct(a.erD)}`,
    `largest fixed-point residual ${report.maxResidual.toExponential(2)}, largest last-iterate gap ${report.maxGap.toExponential(2)}`,
  ];
  for (const q of report.questions) {
    const truth = q.correct === null ? '' : ` (true answer: ${q.candidates[q.correct]})`;
    lines.push(`Q${q.index} ${q.question}${truth}`);
    const order = (key: keyof Rankings<unknown>) => {
      const mark = q.topIsCorrect[key] === null ? '' : q.topIsCorrect[key] ? ' ✓' : ' ✗';
      return `${q.rankings[key].map((y) => `${q.candidates[y]} (${q.scores[key][y].toFixed(3)})`).join(' > ')}${mark}`;
    };
    lines.push(`  initial G: ${order('initialG')}`);
    lines.push(`  initial D: ${order('initialD')}`);
    lines.push(`  ER-G:      ${order('erG')}`);
    lines.push(`  ER-D:      ${order('erD')}`);
    lines.push(
      `  expected agreement ${q.expectedAgreement.initial.toFixed(3)} → ${q.expectedAgreement.er.toFixed(3)}; residual ${Math.max(q.residual.generator, q.residual.discriminator).toExponential(2)}`,
    );
  }
  return lines;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
