import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './agents/backend/index.ts';
import { SelfPlayTrainer } from './training/self-play/trainer.ts';
import { parseTrainConfig } from './training/self-play/config.ts';
await selectBackend('wasm');
const cfg = parseTrainConfig({ numEnvs: 16, steps: 16 * 32 * Number(process.env.IT ?? 20), seed: 1, train: process.env.TRAIN ?? 'user', goalOpponent: process.env.GOPP ?? 'exaggerate', userOpponent: process.env.UOPP ?? 'policy', learningRate: Number(process.env.LR ?? 1e-3) });
const tr = new SelfPlayTrainer('attention-market-v0', {}, cfg);
const t0 = performance.now();
tr.run((r) => console.log(r.iteration, 'regret', r.episode.metrics.meanRegret.toFixed(3), 'goalR', r.episode.meanReward[0].toFixed(3), 'userR', r.episode.meanReward[1].toFixed(3), JSON.stringify(Object.fromEntries(Object.entries(r.updates).map(([k, v]) => [k, { kl: v!.approxKl.toExponential(1), ent: v!.entropy.toFixed(3) }]))), ((performance.now() - t0) / 1000).toFixed(0) + 's'));
