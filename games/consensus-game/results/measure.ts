import { EquilibriumRankingAgent, InitialPolicyAgent } from '../baselines/index.js';
import type { Policy } from '../../../agents/policy/policy.js';
import { CORRECT, INCORRECT } from '../candidates.js';
import { consensusAnalysis } from '../analysis.js';
import { ConsensusGameKernel } from '../kernel.js';
import { parseConsensusGameOptions } from '../options.js';
import { makeVec } from '../../../envs/registry.js';
import { AgentActor, PolicyActor } from '../../../training/self-play/actors.js';
import { compare, type Comparison } from '../../../training/evaluation/paired.js';
import { summarise, type Stat } from '../../../training/stats.js';
import { worldMetrics, type WorldsOptions } from '../../../training/results/measure/worlds.js';

const ID = 'consensus-game-v0';

/** The generator's observation for (x, v) and the discriminator's for (x, y), as the env writes them. */
function observations(k: ConsensusGameKernel) {
  const { K, Q } = k;
  const L = k.options.logitBound;
  const go = k.spaces.generatorObservation.offsets;
  const dobs = k.spaces.discriminatorObservation.offsets;
  const features = (obs: Float32Array, base: number, q: number) => {
    const n = k.candidateCount[q];
    for (let v = 0; v < 2; v++) for (let y = 0; y < n; y++) obs[base + v * K + y] = k.generatorLogProbs[(q * 2 + v) * K + y];
    for (let y = 0; y < n; y++) {
      obs[base + 2 * K + y] = k.discriminatorLogProbs[(q * 2 + CORRECT) * K + y] - k.discriminatorLogProbs[(q * 2 + INCORRECT) * K + y];
      obs[base + 3 * K + y] = 1;
    }
  };
  return {
    generator(q: number, v: number): Float32Array {
      const obs = new Float32Array(k.generatorObsSize);
      obs[go.verdict + v] = 1;
      features(obs, go.generatorLogProbs, q);
      obs[go.question] = q;
      for (let y = 0; y < K; y++) obs[go.prior + y] = y < k.candidateCount[q] ? Math.max(-L, k.generatorLogProbs[(q * 2 + v) * K + y]) : -L;
      return obs;
    },
    discriminator(q: number, y: number): Float32Array {
      const obs = new Float32Array(k.discriminatorObsSize);
      obs[dobs.candidate + y] = 1;
      obs[dobs.chosenGeneratorLogProbs] = k.generatorLogProbs[(q * 2 + CORRECT) * K + y];
      obs[dobs.chosenGeneratorLogProbs + 1] = k.generatorLogProbs[(q * 2 + INCORRECT) * K + y];
      obs[dobs.chosenDiscriminatorLogOdds] = k.discriminatorLogProbs[(q * 2 + CORRECT) * K + y] - k.discriminatorLogProbs[(q * 2 + INCORRECT) * K + y];
      features(obs, dobs.generatorLogProbs, q);
      obs[dobs.question] = q;
      return obs;
    },
    Q,
  };
}

/** Checks the rebuilt generator observations against the env's own, so the rankings below use what the policy sees. */
function selfCheck(envOptions: unknown): void {
  const vec = makeVec(ID, { numEnvs: 64, options: envOptions, autoreset: 'disabled' });
  vec.reset({ seed: 0 });
  const k = vec.kernel as unknown as ConsensusGameKernel;
  const build = observations(k);
  for (let b = 0; b < 64; b++) {
    const mine = build.generator(k.question[b], k.verdict[b]);
    const env = vec.roles[0].observations.subarray(b * k.generatorObsSize, (b + 1) * k.generatorObsSize);
    for (let i = 0; i < mine.length; i++) if (mine[i] !== env[i]) throw new Error(`consensus observation rebuilt wrong at copy ${b}, entry ${i}: ${mine[i]} vs ${env[i]}`);
  }
  vec.close();
}

/**
 * Rankings by the learned mode policies, as Equilibrium-Ranking ranks: ER-G's analogue orders
 * candidates by π_G(y | x, correct), ER-D's by π_D(correct | x, y). Returns the share of the
 * questions with a known answer that each puts first, next to ER's and the initial policies'.
 */
export function rankingAccuracy(generator: Policy, discriminator: Policy, envOptions: unknown) {
  selfCheck(envOptions);
  const o = parseConsensusGameOptions(envOptions);
  const k = new ConsensusGameKernel(o, 1);
  const build = observations(k);
  let known = 0;
  let g = 0;
  let d = 0;
  for (let q = 0; q < build.Q; q++) {
    const n = k.candidateCount[q];
    if (k.correctIndex[q] < 0) continue;
    known++;
    const logits = generator.mode(build.generator(q, CORRECT), 1);
    const topG = argmax(Array.from({ length: n }, (_, y) => logits[y]));
    const topD = argmax(Array.from({ length: n }, (_, y) => discriminator.mode(build.discriminator(q, y), 1)[0]));
    if (topG === k.correctIndex[q]) g++;
    if (topD === k.correctIndex[q]) d++;
  }
  const er = consensusAnalysis(envOptions);
  return { questionsWithKnownAnswer: known, learnedG: g / known, learnedD: d / known, er: { erG: er.accuracy.erG, erD: er.accuracy.erD, initialG: er.accuracy.initialG, initialD: er.accuracy.initialD } };
}

const argmax = (x: number[]) => x.reduce((best, v, i) => (v > x[best] ? i : best), 0);

/** The learned pair (mode or sampled) on the same worlds as Equilibrium-Ranking: expected agreement (higher is better) and distances to ER's policies. */
export interface ConsensusPlay {
  agreement: Comparison;
  generatorERDistance: Stat;
  discriminatorERDistance: Stat;
}

export interface ConsensusMeasure {
  worlds: number;
  /** The untrained policies' (initial) expected agreement against ER's, paired. */
  initial: Comparison;
  mode: ConsensusPlay;
  sampled: ConsensusPlay;
  rankings: ReturnType<typeof rankingAccuracy>;
}

/** Row 11: expected agreement of the learned pair (mode and sampled) vs Equilibrium-Ranking's and the initial policies', on the same worlds. */
export function measureConsensus(generator: Policy, discriminator: Policy, envOptions: unknown, w: WorldsOptions): ConsensusMeasure {
  const er = worldMetrics(ID, envOptions, [new AgentActor(new EquilibriumRankingAgent()), new AgentActor(new EquilibriumRankingAgent())], w);
  const initial = worldMetrics(ID, envOptions, [new AgentActor(new InitialPolicyAgent()), new AgentActor(new InitialPolicyAgent())], w);
  const play = (deterministic: boolean): ConsensusPlay => {
    const m = worldMetrics(ID, envOptions, [new PolicyActor(generator, { deterministic }), new PolicyActor(discriminator, { deterministic })], w);
    return { agreement: compare(m.expectedAgreement, er.expectedAgreement, true), generatorERDistance: summarise(m.generatorERDistance), discriminatorERDistance: summarise(m.discriminatorERDistance) };
  };
  return { worlds: w.worlds, initial: compare(initial.expectedAgreement, er.expectedAgreement, true), mode: play(true), sampled: play(false), rankings: rankingAccuracy(generator, discriminator, envOptions) };
}
