/**
 * attentionMarket tensor env: rounds per second of TensorAttentionMarket (attention-market-v0
 * with default options as tfjs ops over B copies) on the current tfjs backend, with honest goals
 * (e = g) and greedy users (the top N of q·e) written in tf ops, so that no value goes back to
 * the host between rounds: rounds/s = B × rounds completed per second. One round is building both
 * roles' observations, both policies, the goal phase and the user phase with its feedback draws
 * (made on the host by tf.randomUniform and uploaded) and ridge update. Episodes restart with
 * reset() (a fresh hidden state) every 32 rounds. Only the last round's metric is read back, at
 * the end, which also waits for any queued device work.
 *
 *   node --import tsx bench/tensor-env.ts [--backend wasm] [--batch 1024] [--seconds 3]
 */
import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import { isBackendName, selectBackend, type BackendName } from '../agents/backend/index.js';
import { parseAttentionMarketOptions } from '../games/attention-market/options.js';
import { repeatTo, TensorAttentionMarket } from '../games/attention-market/tensor/index.js';

export const TENSOR_ENV_BENCH = { warmupMs: 2000, seconds: 3 } as const;

/** One round of honest goals and greedy users, all in tf ops; returns the round's mean regret. */
function playRound(env: TensorAttentionMarket): tf.Scalar {
  return tf.tidy(() => {
    const { batch: B, U, P, D, M, N } = env;
    const goalObs = env.goalObservations();
    const grounded = tf.reshape(tf.slice(goalObs, [0, 0], [-1, D]), [-1, 1, D]);
    env.stepGoals(tf.reshape(repeatTo(grounded, [B * env.G, M, D]), [-1, M * D]) as tf.Tensor2D); // e = g, M times
    const userObs = env.userObservations();
    const pool = tf.reshape(tf.slice(userObs, [0, 0], [-1, P * D]), [B * U, P, D]);
    const estimate = tf.reshape(tf.slice(userObs, [0, env.spaces.userObservation.offsets.estimate], [-1, D]), [B * U, D, 1]);
    const selection = tf.topk(tf.reshape(tf.matMul(pool, estimate), [B * U, P]), N).indices as tf.Tensor2D;
    return env.stepUsers(selection).metrics.meanRegret;
  });
}

/** Rounds of all B copies per second on the current backend (default options, B = batch). */
export async function benchTensorEnv(batch: number, seconds: number = TENSOR_ENV_BENCH.seconds): Promise<{ roundsPerSec: number; backend: string }> {
  const env = new TensorAttentionMarket(parseAttentionMarketOptions({}), batch, { seed: 1 });
  let last: tf.Scalar | null = null;
  const run = async (ms: number): Promise<{ rounds: number; elapsed: number }> => {
    const start = performance.now();
    let rounds = 0;
    while (performance.now() - start < ms) {
      if (env.done) env.reset();
      last?.dispose();
      last = playRound(env);
      rounds++;
    }
    await last!.data(); // waits for queued work on asynchronous backends
    return { rounds, elapsed: performance.now() - start };
  };
  try {
    env.reset(1);
    await run(TENSOR_ENV_BENCH.warmupMs);
    const { rounds, elapsed } = await run(seconds * 1000);
    return { roundsPerSec: Math.round((batch * rounds) / (elapsed / 1000)), backend: tf.getBackend() };
  } finally {
    (last as tf.Scalar | null)?.dispose();
    env.dispose();
  }
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string, fallback: string): string => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
  };
  const backend = arg('backend', 'wasm');
  if (!isBackendName(backend)) throw new Error(`--backend: not a backend name: ${backend}`);
  const batch = Number(arg('batch', '1024'));
  const seconds = Number(arg('seconds', String(TENSOR_ENV_BENCH.seconds)));
  await selectBackend(backend as BackendName);
  const result = await benchTensorEnv(batch, seconds);
  console.log(JSON.stringify({ tensorEnv: { ...result, batch, seconds } }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
