import { InitialPolicyAgent } from '../games/consensus-game/baselines/index.js';
import type { BatchContext } from '../agents/agent.js';
import { VecEnv } from '../envs/core/vector-env.js';
import { Rng } from '../envs/core/rng.js';
import { consensusGameSpec, parseConsensusGameOptions } from '../games/consensus-game/index.js';

/**
 * consensus-game-v0 on the default candidates: B = 1024 copies in one VecEnv on the main thread,
 * both roles played by the initial-policy baseline (actBatch), for `seconds` after a warm-up.
 * A round is two steps (generator, then discriminator); the time includes the baselines.
 */
export async function benchConsensusGame(seconds = 1): Promise<{ roundsPerSec: number; batch: number }> {
  const batch = 1024;
  const kernel = consensusGameSpec.createKernel(parseConsensusGameOptions({ rounds: 1_000_000 }), batch); // no resets inside the timing
  const vec = new VecEnv(kernel, 'next-step');
  vec.reset({ seed: 1 });
  const agent = new InitialPolicyAgent();
  const rng = new Rng(1);
  const contexts: BatchContext[] = vec.roles.map((role) => ({ numEnvs: batch, count: 1, obsSize: role.obsSize, actSize: role.actSize, rng, role: role.spec, kernel }));
  const round = () => {
    for (let phase = 0; phase < 2; phase++) {
      const r = vec.actingRole;
      agent.actBatch(vec.roles[r].observations, vec.roles[r].actions, contexts[r]);
      vec.step();
    }
  };
  const warmupEnd = performance.now() + Math.min(500, seconds * 250);
  while (performance.now() < warmupEnd) round();
  let rounds = 0;
  const start = performance.now();
  let now = start;
  while (now - start < seconds * 1000) {
    for (let i = 0; i < 10; i++) round();
    rounds += 10 * batch;
    now = performance.now();
  }
  return { roundsPerSec: Math.round(rounds / ((now - start) / 1000)), batch };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchConsensusGame()));
