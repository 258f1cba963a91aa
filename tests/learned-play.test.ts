import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../agents/backend/index.js';
import { policyProfile } from '../games/persuasion/baselines/policy-profile.js';
import { DemandCurveConsumer } from '../games/trade-market/baselines/index.js';
import { evaluateProfile } from '../games/persuasion/analysis/index.js';
import { parsePersuasionOptions, resolveInstance } from '../games/persuasion/options.js';
import { evaluatePlay } from '../training/evaluate.js';
import { AgentActor, PolicyActor } from '../training/self-play/actors.js';
import { parseTrainConfig, type TrainConfig } from '../training/self-play/config.js';
import { SelfPlayTrainer } from '../training/self-play/trainer.js';
import { trainDefaultsFor } from '../training/profiles/index.js';

/**
 * Learned play in the other games (issue 4): seeded self-play runs, judged by evaluation
 * episodes on seeds away from training, with 95% CIs. The settings were chosen by the runs
 * recorded in the README; they are the suite's slowest tests (about a minute each here).
 */
function train(id: string, options: object, settings: Partial<TrainConfig>, iterations: number): SelfPlayTrainer {
  const base = parseTrainConfig({ ...settings, steps: 1 });
  const steps = SelfPlayTrainer.stepsPerIteration(id, options, base.numEnvs) * iterations;
  const trainer = new SelfPlayTrainer(id, options, parseTrainConfig({ ...settings, steps }));
  trainer.run();
  return trainer;
}

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('emergent-alignment-v0: competition between opposed providers', () => {
  const settings: Partial<TrainConfig> = { numEnvs: 32, learningRate: 0.01, minibatchSize: 64, hidden: 32, logStdInit: 0, seed: 0 };
  /** The exact value of the profile the provider policy commits to in round 0 (mode action). */
  const exact = (trainer: SelfPlayTrainer, options: { preset: string; rounds: number }) => {
    const o = parsePersuasionOptions('emergent-alignment-v0', options);
    return evaluateProfile(resolveInstance(o), policyProfile(trainer.policies.provider, 'emergent-alignment-v0', options, 0), o);
  };

  it('self-play with two opposed providers leaves the user better off than with one biased provider, beyond the CIs', () => {
    const userUtility: Record<string, { mean: number; ci95: number }> = {};
    for (const preset of ['kg-single', 'two-opposed']) {
      const options = { preset, rounds: 8 };
      const trainer = train('emergent-alignment-v0', options, settings, 100);
      const actors = trainer.sides.map((s) => new PolicyActor(trainer.policies[s], { deterministic: true }));
      userUtility[preset] = evaluatePlay(actors, { envId: 'emergent-alignment-v0', envOptions: options, episodes: 16, numEnvs: 32, rounds: 8, seed: 12_345 }).metrics.userUtility;
      // Exactly (no sampled episodes): the single provider persuades, the opposed pair reveals.
      const value = exact(trainer, options);
      if (preset === 'kg-single') expect(value.providers[0]).toBeGreaterThan(0.5); // KG optimum 0.625, truthful 0.475
      // (no information: accuracy 0.7; this short run reaches 0.889 with the fused engine, the results table's row 6 0.98–1.0)
      else expect(value.users[0].accuracy).toBeGreaterThan(0.85);
      trainer.dispose();
    }
    const single = userUtility['kg-single'];
    const opposed = userUtility['two-opposed'];
    // The aligned benchmark V* is 0.625 in both; babbling and the KG optimum leave the user 0.55 (accuracy 1 − μ = 0.7).
    expect(opposed.mean - opposed.ci95).toBeGreaterThan(single.mean + single.ci95);
    expect(opposed.mean).toBeLessThanOrEqual(0.625 + 1e-9);
    // Untrained, the policy commits to an uninformative signal: the user ignores it (accuracy 0.7, provider 0.175).
    const fresh = new SelfPlayTrainer('emergent-alignment-v0', { preset: 'kg-single', rounds: 8 }, parseTrainConfig({ ...settings, steps: 1 }));
    expect(exact(fresh, { preset: 'kg-single', rounds: 8 }).providers[0]).toBeLessThan(0.3);
    fresh.dispose();
  }, 600_000);
});

describe('trade-market-v0: a learned price-setter', () => {
  it('posts prices near the competitive equilibrium p* of economies drawn every episode, against demand-curve consumers', () => {
    // The env's defaults: price-first timing, the balance reward, 2 consumers, 2 goods, λ and Q drawn per episode (p* ∈ [1/3, 3]).
    const settings = { ...trainDefaultsFor('trade-market-v0'), numEnvs: 32, seed: 0 };
    const players = (t: SelfPlayTrainer) => t.sides.map((s) => (s === 'consumer' ? new AgentActor(new DemandCurveConsumer()) : new PolicyActor(t.policies[s], { deterministic: true })));
    const evaluate = (t: SelfPlayTrainer) => evaluatePlay(players(t), { envId: 'trade-market-v0', envOptions: {}, episodes: 4, numEnvs: 64, rounds: t.T, seed: 12_345 }).metrics.priceError.mean;
    const trainer = train('trade-market-v0', {}, settings, 80);
    const after = evaluate(trainer);
    trainer.dispose();
    expect(after).toBeLessThan(0.06);
    // Untrained, the residual price-setter holds the initial price 1, far from most p*: the test can fail.
    const fresh = new SelfPlayTrainer('trade-market-v0', {}, parseTrainConfig({ ...settings, steps: 1 }));
    expect(evaluate(fresh)).toBeGreaterThan(0.2);
    fresh.dispose();
  }, 600_000);
});
