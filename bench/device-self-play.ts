// Device self-play throughput: node --import tsx bench/device-self-play.ts [backend] [numEnvs ...] [--iterations K]
import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseBackendName, selectBackend } from '../agents/backend/index.js';
import { Policy } from '../agents/policy/policy.js';
import { parseAttentionMarketOptions } from '../games/attention-market/options.js';
import { makeVec } from '../envs/registry.js';
import { attentionMarketTensor } from '../games/attention-market/tensor/index.js';
import { DeviceSelfPlay } from '../training/device/index.js';
import { PpoLearner, PPO_DEFAULTS } from '../training/learners/ppo.js';
import { ReturnScaler } from '../training/learners/return-scaler.js';
import { Rng } from '../envs/core/rng.js';
import { attentionMarketProfile } from '../games/attention-market/profile.js';
import { updateFrom } from '../training/rollouts/source.js';
import { entropyCoefs, parseTrainConfig } from '../training/self-play/config.js';

type Side = 'goal' | 'user';

/**
 * Env steps (rounds × copies) per second of whole device self-play iterations (one episode
 * on TensorAttentionMarket, then a PPO update of each side from its tensor batch) with the
 * default game and the `train` defaults (both sides learn, PPO, hidden 64, owner memory),
 * on the backend already active. One warm-up iteration, then `iterations` timed ones.
 */
export async function benchDeviceSelfPlay(numEnvs: number, iterations = 2): Promise<{ samplesPerSec: number; backend: string }> {
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`benchDeviceSelfPlay: iterations must be a positive integer, got ${iterations}`);
  await tf.ready();
  const c = parseTrainConfig({ numEnvs, seed: 1 });
  const market = parseAttentionMarketOptions({});
  const roles = makeVec('attention-market-v0', { numEnvs: 1, options: market }).kernel.roles;
  const [goalSpec, userSpec] = attentionMarketProfile.policySpecs(roles, c, market);
  const policies: Record<Side, Policy> = { goal: new Policy(goalSpec, { initSeed: c.seed * 2 + 1 }), user: new Policy(userSpec, { initSeed: c.seed * 2 + 2 }) };
  const entropy = entropyCoefs(c, attentionMarketProfile.entropyCoef);
  const ppo = (p: Policy, side: Side) =>
    new PpoLearner(p, { ...PPO_DEFAULTS, learningRate: c.learningRate, epochs: c.epochs, minibatchSize: c.minibatchSize, clip: c.clip, valueCoef: c.valueCoef, entropyCoef: entropy[side] ?? 0.01, maxGradNorm: c.maxGradNorm });
  const learners = { goal: ppo(policies.goal, 'goal'), user: ppo(policies.user, 'user') };
  const scalers = { goal: new ReturnScaler(), user: new ReturnScaler() };
  const shuffle = new Rng(c.seed, 102);
  const selfPlay = new DeviceSelfPlay({ tensor: attentionMarketTensor, envOptions: market, rounds: market.rounds, numEnvs, seed: c.seed, policies, scalers, gamma: c.gamma, gaeLambda: c.gaeLambda });
  const iterate = () => {
    const episode = selfPlay.collect({ learning: ['goal', 'user'] });
    for (const side of ['goal', 'user'] as const) updateFrom(learners[side], episode.batches[side]!, shuffle);
    episode.dispose();
  };
  try {
    iterate();
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) iterate();
    const seconds = (performance.now() - t0) / 1000;
    return { samplesPerSec: Math.round((selfPlay.stepsPerEpisode * iterations) / seconds), backend: tf.getBackend() };
  } finally {
    selfPlay.dispose();
    for (const side of ['goal', 'user'] as const) {
      learners[side].optimizer.dispose();
      policies[side].dispose();
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { iterations: { type: 'string', default: '2' } } });
  const backend = parseBackendName(positionals[0] ?? 'auto');
  const sizes = positionals.slice(1).map(Number);
  const report = await selectBackend(backend);
  console.error(`backend: ${report.name}`);
  for (const numEnvs of sizes.length ? sizes : [16, 1024]) {
    const r = await benchDeviceSelfPlay(numEnvs, Number(values.iterations));
    console.log(JSON.stringify({ numEnvs, ...r }));
  }
}
