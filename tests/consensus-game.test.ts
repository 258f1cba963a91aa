import { describe, expect, it } from 'vitest';
import type { Agent, BatchContext } from '../agents/agent.js';
import { EquilibriumRankingAgent, InitialPolicyAgent, UniformPolicyAgent } from '../games/consensus-game/baselines/index.js';
import { RandomAgent } from '../agents/random.js';
import { checkEnv, checkSingleAgentEnv, type CheckReport } from '../envs/check/index.js';
import { SingleAgentEnv } from '../envs/wrappers/index.js';
import { ActionError, OptionError } from '../envs/core/errors.js';
import { Rng } from '../envs/core/rng.js';
import { VecEnv } from '../envs/core/vector-env.js';
import {
  CANDIDATE_EXAMPLES,
  CONSENSUS_ROUND_METRICS,
  ConsensusGameEnv,
  consensusAnalysis,
  consensusGameSpec,
  equilibriumRanking,
  expectedRewards,
  explainCandidates,
  formatConsensusAnalysis,
  parseCandidates,
  parseConsensusGameOptions,
  rankDescending,
  resolveERParams,
  type CandidatesJSON,
  type ConsensusQuestion,
  type QuestionJSON,
} from '../games/consensus-game/index.js';
import { make, presetNames, presetOptions } from '../envs/registry.js';

const ID = 'consensus-game-v0';
const failures = (r: CheckReport) => r.checks.filter((c) => !c.ok && !c.skipped).map((c) => `${c.name}: ${c.detail ?? ''}`);
const arithmetic = () => parseCandidates(CANDIDATE_EXAMPLES.arithmetic);
const geography = () => parseCandidates(CANDIDATE_EXAMPLES.geography);
const exps = (a: ArrayLike<number>) => Array.from(a, Math.exp);

/** A small candidates file in probability mode: two questions of 3 and 2 candidates (so the env pads). */
function smallFile(): CandidatesJSON {
  return {
    name: 'small',
    scores: 'probability',
    questions: [
      { question: 'q0', candidates: ['a', 'b', 'c'], generator: { correct: [0.5, 0.25, 0.25], incorrect: [0.2, 0.2, 0.6] }, discriminator: [0.8, 0.5, 0.1], correct: 0 },
      { question: 'q1', candidates: ['x', 'y'], generator: { correct: [0.7, 0.3], incorrect: [0.4, 0.6] }, discriminator: [0.6, 0.3] },
    ],
  };
}

// ---- the candidates format ------------------------------------------------------------------

