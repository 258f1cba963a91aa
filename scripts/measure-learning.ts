// Measures the learning results the README reports (seeded, 95% CIs):
//  A. π_user trained against exaggerating goals vs the greedy user (mean regret);
//  B. π_goal trained against greedy users vs honest goals (goal utility);
//  C. exploitability lower bounds of self-play policies vs the untrained ones.
// Usage: node --import tsx scripts/measure-learning.ts [--iterations N] [--br N] [--episodes K] [--backend B] [--only ABC] [--options '{"dim":2}'] [--set '{"gamma":0.5}']
import { parseArgs } from 'node:util';
import { selectBackend, type BackendName } from '../agents/backend/index.js';
import { ExaggeratingGoal, GreedyUser, HonestGoal } from '../games/attention-market/baselines/index.js';
import { evaluateMatchup, type MatchupResult } from '../games/attention-market/matchup.js';
import { exploitabilityLowerBound } from '../training/exploitability.js';
import { AgentActor, DeviatorActor, PolicyActor } from '../training/self-play/actors.js';
import { parseTrainConfig } from '../training/self-play/config.js';
import { SelfPlayTrainer } from '../training/self-play/trainer.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '40' }, br: { type: 'string', default: '20' }, episodes: { type: 'string', default: '16' }, backend: { type: 'string', default: 'wasm' }, only: { type: 'string', default: 'ABC' }, options: { type: 'string', default: '{}' }, set: { type: 'string', default: '{}' } } });
const trainOverrides = JSON.parse(values.set) as Record<string, unknown>;
const envOptions = JSON.parse(values.options) as Record<string, unknown>;
const iterations = Number(values.iterations);
const brIterations = Number(values.br);
const episodes = Number(values.episodes);
const backend = await selectBackend(values.backend as BackendName);
const env = 'attention-market-v0';
const seed = 1;
const log = (s: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
const fmt = (r: MatchupResult, key: 'regret' | 'goalUtility') => `${r[key].mean.toFixed(4)} ± ${r[key].ci95.toFixed(4)}`;
const out: Record<string, unknown> = { backend: backend.name, iterations, brIterations, episodes, envOptions, trainOverrides };

function train(over: Record<string, unknown>): SelfPlayTrainer {
  const { numEnvs } = parseTrainConfig({ ...trainOverrides, ...over, seed, steps: 1 });
  const steps = SelfPlayTrainer.stepsPerIteration(env, envOptions, numEnvs) * iterations;
  const t = new SelfPlayTrainer(env, envOptions, parseTrainConfig({ ...trainOverrides, ...over, seed, steps }));
  const t0 = performance.now();
  t.run((r) => r.iteration % 10 === 0 && log(`  iteration ${r.iteration}: regret ${r.episode.metrics.meanRegret.toFixed(3)}, goal reward ${r.episode.meanReward[0].toFixed(3)}`));
  log(`  trained ${iterations} iterations in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return t;
}
const matchup = { envId: env, envOptions, episodes, numEnvs: 16, rounds: (envOptions.rounds as number | undefined) ?? 32, seed: 9_000 };

if (values.only.includes('A')) {
  log('A: π_user trained against exaggerating goals');
  const t = train({ train: 'user', opponents: 'goal=exaggerate' });
  const trained = evaluateMatchup(new AgentActor(new ExaggeratingGoal()), new PolicyActor(t.policies.user), matchup);
  const trainedMode = evaluateMatchup(new AgentActor(new ExaggeratingGoal()), new PolicyActor(t.policies.user, { deterministic: true }), matchup);
  const greedy = evaluateMatchup(new AgentActor(new ExaggeratingGoal()), new AgentActor(new GreedyUser()), matchup);
  log(`  regret vs exaggerating goals: trained ${fmt(trained, 'regret')} (sampled), ${fmt(trainedMode, 'regret')} (mode); greedy ${fmt(greedy, 'regret')}`);
  out.A = { trainedRegret: trained.regret, trainedModeRegret: trainedMode.regret, greedyRegret: greedy.regret };
  t.dispose();
}
if (values.only.includes('B')) {
  log('B: π_goal trained against greedy users');
  const t = train({ train: 'goal', opponents: 'user=greedy' });
  // Every goal playing π_goal shares the same U·N slots (mean visibility is fixed), so the
  // question is a unilateral one: goal #0 plays π_goal among honest goals, on the same seeds
  // as the all-honest market, against greedy users.
  const honest = () => new AgentActor(new HonestGoal());
  const deviant = evaluateMatchup(new DeviatorActor(honest(), new PolicyActor(t.policies.goal, { deterministic: true }), [0]), new AgentActor(new GreedyUser()), matchup);
  const deviantSampled = evaluateMatchup(new DeviatorActor(honest(), new PolicyActor(t.policies.goal), [0]), new AgentActor(new GreedyUser()), matchup);
  const allHonest = evaluateMatchup(honest(), new AgentActor(new GreedyUser()), matchup);
  const s0 = (r: MatchupResult) => `${r.goalUtilityByAgent[0].mean.toFixed(4)} ± ${r.goalUtilityByAgent[0].ci95.toFixed(4)}`;
  log(`  goal #0 utility among honest goals vs greedy users: π_goal ${s0(deviant)} (mode), ${s0(deviantSampled)} (sampled); honest ${s0(allHonest)}`);
  log(`  all goals playing π_goal (sampled): mean utility ${fmt(evaluateMatchup(new PolicyActor(t.policies.goal), new AgentActor(new GreedyUser()), matchup), 'goalUtility')} (all honest: 1.5, the slots are shared)`);
  out.B = { deviantMode: deviant.goalUtilityByAgent[0], deviantSampled: deviantSampled.goalUtilityByAgent[0], honest: allHonest.goalUtilityByAgent[0] };
  t.dispose();
}
if (values.only.includes('C')) {
  log('C: exploitability lower bounds, untrained vs after self-play');
  const initial = new SelfPlayTrainer(env, envOptions, parseTrainConfig({ seed, steps: 1 }));
  const before = exploitabilityLowerBound(initial.policies, { envId: env, envOptions, iterations: brIterations, evalEpisodes: episodes, seed: 77 });
  log(`  untrained: user gain ${before.sides.user.gain.toFixed(4)} ± ${before.sides.user.ci95.toFixed(4)}, goal gain ${before.sides.goal.gain.toFixed(4)} ± ${before.sides.goal.ci95.toFixed(4)}`);
  initial.dispose();
  const t = train({ schedule: 'alternating', alternateEvery: 4 });
  const after = exploitabilityLowerBound(t.policies, { envId: env, envOptions, iterations: brIterations, evalEpisodes: episodes, seed: 77 });
  log(`  self-play: user gain ${after.sides.user.gain.toFixed(4)} ± ${after.sides.user.ci95.toFixed(4)}, goal gain ${after.sides.goal.gain.toFixed(4)} ± ${after.sides.goal.ci95.toFixed(4)}`);
  out.C = { before, after };
  t.dispose();
}
console.log(JSON.stringify(out));
