import { CONSUMER, PRICE_SETTER } from '../games/trade-market/index.js';
import { makeVec } from '../envs/registry.js';
import { Rng } from '../envs/core/rng.js';
import type { VecEnv } from '../envs/core/vector-env.js';
import type { Agent, BatchContext } from '../agents/agent.js';
import { DemandCurveConsumer, TatonnementPriceSetter } from '../games/trade-market/baselines/index.js';

export interface TradeMarketFigures {
  /** Env rounds per second (both phases and both baselines' actBatch), on the main thread. */
  roundsPerSec: number;
  /** Copies stepped together. */
  batch: number;
}

function batchContext(vec: VecEnv, role: number, rng: Rng): BatchContext {
  const r = vec.roles[role];
  return { numEnvs: vec.numEnvs, count: r.count, obsSize: r.obsSize, actSize: r.actSize, rng, role: r.spec, kernel: vec.kernel };
}

/**
 * trade-market-v0 with default options (2 consumers, 2 goods) as a VecEnv of B = 1024
 * copies: the tâtonnement price-setter and demand-curve consumers, one thread. rounds = B ×
 * iterations, timed for about `seconds` after a warm-up of a quarter of that.
 */
export async function benchTradeMarket(seconds = 2): Promise<TradeMarketFigures> {
  const B = 1024;
  const vec = makeVec('trade-market-v0', { numEnvs: B, autoreset: 'same-step' });
  vec.reset({ seed: 1 });
  const rng = new Rng(1, 1);
  const setter: Agent = new TatonnementPriceSetter();
  const consumer: Agent = new DemandCurveConsumer();
  const s = vec.roles[PRICE_SETTER];
  const c = vec.roles[CONSUMER];
  const sctx = batchContext(vec, PRICE_SETTER, rng);
  const cctx = batchContext(vec, CONSUMER, rng);
  const round = () => {
    setter.actBatch!(s.observations, s.actions, sctx);
    vec.step();
    consumer.actBatch!(c.observations, c.actions, cctx);
    vec.step();
  };
  const run = (ms: number) => {
    const t0 = performance.now();
    let calls = 0;
    while (performance.now() - t0 < ms) {
      for (let i = 0; i < 10; i++) round();
      calls += 10;
    }
    return { calls, seconds: (performance.now() - t0) / 1000 };
  };
  run(250 * seconds);
  const { calls, seconds: took } = run(1000 * seconds);
  return { roundsPerSec: Math.round((calls * B) / took), batch: B };
}

// `node --import tsx bench/trade-market.ts` prints the figures.
if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await benchTradeMarket()));