describe('candidates JSON', () => {
  it('loads both shipped examples with normalised policies', () => {
    for (const c of [arithmetic(), geography()]) {
      for (const q of c.questions) {
        const K = q.candidates.length;
        expect(K).toBeGreaterThanOrEqual(2);
        for (const v of [0, 1]) expect(exps(q.generatorLogProbs.subarray(v * K, (v + 1) * K)).reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
        for (let y = 0; y < K; y++) expect(Math.exp(q.discriminatorLogProbs[y]) + Math.exp(q.discriminatorLogProbs[K + y])).toBeCloseTo(1, 12);
      }
      expect(c.maxCandidates).toBe(Math.max(...c.questions.map((q) => q.candidates.length)));
    }
    expect(arithmetic().questions).toHaveLength(8);
    // Some arithmetic question has initial rankings that disagree at the top, as its description says.
    const disagree = arithmetic().questions.filter((q) => {
      const K = q.candidates.length;
      return rankDescending(q.generatorLogProbs.subarray(0, K))[0] !== rankDescending(q.discriminatorLogProbs.subarray(0, K))[0];
    });
    expect(disagree.length).toBeGreaterThan(0);
  });

  it('normalises log-scores by a softmax over the candidates and turns log P(correct) into both verdicts', () => {
    const c = parseCandidates({
      name: 'lp',
      scores: 'logprob',
      questions: [{ question: 'q', candidates: ['a', 'b'], generator: { correct: [Math.log(3), Math.log(1)], incorrect: [-7, -7] }, discriminator: [Math.log(0.2), -1e-9] }],
    });
    const q = c.questions[0];
    expect(exps(q.generatorLogProbs)).toEqual([expect.closeTo(0.75, 14), expect.closeTo(0.25, 14), expect.closeTo(0.5, 14), expect.closeTo(0.5, 14)]);
    expect(Math.exp(q.discriminatorLogProbs[0])).toBeCloseTo(0.2, 14);
    expect(Math.exp(q.discriminatorLogProbs[2])).toBeCloseTo(0.8, 14);
    // P(incorrect) = 1e-9: kept to full precision, not rounded to log(0).
    expect(q.discriminatorLogProbs[3]).toBeCloseTo(Math.log(1e-9), 6);
  });

  const good = (): CandidatesJSON => smallFile();
  const withQuestion = (patch: (q: QuestionJSON) => void): CandidatesJSON => {
    const c = good();
    patch(c.questions[1]);
    return c;
  };
  const bad: [string, unknown, RegExp][] = [
    ['not an object', [1, 2], /must be a JSON object/],
    ['no questions', { name: 'x', questions: [] }, /"questions" must be an array of 1 to/],
    ['an unknown top-level field', { ...good(), extra: 1 }, /unknown field "extra"/],
    ['scores of another kind', { ...good(), scores: 'logits' }, /"scores" must be "probability" or "logprob"/],
    ['a missing discriminator', withQuestion((q) => delete (q as Partial<QuestionJSON>).discriminator), /questions\[1\]\.discriminator must have one number per candidate \(2\)/],
    ['a missing generator', withQuestion((q) => delete (q as Partial<QuestionJSON>).generator), /questions\[1\]\.generator must be an object/],
    ['a generator row of the wrong length', withQuestion((q) => (q.generator.correct = [1])), /questions\[1\]\.generator\.correct must have one number per candidate \(2\), got 1/],
    ['a discriminator of the wrong length', withQuestion((q) => (q.discriminator = [0.5, 0.5, 0.5])), /questions\[1\]\.discriminator must have one number per candidate \(2\).*got 3/],
    ['a negative probability', withQuestion((q) => (q.generator.incorrect = [-0.2, 1.2])), /questions\[1\]\.generator\.incorrect\[0\] = -0\.2: probabilities must be positive/],
    ['probabilities that do not sum to 1', withQuestion((q) => (q.generator.correct = [0.5, 0.4])), /questions\[1\]\.generator\.correct sums to 0\.9, not 1/],
    ['a zero probability', withQuestion((q) => (q.generator.correct = [1, 0])), /questions\[1\]\.generator\.correct\[1\] = 0: probabilities must be positive/],
    ['a discriminator probability of 1', withQuestion((q) => (q.discriminator = [1, 0.5])), /questions\[1\]\.discriminator\[0\] = 1: π_D¹\(correct \| x, y\) must be strictly between 0 and 1/],
    ['a log P(correct) of 0', { ...good(), scores: 'logprob', questions: [{ ...good().questions[1], generator: { correct: [0, 0], incorrect: [0, 0] }, discriminator: [0, -1] }] }, /questions\[0\]\.discriminator\[0\] = 0: a log-probability of "correct" must be < 0/],
    ['empty candidates', withQuestion((q) => (q.candidates = [])), /questions\[1\]\.candidates must be an array of 2 to 64 answers, got 0/],
    ['repeated candidates', withQuestion((q) => (q.candidates = ['x', 'x'])), /questions\[1\]\.candidates\[1\] repeats "x"/],
    ['a true-answer index out of range', withQuestion((q) => (q.correct = 2)), /questions\[1\]\.correct must be the index of the true answer, an integer in \[0, 1\]/],
    ['a NaN score', withQuestion((q) => (q.generator.correct = [Number.NaN, 1])), /questions\[1\]\.generator\.correct\[0\] must be a finite number/],
    ['an empty question text', withQuestion((q) => (q.question = '')), /questions\[1\]\.question must be a non-empty string/],
  ];
  it.each(bad)('refuses %s with an error naming the question and field', (_what, value, message) => {
    expect(explainCandidates(value)).toMatch(message);
    expect(() => parseCandidates(value, 'my.json')).toThrow(message);
    // Through the env option, the OptionError names the option too.
    const err = (() => {
      try {
        make(ID, { candidates: value });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(OptionError);
    expect((err as OptionError).option).toBe('candidates');
    expect((err as Error).message).toMatch(message);
  });

  it('accepts the good file that the bad ones were made from', () => {
    expect(explainCandidates(good())).toBeNull();
  });
});

// ---- Equilibrium-Ranking --------------------------------------------------------------------

/** The update of GAMES.md §4 written out naively, in probability space, keeping every iterate. */
function referenceER(q: ConsensusQuestion, p: { etaG: number; etaD: number; lambdaG: number; lambdaD: number }, T: number) {
  const K = q.candidates.length;
  const G1 = (v: number, y: number) => Math.exp(q.generatorLogProbs[v * K + y]);
  const D1 = (v: number, y: number) => Math.exp(q.discriminatorLogProbs[v * K + y]);
  const table = (f: (v: number, y: number) => number) => [0, 1].map((v) => Array.from({ length: K }, (_, y) => f(v, y)));
  const G: number[][][] = [table(G1)]; // G[τ−1][v][y] = π_G^τ(y|v)
  const D: number[][][] = [table(D1)]; // D[τ−1][v][y] = π_D^τ(v|y)
  for (let t = 1; t <= T; t++) {
    const QG = table((v, y) => D.slice(0, t).reduce((s, d) => s + d[v][y], 0) / (2 * t));
    const QD = table((v, y) => G.slice(0, t).reduce((s, g) => s + g[v][y], 0) / (2 * t));
    const wG = table((v, y) => Math.exp((QG[v][y] + p.lambdaG * Math.log(G1(v, y))) / (1 / (p.etaG * t) + p.lambdaG)));
    const wD = table((v, y) => Math.exp((QD[v][y] + p.lambdaD * Math.log(D1(v, y))) / (1 / (p.etaD * t) + p.lambdaD)));
    G.push(table((v, y) => wG[v][y] / wG[v].reduce((s, w) => s + w, 0)));
    D.push(table((v, y) => wD[v][y] / (wD[0][y] + wD[1][y])));
  }
  return { G: G[T], D: D[T], avgG: table((v, y) => G.slice(0, T).reduce((s, g) => s + g[v][y], 0) / T), avgD: table((v, y) => D.slice(0, T).reduce((s, d) => s + d[v][y], 0) / T) };
}

/** A random instance in probability mode, every score distinct. */
function randomQuestion(rng: Rng, K: number, shape: { uniformG?: boolean; uniformD?: boolean; incorrect?: 'uniform' | 'anti' }): QuestionJSON {
  const row = () => {
    const w = Array.from({ length: K }, () => 0.05 + rng.uniform());
    const s = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / s);
  };
  const uniform = () => new Array<number>(K).fill(1 / K);
  const correct = shape.uniformG ? uniform() : row();
  const incorrect = shape.uniformG || shape.incorrect === 'uniform' ? uniform() : shape.incorrect === 'anti' ? normalised(correct.map((p) => 1 - p)) : row();
  const discriminator = shape.uniformD ? new Array<number>(K).fill(0.5) : Array.from({ length: K }, () => 0.02 + 0.96 * rng.uniform());
  return { question: 'random', candidates: Array.from({ length: K }, (_, i) => `y${i}`), generator: { correct, incorrect }, discriminator };
}
const normalised = (w: number[]) => w.map((x) => x / w.reduce((a, b) => a + b, 0));
const oneQuestion = (q: QuestionJSON) => parseCandidates({ name: 'one', questions: [q] }).questions[0];

describe('Equilibrium-Ranking', () => {
  it('one iteration is exactly the formula of GAMES.md §4 (brute force)', () => {
    for (const q of [arithmetic().questions[1], geography().questions[0]]) {
      const K = q.candidates.length;
      const p = { etaG: 0.3, etaD: 0.7, lambdaG: 0.2, lambdaD: 0.05 };
      const s = equilibriumRanking(q, { ...p, iterations: 1 });
      for (let v = 0; v < 2; v++) {
        // π_G²(y|v) ∝ exp[(½ π_D¹(v|y) + λ_G log π_G¹(y|v)) / (1/η_G + λ_G)]
        const w = Array.from({ length: K }, (_, y) => Math.exp((0.5 * Math.exp(q.discriminatorLogProbs[v * K + y]) + p.lambdaG * q.generatorLogProbs[v * K + y]) / (1 / p.etaG + p.lambdaG)));
        const z = w.reduce((a, b) => a + b, 0);
        for (let y = 0; y < K; y++) expect(s.generator[v * K + y]).toBeCloseTo(w[y] / z, 14);
      }
      for (let y = 0; y < K; y++) {
        const w = [0, 1].map((v) => Math.exp((0.5 * Math.exp(q.generatorLogProbs[v * K + y]) + p.lambdaD * q.discriminatorLogProbs[v * K + y]) / (1 / p.etaD + p.lambdaD)));
        expect(s.discriminator[y]).toBeCloseTo(w[0] / (w[0] + w[1]), 14);
        expect(s.discriminator[K + y]).toBeCloseTo(w[1] / (w[0] + w[1]), 14);
      }
    }
  });

  it('matches a naive implementation that keeps every iterate, for several T, η and λ', () => {
    const cases = [
      { etaG: 0.1, etaD: 0.1, lambdaG: 0.1, lambdaD: 0.1 },
      { etaG: 2, etaD: 0.5, lambdaG: 0.03, lambdaD: 0.4 },
    ];
    for (const q of [arithmetic().questions[4], arithmetic().questions[7], geography().questions[3]]) {
      for (const p of cases) {
        for (const T of [2, 3, 9]) {
          const s = equilibriumRanking(q, { ...p, iterations: T });
          const ref = referenceER(q, p, T);
          expect(Array.from(s.generator)).toEqual(ref.G.flat().map((x) => expect.closeTo(x, 12)));
          expect(Array.from(s.discriminator)).toEqual(ref.D.flat().map((x) => expect.closeTo(x, 12)));
          expect(Array.from(s.averageGenerator)).toEqual(ref.avgG.flat().map((x) => expect.closeTo(x, 12)));
          expect(Array.from(s.averageDiscriminator)).toEqual(ref.avgD.flat().map((x) => expect.closeTo(x, 12)));
        }
      }
    }
  });

  it('the fixed-point residual shrinks as T grows (several questions, η and λ)', () => {
    const qs = [...arithmetic().questions, ...geography().questions];
    for (const lambda of [0.05, 0.1, 0.5]) {
      for (const eta of [0.1, 1]) {
        for (const qi of [0, 2, 7, 8, 11]) {
          const res = [10, 100, 1000, 10_000].map((T) => {
            const s = equilibriumRanking(qs[qi], { etaG: eta, etaD: eta, lambdaG: lambda, lambdaD: lambda, iterations: T });
            return Math.max(s.residualG, s.residualD);
          });
          for (let i = 1; i < res.length; i++) expect(res[i], `λ=${lambda} η=${eta} q=${qi}`).toBeLessThan(res[i - 1]);
          expect(res[3]).toBeLessThan(res[0] / 20);
          expect(res[3]).toBeLessThan(5e-3);
        }
      }
    }
  });

  it('the residual is the distance to π¹·exp(π̄/(2λ)) that the spec names (recomputed from the averages)', () => {
    const q = arithmetic().questions[2];
    const K = q.candidates.length;
    const lambda = 0.1;
    const s = equilibriumRanking(q, { iterations: 300 });
    let worstG = 0;
    for (let v = 0; v < 2; v++) {
      const w = Array.from({ length: K }, (_, y) => Math.exp(q.generatorLogProbs[v * K + y] + s.averageDiscriminator[v * K + y] / (2 * lambda)));
      const z = w.reduce((a, b) => a + b, 0);
      worstG = Math.max(worstG, 0.5 * w.reduce((acc, wy, y) => acc + Math.abs(s.generator[v * K + y] - wy / z), 0));
    }
    expect(s.residualG).toBeCloseTo(worstG, 14);
    expect(s.residualG).toBeGreaterThan(0);
  });

  it('with large λ the last iterates themselves settle (the last-iterate gap shrinks too)', () => {
    for (const q of [arithmetic().questions[0], arithmetic().questions[2], geography().questions[3]]) {
      const gaps = [10, 100, 1000, 10_000].map((T) => {
        const s = equilibriumRanking(q, { lambdaG: 0.5, lambdaD: 0.5, iterations: T });
        return Math.max(s.gapG, s.gapD);
      });
      for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeLessThan(gaps[i - 1]);
    }
  });

  it('with an uninformative generator, ER-G ranks the candidates as the initial discriminator does', () => {
    const rng = new Rng(11);
    let differsFromInitialG = 0;
    for (let i = 0; i < 12; i++) {
      const q = oneQuestion(randomQuestion(rng, 3 + (i % 4), { uniformG: true }));
      const K = q.candidates.length;
      const byD = rankDescending(q.discriminatorLogProbs.subarray(0, K));
      for (const lambda of [0.05, 0.1, 0.5]) {
        const s = equilibriumRanking(q, { lambdaG: lambda, lambdaD: lambda, iterations: 1500 });
        expect(s.rankingG).toEqual(byD);
      }
      if (byD.join() !== rankDescending(q.generatorLogProbs.subarray(0, K)).join()) differsFromInitialG++;
    }
    expect(differsFromInitialG).toBeGreaterThan(6); // the generator's own (flat) ranking would have failed
  });

  it('with an uninformative discriminator, ER-D ranks the candidates as the initial generator does', () => {
    const rng = new Rng(12);
    for (const incorrect of ['uniform', 'anti'] as const) {
      for (let i = 0; i < 8; i++) {
        const q = oneQuestion(randomQuestion(rng, 3 + (i % 4), { uniformD: true, incorrect }));
        const K = q.candidates.length;
        const byG = rankDescending(q.generatorLogProbs.subarray(0, K));
        for (const lambda of [0.05, 0.1, 0.5]) {
          const s = equilibriumRanking(q, { lambdaG: lambda, lambdaD: lambda, iterations: 1500 });
          expect(s.rankingD).toEqual(byG);
        }
      }
    }
  });

  it('refuses bad parameters with the parameter named', () => {
    expect(() => resolveERParams({ etaG: 0 })).toThrow(/etaG = 0 must be a finite number > 0/);
    expect(() => resolveERParams({ lambdaD: Number.NaN })).toThrow(/lambdaD = NaN/);
    expect(() => resolveERParams({ iterations: 2.5 })).toThrow(/iterations = 2.5 must be an integer in \[1, 1000000\]/);
    expect(() => resolveERParams({ T: 5 } as never)).toThrow(/unknown parameter "T"/);
    expect(resolveERParams({ lambdaG: 0.3 })).toEqual({ etaG: 0.1, etaD: 0.1, lambdaG: 0.3, lambdaD: 0.1, iterations: 5000 });
  });
});

// ---- analysis -------------------------------------------------------------------------------

describe('consensusAnalysis', () => {
  it('is JSON-able, consistent with its rankings, and takes options or a candidates file', () => {
    const r = consensusAnalysis({}, { T: 800 });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(r.params.iterations).toBe(800);
    expect(r.questions).toHaveLength(8);
    for (const q of r.questions) {
      for (const key of ['initialG', 'initialD', 'erG', 'erD'] as const) {
        expect([...q.rankings[key]].sort()).toEqual(q.candidates.map((_, i) => i).sort());
        expect(q.topIsCorrect[key]).toBe(q.rankings[key][0] === q.correct);
      }
    }
    const share = (key: 'initialG' | 'erD') => r.questions.filter((q) => q.topIsCorrect[key]).length / r.accuracy.known;
    expect(r.accuracy.initialG).toBe(share('initialG'));
    expect(r.accuracy.erD).toBe(share('erD'));
    // The same file given directly, with λ overridden for both players.
    const direct = consensusAnalysis(CANDIDATE_EXAMPLES.geography, { lambda: 0.5, T: 200 });
    expect(direct.params).toMatchObject({ lambdaG: 0.5, lambdaD: 0.5, iterations: 200 });
    expect(direct.accuracy.known).toBe(3);
    expect(direct.questions[3].topIsCorrect.erG).toBeNull();
    // The env's er* options are the defaults when options are given.
    expect(consensusAnalysis({ erLambdaD: 0.7, erIterations: 50 }).params).toMatchObject({ lambdaD: 0.7, lambdaG: 0.1, iterations: 50 });
  });

  it('prints each question and each ranking', () => {
    const r = consensusAnalysis(CANDIDATE_EXAMPLES.geography, { T: 100 });
    const text = formatConsensusAnalysis(r).join('\n');
    for (const q of r.questions) expect(text).toContain(q.question);
    expect(text).toMatch(/accuracy \(top answer, over 3 questions with a known answer\)/);
    expect(text.match(/ER-G:/g)).toHaveLength(4);
  });

  it('refuses bad parameters and bad inputs', () => {
    expect(() => consensusAnalysis({}, { iterations: 5 } as never)).toThrow(/unknown parameter "iterations"/);
    expect(() => consensusAnalysis({}, { eta: -1 })).toThrow(/etaG = -1/);
    expect(() => consensusAnalysis({ rounds: 0 })).toThrow(OptionError);
    expect(() => consensusAnalysis({ name: 'x', questions: [] })).toThrow(/"questions" must be an array/);
  });
});

// ---- the env --------------------------------------------------------------------------------

const ctxOf = (env: ConsensusGameEnv, agent: string, seed = 1) => ({ agent, env, rng: new Rng(seed) });

describe('consensus-game-v0', () => {
  it('is registered with presets, and passes checkEnv (default, geography, a padded file)', () => {
    expect(presetNames(ID)).toEqual(expect.arrayContaining(['example', 'geography']));
    for (const options of [{}, presetOptions(ID, 'geography'), { candidates: smallFile(), rounds: 3, erIterations: 200 }]) {
      const report = checkEnv(make(ID, options), { seed: 3, steps: 160 });
      expect(failures(report)).toEqual([]);
    }
    // Each role as a single-agent env, the other played by a baseline (as tests/registered-envs does with RandomAgent).
    for (const agent of ['generator_0', 'discriminator_0']) {
      for (const other of [() => new RandomAgent(), () => new EquilibriumRankingAgent()]) {
        const single = new SingleAgentEnv(make(ID, { candidates: smallFile(), rounds: 4, erIterations: 200 }), agent, other);
        expect(failures(checkSingleAgentEnv(single, { seed: 5, steps: 100 })), agent).toEqual([]);
      }
    }
  });

  it('pays 1[v̂ = v] − λ·KL with the exact KL of each committed policy (hand example)', () => {
    const lambdaG = 0.3;
    const lambdaD = 0.7;
    const env = make<ConsensusGameEnv>(ID, { candidates: smallFile(), lambdaG, lambdaD, erIterations: 100 });
    let obs = env.reset({ seed: 5 }).observations as Record<string, any>;
    // π_G = softmax(0, ln 2, 0) = (¼, ½, ¼), ln 2 rounded to float32 as the action buffer holds it;
    // on q0 π_G¹(·|correct) = (½, ¼, ¼), π_G¹(·|incorrect) = (0.2, 0.2, 0.6).
    const two = Math.exp(Math.fround(Math.log(2)));
    const pi = [1 / (2 + two), two / (2 + two), 1 / (2 + two)];
    const kl = (ref: number[]) => pi.reduce((s, p, y) => s + p * Math.log(p / ref[y]), 0);
    const klG = [kl([0.5, 0.25, 0.25]), kl([0.2, 0.2, 0.6])];
    expect(klG[0]).toBeCloseTo(0.25 * Math.log(2), 6); // the round numbers: ¼ ln ½ + ½ ln 2 + ¼ ln 1
    // π_D(correct) = σ(0) = ½ against π_D¹(correct | y) = 0.8, 0.5, 0.1.
    const klD = [0.8, 0.5, 0.1].map((d) => 0.5 * Math.log(0.5 / d) + 0.5 * Math.log(0.5 / (1 - d)));
    let checked = 0;
    for (let round = 0; round < 40; round++) {
      const q = obs.generator_0.question[0];
      const v = obs.generator_0.verdict[0] === 1 ? 0 : 1;
      const logits = q === 0 ? [0, Math.log(2), 0] : [0.3, -0.2, 0];
      const afterG = env.step({ generator_0: logits });
      expect(afterG.rewards).toEqual({ generator_0: 0, discriminator_0: 0 });
      const dObs = afterG.observations.discriminator_0 as any;
      const y = dObs.candidate.indexOf(1);
      const out = env.step({ discriminator_0: [0] });
      const gInfo = out.infos.generator_0 as Record<string, number>;
      const agreement = gInfo.agreement;
      expect([0, 1]).toContain(agreement);
      if (q === 0) {
        expect(gInfo.kl).toBeCloseTo(klG[v], 12);
        expect(out.rewards.generator_0).toBeCloseTo(agreement - lambdaG * klG[v], 12);
        expect(out.rewards.discriminator_0).toBeCloseTo(agreement - lambdaD * klD[y], 12);
        checked++;
      }
      expect((out.infos.discriminator_0 as Record<string, number>).agreement).toBe(agreement);
      obs = out.observations as Record<string, any>;
      if (out.truncations.generator_0) obs = env.reset().observations as Record<string, any>;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('samples y from the committed softmax and v̂ from σ(logit)', () => {
    const vec = new VecEnv(consensusGameSpec.createKernel(parseConsensusGameOptions({ candidates: smallFile(), rounds: 1000, erIterations: 50 }), 256), 'disabled');
    vec.reset({ seed: 9 });
    const k = vec.kernel as InstanceType<typeof import('../games/consensus-game/kernel.js').ConsensusGameKernel>;
    const counts = new Float64Array(3);
    let q0 = 0;
    let guessedCorrect = 0;
    let rounds = 0;
    for (let r = 0; r < 20; r++) {
      vec.roles[0].actions.fill(0);
      for (let b = 0; b < 256; b++) vec.roles[0].actions.set([Math.log(0.2), Math.log(0.3), Math.log(0.5)], b * k.K);
      const qs = Int32Array.from(k.question);
      vec.step();
      for (let b = 0; b < 256; b++) if (qs[b] === 0) (counts[k.chosen[b]]++, q0++);
      vec.roles[1].actions.fill(Math.log(0.3 / 0.7)); // P(correct) = 0.3
      const vs = Int32Array.from(k.verdict);
      vec.step();
      for (let b = 0; b < 256; b++) {
        const agree = vec.metrics[b * CONSENSUS_ROUND_METRICS.length];
        guessedCorrect += vs[b] === 0 ? agree : 1 - agree; // v̂ = correct
        rounds++;
      }
    }
    const se = (p: number, n: number) => Math.sqrt((p * (1 - p)) / n);
    [0.2, 0.3, 0.5].forEach((p, y) => expect(Math.abs(counts[y] / q0 - p)).toBeLessThan(4 * se(p, q0)));
    expect(Math.abs(guessedCorrect / rounds - 0.3)).toBeLessThan(4 * se(0.3, rounds));
  });

  it('rejects bad actions with the agent named, leaving the state unchanged', () => {
    const env = make<ConsensusGameEnv>(ID);
    env.reset({ seed: 2 });
    const K = env.kernel.K;
    const before = env.snapshot();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ generator_0: new Array(K).fill(Number.NaN) }, /agent "generator_0".*NaN/],
      [{ generator_0: new Array(K - 1).fill(0) }, /agent "generator_0".*expected 6 numbers/],
      [{ generator_0: [11, 0, 0, 0, 0, 0] }, /agent "generator_0".*outside \[-10, 10\]/],
      [{ discriminator_0: [0] }, /agent "discriminator_0".*does not act in the generator phase/],
      [{}, /agent "generator_0".*missing/],
    ];
    for (const [actions, message] of cases) {
      expect(() => env.step(actions as never)).toThrow(ActionError);
      expect(() => env.step(actions as never)).toThrow(message);
      expect(env.snapshot()).toEqual(before);
    }
    env.step({ generator_0: new Array(K).fill(0) });
    const mid = env.snapshot();
    expect(() => env.step({ discriminator_0: [Number.POSITIVE_INFINITY] })).toThrow(/agent "discriminator_0"/);
    expect(() => env.step({ discriminator_0: [1, 2] })).toThrow(/agent "discriminator_0".*expected 1 numbers/);
    expect(env.snapshot()).toEqual(mid);
  });

  it('refuses bad options and reset options with the option named', () => {
    expect(() => make(ID, { lambdaG: -1 })).toThrow(/option "lambdaG" = -1/);
    expect(() => make(ID, { logitBound: 0 })).toThrow(/option "logitBound" = 0/);
    expect(() => make(ID, { erLambdaG: 0 })).toThrow(/option "erLambdaG" = 0/);
    expect(() => make(ID, { rounds: 1.5 })).toThrow(/option "rounds"/);
    const env = make(ID);
    expect(() => env.reset({ options: { question: 2 } as never })).toThrow(/option "question" = 2 is not allowed: consensus-game-v0 has no reset options/);
  });

  it('VecEnv copies equal single envs seeded alike, step for step', () => {
    const options = parseConsensusGameOptions({ candidates: CANDIDATE_EXAMPLES.geography, rounds: 7 });
    const B = 4;
    const vec = new VecEnv(consensusGameSpec.createKernel(options, B), 'next-step');
    const singles = Array.from({ length: B }, () => new ConsensusGameEnv(options));
    vec.reset({ seed: 40 });
    singles.forEach((e, b) => e.reset({ seed: 40 + b }));
    const rng = new Rng(3);
    for (let step = 0; step < 2 * 7 * 3 + 2; step++) {
      const role = vec.roles[vec.actingRole];
      for (let b = 0; b < B; b++) {
        const single = singles[b];
        // next-step autoreset: the step after an episode ends resets the copy (without a seed), like reset() here.
        if (single.agents.length === 0) {
          single.reset();
          continue;
        }
        const agent = single.actingAgents[0];
        const a = single.actionSpace(agent).sample(rng) as Float32Array;
        role.actions.set(a, b * role.actSize);
        single.step({ [agent]: a });
      }
      vec.step();
      for (let b = 0; b < B; b++) {
        const k = singles[b].kernel;
        for (let rr = 0; rr < 2; rr++) {
          const n = vec.roles[rr].obsSize;
          expect(Array.from(vec.roles[rr].observations.subarray(b * n, (b + 1) * n)), `step ${step} copy ${b}`).toEqual(Array.from(k.observations[rr]));
          expect(vec.roles[rr].rewards[b]).toBe(k.rewards[rr][0]);
        }
        const nm = CONSENSUS_ROUND_METRICS.length;
        expect(Array.from(vec.metrics.subarray(b * nm, (b + 1) * nm))).toEqual(Array.from(k.metrics));
        expect(vec.truncations[b]).toBe(k.truncated[0]);
      }
    }
  });
});

// ---- baselines ------------------------------------------------------------------------------

/** Mean rewards, infos and metrics of `generator` against `discriminator` over B copies × rounds. */
function play(options: Record<string, unknown>, generator: Agent, discriminator: Agent, B: number, rounds: number, seed: number) {
  const o = parseConsensusGameOptions({ ...options, rounds });
  const kernel = consensusGameSpec.createKernel(o, B);
  const vec = new VecEnv(kernel, 'disabled');
  vec.reset({ seed });
  const rng = new Rng(seed, 99);
  const sums = { generator: 0, discriminator: 0, metrics: new Float64Array(CONSENSUS_ROUND_METRICS.length), squares: 0 };
  for (let t = 0; t < rounds; t++) {
    for (const [r, agent] of [generator, discriminator].entries()) {
      const role = vec.roles[r];
      const ctx: BatchContext = { numEnvs: B, count: 1, obsSize: role.obsSize, actSize: role.actSize, rng, role: role.spec, kernel };
      agent.actBatch!(role.observations, role.actions, ctx);
      vec.step();
    }
    for (let b = 0; b < B; b++) {
      sums.generator += vec.roles[0].rewards[b];
      sums.squares += vec.roles[0].rewards[b] ** 2;
      sums.discriminator += vec.roles[1].rewards[b];
      for (let m = 0; m < CONSENSUS_ROUND_METRICS.length; m++) sums.metrics[m] += vec.metrics[b * CONSENSUS_ROUND_METRICS.length + m];
    }
  }
  const n = B * rounds;
  const metrics = Object.fromEntries(CONSENSUS_ROUND_METRICS.map((name, m) => [name, sums.metrics[m] / n]));
  const mean = sums.generator / n;
  return { generator: mean, discriminator: sums.discriminator / n, metrics, se: Math.sqrt((sums.squares / n - mean * mean) / n), n };
}

/** Exact expected rewards averaged over the questions (nature draws x uniformly). */
function exactRewards(which: 'initial' | 'er', lambda: number) {
  const c = arithmetic();
  const env = make<ConsensusGameEnv>(ID, { lambdaG: lambda, lambdaD: lambda });
  const sols = env.kernel.instance.solutions;
  let g = 0;
  let d = 0;
  let agreement = 0;
  c.questions.forEach((q, i) => {
    const K = q.candidates.length;
    const r =
      which === 'initial'
        ? expectedRewards(q, exps(q.generatorLogProbs), exps(q.discriminatorLogProbs.subarray(0, K)), lambda, lambda)
        : expectedRewards(q, sols[i].generator, sols[i].discriminator.subarray(0, K), lambda, lambda);
    g += r.generator;
    d += r.discriminator;
    agreement += r.agreement;
  });
  const n = c.questions.length;
  return { generator: g / n, discriminator: d / n, agreement: agreement / n };
}

describe('consensus-game baselines', () => {
  it('the ER policies earn more than the initial ones for small λ, and the generator earns less for large λ (exact expectations)', () => {
    for (const lambda of [0.01, 0.1, 0.5]) {
      const init = exactRewards('initial', lambda);
      const er = exactRewards('er', lambda);
      expect(er.generator, `λ = ${lambda}`).toBeGreaterThan(init.generator);
      expect(er.discriminator, `λ = ${lambda}`).toBeGreaterThan(init.discriminator);
    }
    // Not a foregone conclusion: with a heavy KL price moving away from π¹ does not pay.
    expect(exactRewards('er', 2).generator).toBeLessThan(exactRewards('initial', 2).generator);
  });

  it('played in the env, each baseline earns its exact expected reward', () => {
    const lambda = 0.1;
    for (const [which, agent] of [
      ['initial', new InitialPolicyAgent()],
      ['er', new EquilibriumRankingAgent()],
    ] as const) {
      const exact = exactRewards(which, lambda);
      const run = play({ lambdaG: lambda, lambdaD: lambda }, agent, agent, 1024, 12, 21);
      expect(Math.abs(run.generator - exact.generator), which).toBeLessThan(4 * run.se + 1e-3);
      expect(Math.abs(run.metrics.expectedAgreement - exact.agreement), which).toBeLessThan(0.02);
    }
    const init = play({}, new InitialPolicyAgent(), new InitialPolicyAgent(), 512, 8, 22);
    const er = play({}, new EquilibriumRankingAgent(), new EquilibriumRankingAgent(), 512, 8, 22);
    expect(init.metrics.generatorKL).toBeLessThan(1e-6);
    expect(init.metrics.discriminatorKL).toBeLessThan(1e-6);
    expect(er.metrics.generatorERDistance).toBeLessThan(1e-3);
    expect(er.metrics.discriminatorERDistance).toBeLessThan(1e-3);
    expect(init.metrics.generatorERDistance).toBeGreaterThan(0.1);
    expect(er.generator).toBeGreaterThan(init.generator);
  });

  it("the accuracy metric estimates the generator's accuracy under v = correct", () => {
    const c = arithmetic();
    const truth = c.questions.reduce((s, q) => s + Math.exp(q.generatorLogProbs[q.correct!]), 0) / c.questions.length;
    const run = play({}, new InitialPolicyAgent(), new UniformPolicyAgent(), 1024, 10, 23);
    expect(Math.abs(run.metrics.accuracy - truth)).toBeLessThan(0.05);
    expect(run.metrics.expectedAgreement).toBeCloseTo(0.5, 12); // the uniform discriminator agrees half the time, exactly
    expect(run.metrics.discriminatorKL).toBeGreaterThan(0);
  });

  it('act and actBatch agree, for every baseline and both roles', () => {
    for (const agent of [new InitialPolicyAgent(), new EquilibriumRankingAgent(), new UniformPolicyAgent()]) {
      const env = make<ConsensusGameEnv>(ID, { candidates: CANDIDATE_EXAMPLES.geography });
      const kernel = consensusGameSpec.createKernel(env.options, 1);
      const vec = new VecEnv(kernel, 'next-step');
      let obs = env.reset({ seed: 8 }).observations as Record<string, unknown>;
      vec.reset({ seed: 8 });
      for (let step = 0; step < 12; step++) {
        const id = env.actingAgents[0];
        const r = vec.actingRole;
        const role = vec.roles[r];
        const single = agent.act(obs[id], ctxOf(env, id));
        agent.actBatch!(role.observations, role.actions, { numEnvs: 1, count: 1, obsSize: role.obsSize, actSize: role.actSize, rng: new Rng(1), role: role.spec, kernel });
        expect(Array.from(role.actions), `${agent.name} ${id}`).toEqual(Array.from(single));
        expect(env.actionSpace(id).contains(single)).toBe(true);
        obs = env.step({ [id]: single }).observations as Record<string, unknown>;
        vec.step();
      }
    }
  });

  it('the initial policy plays π¹ exactly (up to float32 logits)', () => {
    const env = make<ConsensusGameEnv>(ID);
    const obs = env.reset({ seed: 4 }).observations as Record<string, any>;
    const logits = new InitialPolicyAgent().act(obs.generator_0, ctxOf(env, 'generator_0'));
    const q = env.kernel.instance.candidates.questions[obs.generator_0.question[0]];
    const K = q.candidates.length;
    const v = obs.generator_0.verdict[0] === 1 ? 0 : 1;
    const z = Array.from(logits.subarray(0, K), Math.exp);
    const s = z.reduce((a, b) => a + b, 0);
    z.forEach((w, y) => expect(w / s).toBeCloseTo(Math.exp(q.generatorLogProbs[v * K + y]), 6));
  });
});
