import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { runSingleLoop, runVecLoop, type LoopResult } from './attention-market-loop.js';

export interface AttentionMarketFigures {
  /** B = 1024 copies, all worker threads together (one per core): env rounds per second. */
  vecRoundsPerSec: number;
  /** The same on the main thread alone. */
  vecRoundsPerSecSingleThread: number;
  threads: number;
  /** One env through the object API. */
  singleRoundsPerSec: number;
}

export async function benchAttentionMarket(seconds: number): Promise<AttentionMarketFigures> {
  const B = 1024;
  const single = runVecLoop(B, seconds, 1, 1);
  const threads = Math.max(1, availableParallelism());
  const threaded = threads > 1 ? await runThreaded(B, threads, seconds) : single;
  const obj = runSingleLoop(seconds, 1, 1);
  return {
    vecRoundsPerSec: Math.round(threaded.rounds / threaded.seconds),
    vecRoundsPerSecSingleThread: Math.round(single.rounds / single.seconds),
    threads,
    singleRoundsPerSec: Math.round(obj.rounds / obj.seconds),
  };
}

/** B copies split across `threads` workers, each with its own VecEnv and agents (data-parallel rollouts). */
async function runThreaded(B: number, threads: number, seconds: number): Promise<LoopResult> {
  const workers = Array.from({ length: threads }, (_, i) => {
    const share = Math.floor(B / threads) + (i < B % threads ? 1 : 0);
    return new Worker(new URL('./ts-worker.mjs', import.meta.url), {
      workerData: { entry: new URL('./attention-market-worker.ts', import.meta.url).href, B: share, seconds, warmup: 1, seed: 1 + i * 1_000_003 },
    });
  });
  const ready = workers.map((w) => new Promise<void>((res, rej) => (w.once('message', () => res()), w.once('error', rej))));
  await Promise.all(ready);
  const results = workers.map((w) => new Promise<LoopResult>((res, rej) => (w.once('message', res), w.once('error', rej))));
  for (const w of workers) w.postMessage('go');
  const all = await Promise.all(results);
  await Promise.all(workers.map((w) => w.terminate()));
  return { rounds: all.reduce((s, r) => s + r.rounds, 0), seconds: Math.max(...all.map((r) => r.seconds)) };
}
