// A worker thread of the threaded benchmark: plays its own VecEnv slice with its own agents.
import { parentPort, workerData } from 'node:worker_threads';
import { runVecLoop } from './attention-market-loop.js';

const { B, seconds, warmup, seed } = workerData as { B: number; seconds: number; warmup: number; seed: number };
// Warm up alone, then wait for the common start so the timed windows overlap.
runVecLoop(B, 0, warmup, seed);
parentPort!.postMessage({ ready: true });
parentPort!.once('message', () => parentPort!.postMessage(runVecLoop(B, seconds, 0.2, seed)));
