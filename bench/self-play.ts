import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { selectBackend, type BackendName } from '../agents/backend/index.js';
import { parseTrainConfig, type TrainConfig } from '../training/self-play/config.js';
import { fusedThreads, SelfPlayTrainer } from '../training/self-play/trainer.js';

/** One self-play configuration's speed: agent-steps (one agent's transition in one round of one copy) per second, rollout and update together. */
export interface SelfPlayRun {
  samplesPerSec: number;
  roundsPerSec: number;
  /** Median wall time per iteration of the rollout (one episode in every copy) and of the updates of every learning side. */
  rolloutMsPerIter: number;
  updateMsPerIter: number;
  engine: string;
  threads: number;
  iterations: number;
}

export interface SelfPlayFigures extends SelfPlayRun {
  backend: string;
  numEnvs: number;
  /** The same run on each thread count of the fused engine. */
  byThreads: Record<string, SelfPlayRun>;
  /** The same run computed by tfjs on the backend (the engine before the fused one). */
  tfjs: SelfPlayRun;
  /** The JAX peer (../shared/peer/ppo_selfplay.py) of the same configuration, measured in the same bench run, when asked for. */
  peer?: PeerFigures;
  /** samplesPerSec / peer.samplesPerSec. */
  ratioToPeer?: number;
}

export interface PeerFigures {
  samplesPerSec: number;
  rolloutMsPerIter: number;
  updateMsPerIter: number;
  compileSec: number;
  iterations: number;
  versions: Record<string, string>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * The default `train` run (attention-market-v0 defaults, B = 16, PPO on both sides,
 * simultaneous) with `settings`: one warm-up iteration, then `iterations` timed ones.
 */
export function timeSelfPlay(settings: Partial<TrainConfig>, iterations: number): SelfPlayRun {
  const trainer = new SelfPlayTrainer('attention-market-v0', {}, parseTrainConfig({ seed: 1, ...settings }));
  try {
    trainer.iterate();
    const rollout: number[] = [];
    const update: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) {
      const r = trainer.iterate();
      rollout.push(r.rolloutMs);
      update.push(r.updateMs);
    }
    const seconds = (performance.now() - t0) / 1000;
    const rounds = trainer.stepsPerIteration * iterations;
    const agents = trainer.vec.roles.reduce((s, r) => s + r.count, 0);
    return {
      samplesPerSec: Math.round((rounds * agents) / seconds),
      roundsPerSec: Math.round(rounds / seconds),
      rolloutMsPerIter: Math.round(median(rollout) * 10) / 10,
      updateMsPerIter: Math.round(median(update) * 10) / 10,
      engine: trainer.engine.kind,
      threads: trainer.engine.kind === 'fused' ? fusedThreads(trainer.config.threads) : 1,
      iterations,
    };
  } finally {
    trainer.dispose();
  }
}

/**
 * The default run on `backend`: the fused engine on each of `threads` (the default setting
 * last, as `samplesPerSec`), and tfjs on the backend; with `peer`, the JAX peer of the same
 * configuration in the same run.
 */
export async function benchSelfPlay(backend: BackendName, iterations: number, threads: number[], peer?: PeerOptions, log: (line: string) => void = () => {}): Promise<SelfPlayFigures> {
  const report = await selectBackend(backend);
  const byThreads: Record<string, SelfPlayRun> = {};
  for (const t of threads) {
    byThreads[t] = timeSelfPlay({ engine: 'fused', threads: t }, iterations);
    log(`self-play, fused engine, ${t} thread(s): ${byThreads[t].samplesPerSec.toLocaleString()} agent-steps/s (rollout ${byThreads[t].rolloutMsPerIter} ms, update ${byThreads[t].updateMsPerIter} ms per iteration)`);
  }
  const tfjs = timeSelfPlay({ engine: 'tfjs' }, Math.max(2, Math.round(iterations / 4)));
  log(`self-play, tfjs on ${report.name}: ${tfjs.samplesPerSec.toLocaleString()} agent-steps/s (rollout ${tfjs.rolloutMsPerIter} ms, update ${tfjs.updateMsPerIter} ms per iteration)`);
  const auto = timeSelfPlay({}, iterations);
  log(`self-play, default settings (engine ${auto.engine}, ${auto.threads} thread(s)): ${auto.samplesPerSec.toLocaleString()} agent-steps/s`);
  const figures: SelfPlayFigures = { ...auto, backend: report.name, numEnvs: parseTrainConfig({}).numEnvs, byThreads, tfjs };
  if (peer) {
    figures.peer = await runPeer(peer, iterations);
    figures.ratioToPeer = Math.round((auto.samplesPerSec / figures.peer.samplesPerSec) * 1000) / 1000;
    log(`self-play, JAX peer: ${figures.peer.samplesPerSec.toLocaleString()} agent-steps/s (rollout ${figures.peer.rolloutMsPerIter} ms, update ${figures.peer.updateMsPerIter} ms); buddy-gym / peer = ${figures.ratioToPeer}`);
  }
  return figures;
}

export interface PeerOptions {
  /** A Python with jax and optax (e.g. /tmp/peer-venv/bin/python from ../shared/peer/setup.sh). */
  python: string;
  /** ppo_selfplay.py. */
  script: string;
}

/** Runs the JAX peer of the default run (same B, networks and PPO settings) and reads its last-line JSON. */
async function runPeer(o: PeerOptions, iterations: number): Promise<PeerFigures> {
  if (!existsSync(o.script)) throw new Error(`bench: the peer script ${o.script} does not exist (see ../shared/peer/README.md)`);
  const { stdout } = await promisify(execFile)(o.python, [o.script, '--iterations', String(iterations + 1), '--num-envs', String(parseTrainConfig({}).numEnvs), '--eval-episodes', '48'], { maxBuffer: 64 * 2 ** 20 });
  const last = stdout.trim().split('\n').pop() ?? '';
  const r = JSON.parse(last) as { samples_per_s: number; rollout_ms_median: number; update_ms_median: number; compile_s: number; iterations: number; versions: Record<string, string> };
  return {
    samplesPerSec: Math.round(r.samples_per_s),
    rolloutMsPerIter: Math.round(r.rollout_ms_median * 10) / 10,
    updateMsPerIter: Math.round(r.update_ms_median * 10) / 10,
    compileSec: r.compile_s,
    iterations: r.iterations - 1,
    versions: r.versions,
  };
}
