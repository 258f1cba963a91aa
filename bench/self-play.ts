import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { selectBackend, type BackendName } from '../agents/backend/index.js';
import { parseTrainConfig, type TrainConfig } from '../training/self-play/config.js';
import { fusedThreads, SelfPlayTrainer } from '../training/self-play/trainer.js';
import { trainDefaultsFor } from '../training/profiles/index.js';

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
  /**
   * `train attention-market-v0`'s own defaults since the results table (its profile's
   * trainDefaults: centralised critic, γ = 0, minibatches of 4,096, learning rate 1e-3),
   * on the same game, with the peer run with the matching flags where it has them (it has
   * no centralised critic: ours computes the larger value input, theirs does not).
   */
  recipe: SelfPlayRun & { settings: Partial<TrainConfig>; peer?: PeerFigures; ratioToPeer?: number };
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
 * The configuration the JAX peer runs (../shared/peer/ppo_selfplay.py): attention-market-v0
 * with independent tastes (the peer's game predates tasteClusters; where tastes are drawn
 * changes nothing in the cost of a round), B = 16, the default networks and PPO settings.
 */
export const PEER_ENV_OPTIONS = { tasteClusters: 0 } as const;

/**
 * The peer's configuration trained with `settings` over the default train settings: one
 * warm-up iteration, then `iterations` timed ones.
 */
export function timeSelfPlay(settings: Partial<TrainConfig>, iterations: number): SelfPlayRun {
  const trainer = new SelfPlayTrainer('attention-market-v0', PEER_ENV_OPTIONS, parseTrainConfig({ seed: 1, evalEvery: 0, ...settings }));
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
  const { steps: _steps, ...settings } = trainDefaultsFor('attention-market-v0');
  const recipe: SelfPlayFigures['recipe'] = { ...timeSelfPlay(settings, iterations), settings };
  log(`self-play, train's defaults (${JSON.stringify(settings)}): ${recipe.samplesPerSec.toLocaleString()} agent-steps/s`);
  const figures: SelfPlayFigures = { ...auto, backend: report.name, numEnvs: parseTrainConfig({}).numEnvs, byThreads, tfjs, recipe };
  if (peer) {
    figures.peer = await runPeer(peer, iterations);
    figures.ratioToPeer = ratio(auto, figures.peer);
    log(`self-play, JAX peer: ${figures.peer.samplesPerSec.toLocaleString()} agent-steps/s (rollout ${figures.peer.rolloutMsPerIter} ms, update ${figures.peer.updateMsPerIter} ms); buddy-gym / peer = ${figures.ratioToPeer}`);
    recipe.peer = await runPeer(peer, iterations, ['--minibatch-size', String(settings.minibatchSize), '--gamma', String(settings.gamma), '--learning-rate', String(settings.learningRate)]);
    recipe.ratioToPeer = ratio(recipe, recipe.peer);
    log(`self-play, train's defaults, JAX peer with the matching flags: ${recipe.peer.samplesPerSec.toLocaleString()} agent-steps/s; buddy-gym / peer = ${recipe.ratioToPeer}`);
  }
  return figures;
}

export interface PeerOptions {
  /** A Python with jax and optax (e.g. /tmp/peer-venv/bin/python from ../shared/peer/setup.sh). */
  python: string;
  /** ppo_selfplay.py. */
  script: string;
}

const ratio = (ours: SelfPlayRun, peer: PeerFigures) => Math.round((ours.samplesPerSec / peer.samplesPerSec) * 1000) / 1000;

/** Runs the JAX peer of the default run (same B, networks and PPO settings; `extra` flags over them) and reads its last-line JSON. */
async function runPeer(o: PeerOptions, iterations: number, extra: string[] = []): Promise<PeerFigures> {
  if (!existsSync(o.script)) throw new Error(`bench: the peer script ${o.script} does not exist (see ../shared/peer/README.md)`);
  const { stdout } = await promisify(execFile)(o.python, [o.script, '--iterations', String(iterations + 1), '--num-envs', String(parseTrainConfig({}).numEnvs), '--eval-episodes', '48', ...extra], { maxBuffer: 64 * 2 ** 20 });
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
