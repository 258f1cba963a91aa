// Measures the learned-play results the README reports for the other games (seeded, wasm,
// means over evaluation episodes ± 95% CIs; evaluation seeds away from training):
//   persuasion  providers trained by self-play in emergent-alignment-v0, kg-single vs two-opposed
//   trade       a price-setter trained against demand-curve consumers (fixed and random economies)
//   consensus   generator and discriminator trained by self-play, vs the initial and ER policies
// Usage: node --import tsx scripts/measure-games.ts persuasion|trade|consensus [--iterations N] [--hidden H] [--backend B]
import { parseArgs } from 'node:util';
import { selectBackend, type BackendName } from '../agents/backend/index.js';
import { EquilibriumRankingAgent, InitialPolicyAgent } from '../games/consensus-game/baselines/index.js';
import { DemandCurveConsumer } from '../games/trade-market/baselines/index.js';
import { evaluatePlay, type PlayOutcome } from '../training/evaluate.js';
import { AgentActor, PolicyActor, type RoleActor } from '../training/self-play/actors.js';
import { parseTrainConfig, type TrainConfig } from '../training/self-play/config.js';
import { SelfPlayTrainer } from '../training/self-play/trainer.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { iterations: { type: 'string' }, hidden: { type: 'string' }, backend: { type: 'string', default: 'wasm' } } });
const game = positionals[0];
if (!['persuasion', 'trade', 'consensus'].includes(game)) {
  console.error('usage: node --import tsx scripts/measure-games.ts persuasion|trade|consensus [--iterations N] [--backend B]');
  process.exit(2);
}
await selectBackend(values.backend as BackendName);
const log = (s: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
const show = (r: PlayOutcome, names: readonly string[]) => names.map((n) => `${n} ${r.metrics[n].mean.toFixed(4)} ± ${r.metrics[n].ci95.toFixed(4)}`).join(', ');

function train(id: string, options: object, settings: Partial<TrainConfig>, iterations: number): SelfPlayTrainer {
  const steps = SelfPlayTrainer.stepsPerIteration(id, options, parseTrainConfig({ ...settings, steps: 1 }).numEnvs) * iterations;
  const t = new SelfPlayTrainer(id, options, parseTrainConfig({ ...settings, steps }));
  const t0 = performance.now();
  t.run((r) => r.iteration % 10 === 0 && log(`  ${id} iteration ${r.iteration}`));
  log(`  trained ${iterations} iterations in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return t;
}
const evaluate = (id: string, options: object, actors: RoleActor[], rounds: number) => evaluatePlay(actors, { envId: id, envOptions: options, episodes: 16, numEnvs: 32, rounds, seed: 12_345 });
const mode = (t: SelfPlayTrainer, side: string) => new PolicyActor(t.policies[side], { deterministic: true });

if (game === 'persuasion') {
  // The settings of tests/learned-play.test.ts.
  for (const preset of ['kg-single', 'two-opposed']) {
    const options = { preset, rounds: 8 };
    const t = train('emergent-alignment-v0', options, { numEnvs: 32, learningRate: 0.01, minibatchSize: 64, hidden: 32, logStdInit: 0 }, Number(values.iterations ?? 100));
    log(`${preset}: ${show(evaluate('emergent-alignment-v0', options, t.sides.map((s) => mode(t, s)), 8), ['userUtility', 'accuracy', 'gap', 'meanProviderUtility'])}`);
    t.dispose();
  }
}

if (game === 'trade') {
  const fixed = { weightMin: 1, weightMax: 1, supplyPerConsumerMin: 1, supplyPerConsumerMax: 1 };
  for (const [label, economy, iterations] of [['fixed economy (p* = 1)', fixed, 40], ['economy drawn every episode', {}, 150]] as const) {
    const options = { goods: 1, timing: 'price-first', reward: 'balance', ...economy };
    const settings = { train: 'price-setter', opponents: 'consumer=demand-curve', numEnvs: 32, learningRate: 3e-3, hidden: Number(values.hidden ?? 32), minibatchSize: 256, logStdInit: -1 };
    const t = train('trade-market-v0', options, settings, Number(values.iterations ?? iterations));
    const actors = t.sides.map((s) => (s === 'consumer' ? new AgentActor(new DemandCurveConsumer()) : mode(t, s)));
    log(`${label}: ${show(evaluate('trade-market-v0', options, actors, t.T), ['priceError', 'meanPrice', 'meanEquilibriumPrice', 'welfareGap'])}`);
    t.dispose();
  }
}

if (game === 'consensus') {
  const names = ['expectedAgreement', 'agreement', 'accuracy', 'generatorERDistance', 'discriminatorERDistance'];
  const t = train('consensus-game-v0', {}, { numEnvs: 32, learningRate: 3e-3, hidden: 64, minibatchSize: 256, logStdInit: -1 }, Number(values.iterations ?? 60));
  log(`trained: ${show(evaluate('consensus-game-v0', {}, t.sides.map((s) => mode(t, s)), t.T), names)}`);
  for (const [label, make] of [['initial', () => new InitialPolicyAgent()], ['equilibrium-ranking', () => new EquilibriumRankingAgent()]] as const) {
    log(`${label}: ${show(evaluate('consensus-game-v0', {}, [new AgentActor(make()), new AgentActor(make())], t.T), names)}`);
  }
  t.dispose();
}
