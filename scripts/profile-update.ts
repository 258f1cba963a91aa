/**
 * Where an iteration of the default self-play run goes, for BENCHMARKS.md:
 *   node --import tsx scripts/profile-update.ts [--iterations N] [--json]
 * The fused engine on one thread: per side, the wasm kernel calls per minibatch step (the
 * fused engine's "ops dispatched") and the time in them, in the heads, the pool features
 * and the rest (JS glue); the rollout's share. Then tfjs on wasm for the same run: the
 * tfjs kernels dispatched per minibatch step of each side (tf.profile) and its times.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../agents/backend/index.js';
import { fusedRuntime, type Kernels } from '../agents/policy/fused/runtime.js';
import type { Batch } from '../training/learners/batch.js';
import { parseTrainConfig } from '../training/self-play/config.js';
import { SelfPlayTrainer } from '../training/self-play/trainer.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '6' }, json: { type: 'boolean', default: false } } });
const iterations = Number(values.iterations);
await selectBackend('wasm');
const now = () => performance.now();

// ---- fused engine, one thread ------------------------------------------------------------
const rt = fusedRuntime();
const trainer = new SelfPlayTrainer('attention-market-v0', {}, parseTrainConfig({ seed: 1, engine: 'fused', threads: 1, evalEvery: 0 }));
trainer.iterate(); // warm-up
type Tally = { calls: Record<string, number>; kernelMs: Record<string, number>; headMs: number; updateMs: number; steps: number };
const tally: Record<string, Tally> = {};
let current: Tally | null = null;
// the exports object is frozen: the runtime gets a counting copy of it
const exports = rt.k as unknown as Record<string, (...a: number[]) => unknown>;
const k: Record<string, (...a: number[]) => unknown> = {};
(rt as unknown as { k: Kernels }).k = k as unknown as Kernels;
for (const name of Object.keys(exports)) {
  const f = exports[name];
  k[name] = (...a: number[]) => {
    if (!current) return f(...a);
    const t = now();
    try {
      return f(...a);
    } finally {
      current.kernelMs[name] = (current.kernelMs[name] ?? 0) + now() - t;
      current.calls[name] = (current.calls[name] ?? 0) + 1;
    }
  };
}
let rolloutMs = 0;
for (const side of trainer.sides) {
  const t: Tally = (tally[side] = { calls: {}, kernelMs: {}, headMs: 0, updateMs: 0, steps: 0 });
  const learner = trainer.learners[side];
  const update = learner.update.bind(learner);
  learner.update = (batch: Batch, rng) => {
    current = t;
    const t0 = now();
    try {
      const s = update(batch, rng);
      t.steps += s.minibatches;
      return s;
    } finally {
      t.updateMs += now() - t0;
      current = null;
    }
  };
  const head = trainer.policies[side].fused.head;
  for (const m of ['evaluate', 'backward'] as const) {
    const f = head[m].bind(head) as (...a: unknown[]) => void;
    (head as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => {
      const t0 = now();
      try {
        return f(...a);
      } finally {
        if (current) current.headMs += now() - t0;
      }
    };
  }
}
const total0 = now();
for (let i = 0; i < iterations; i++) rolloutMs += trainer.iterate().rolloutMs;
const totalMs = now() - total0;
const fused = Object.fromEntries(
  Object.entries(tally).map(([side, t]) => {
    const kernelMs = Object.values(t.kernelMs).reduce((a, b) => a + b, 0);
    const perStep = (x: number) => Math.round((x / t.steps) * 100) / 100;
    return [
      side,
      {
        minibatchSteps: t.steps / iterations,
        kernelCallsPerStep: perStep(Object.values(t.calls).reduce((a, b) => a + b, 0)),
        callsPerStepByKernel: Object.fromEntries(Object.entries(t.calls).map(([n, c]) => [n, perStep(c)])),
        msPerStep: { total: perStep(t.updateMs), kernels: perStep(kernelMs), head: perStep(t.headMs), jsOther: perStep(t.updateMs - kernelMs - t.headMs) },
        kernelMsPerStep: Object.fromEntries(Object.entries(t.kernelMs).map(([n, ms]) => [n, perStep(ms)])),
      },
    ];
  }),
);
const per = (x: number) => Math.round(x / iterations);
const fusedIteration = { totalMs: per(totalMs), rolloutMs: per(rolloutMs), updateMs: Object.fromEntries(Object.entries(tally).map(([s, t]) => [s, per(t.updateMs)])) };
trainer.dispose();

// ---- tfjs on wasm: kernels dispatched per minibatch step ----------------------------------
const tfTrainer = new SelfPlayTrainer('attention-market-v0', {}, parseTrainConfig({ seed: 1, engine: 'tfjs', evalEvery: 0 }));
tfTrainer.iterate();
const tfjs: Record<string, { minibatchSteps: number; kernelsPerStep: number; msPerStep: number }> = {};
for (const side of tfTrainer.sides) {
  const learner = tfTrainer.learners[side];
  const update = learner.update.bind(learner);
  let prof: { kernels: number; ms: number; steps: number } | null = null;
  learner.update = (batch: Batch, rng) => {
    let stats!: ReturnType<typeof update>;
    const t0 = now();
    void tf
      .profile(() => {
        stats = update(batch, rng);
      })
      .then((p) => {
        prof = { kernels: p.kernels.length, ms: now() - t0, steps: stats.minibatches };
      });
    return stats;
  };
  tfTrainer.iterate();
  await new Promise((r) => setTimeout(r, 0));
  const p = prof as { kernels: number; ms: number; steps: number } | null;
  if (p) tfjs[side] = { minibatchSteps: p.steps, kernelsPerStep: Math.round(p.kernels / p.steps), msPerStep: Math.round((p.ms / p.steps) * 10) / 10 };
  learner.update = update;
}
const t1 = now();
const tfIters = 2;
let tfRollout = 0;
for (let i = 0; i < tfIters; i++) tfRollout += tfTrainer.iterate().rolloutMs;
const tfjsIteration = { totalMs: Math.round((now() - t1) / tfIters), rolloutMs: Math.round(tfRollout / tfIters) };
tfTrainer.dispose();

const report = { iterations, fused, fusedIteration, tfjs, tfjsIteration };
if (values.json) console.log(JSON.stringify(report));
else console.log(JSON.stringify(report, null, 2));
process.exit(0);
