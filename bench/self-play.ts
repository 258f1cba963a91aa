import { selectBackend, type BackendName } from '../agents/backend/index.js';
import { parseTrainConfig } from '../training/self-play/config.js';
import { SelfPlayTrainer } from '../training/self-play/trainer.js';

export interface SelfPlayFigures {
  /** Env agent-steps (one agent's transition in one round of one copy) per second, rollout and update together. */
  samplesPerSec: number;
  /** Rounds (env steps) per second of the same run. */
  roundsPerSec: number;
  backend: string;
  numEnvs: number;
  iterations: number;
}

/**
 * The default training run (attention-market-v0 defaults, the `train` defaults: B = 16,
 * PPO on both sides, simultaneous) on `backend`: one warm-up iteration, then `iterations`
 * timed ones.
 */
export async function benchSelfPlay(backend: BackendName, iterations: number): Promise<SelfPlayFigures> {
  const report = await selectBackend(backend);
  const trainer = new SelfPlayTrainer('attention-market-v0', {}, parseTrainConfig({ seed: 1 }));
  trainer.iterate();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) trainer.iterate();
  const seconds = (performance.now() - t0) / 1000;
  const rounds = trainer.stepsPerIteration * iterations;
  const agents = trainer.vec.roles.reduce((s, r) => s + r.count, 0);
  trainer.dispose();
  return { samplesPerSec: Math.round((rounds * agents) / seconds), roundsPerSec: Math.round(rounds / seconds), backend: report.name, numEnvs: trainer.config.numEnvs, iterations };
}
