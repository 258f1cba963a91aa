// Env rounds per second of the persuasion family: B = 1024 copies of each id with its default
// options, kg-optimal providers acting through actBatch, one thread. Run alone with
// `node --import tsx bench/persuasion.ts [seconds]` (prints JSON).
import { pathToFileURL } from 'node:url';
import type { BatchContext } from '../agents/agent.js';
import { KgOptimalProvider } from '../games/persuasion/baselines/index.js';
import { Rng } from '../envs/core/rng.js';
import { EMERGENT_ALIGNMENT_ID, PLURALISTIC_MARKET_ID } from '../games/persuasion/index.js';
import { makeVec } from '../envs/registry.js';

export interface PersuasionFigure {
  id: string;
  roundsPerSec: number;
  batch: number;
}

export async function benchPersuasion(seconds = 2): Promise<PersuasionFigure[]> {
  const batch = 1024;
  return [EMERGENT_ALIGNMENT_ID, PLURALISTIC_MARKET_ID].map((id) => ({ id, roundsPerSec: Math.round(roundsPerSec(id, batch, seconds)), batch }));
}

function roundsPerSec(id: string, B: number, seconds: number): number {
  const vec = makeVec(id, { numEnvs: B, autoreset: 'same-step' });
  vec.reset({ seed: 1 });
  const role = vec.roles[0];
  const ctx: BatchContext = { numEnvs: B, count: role.count, obsSize: role.obsSize, actSize: role.actSize, rng: new Rng(1, 1), role: role.spec, kernel: vec.kernel };
  const providers = new KgOptimalProvider();
  const round = () => {
    providers.actBatch(role.observations, role.actions, ctx);
    vec.step(); // one step is one whole round
  };
  const warm = performance.now() + Math.min(1, seconds / 2) * 1000;
  while (performance.now() < warm) round();
  let calls = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 10; i++) round();
    calls += 10;
  }
  return (calls * B) / ((performance.now() - t0) / 1000);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seconds = process.argv[2] === undefined ? 2 : Number(process.argv[2]);
  console.log(JSON.stringify(await benchPersuasion(seconds)));
}
