import { selectBackend, type BackendName, type BackendReport } from '../agents/backend/index.js';
import { Policy } from '../agents/policy/policy.js';
import { CheckpointError, CheckpointStore, disposeCheckpoint, loadCheckpoint, saveCheckpoint, type CheckpointContents } from '../checkpoints/index.js';
import { checkOptimizerState, checkPolicyModel, checkTrainerState } from './checkpoint-check.js';
import { MetricBus } from './metrics/bus.js';
import { attachSinks } from './metrics/sinks/attach.js';
import { Psro } from './population/psro.js';
import { parseTrainConfig, type TrainConfig } from './self-play/config.js';
import { SelfPlayTrainer, type TrainerState } from './self-play/trainer.js';

export interface TrainRunOptions {
  envId: string;
  envOptions?: unknown;
  /** Settings (validated); with `resume`, only `steps` may differ from the checkpoint's. */
  config?: Partial<TrainConfig>;
  /** A backend name to select, or the report of one the caller already selected. */
  backend?: BackendName | BackendReport;
  /** Run folder: metrics.jsonl, metrics/*.csv, checkpoints/. */
  out: string;
  /** A checkpoint folder to continue from. */
  resume?: string;
  quiet?: boolean;
  /** Also write a TensorBoard event file into the run folder. */
  tensorboard?: boolean;
  /** Where progress goes (default stderr). */
  progress?: NodeJS.WritableStream;
  bus?: MetricBus;
  /**
   * Ends the run early: once it aborts, the iteration under way finishes, a checkpoint is
   * saved and the run returns with `interrupted` set (train's Ctrl-C).
   */
  stop?: AbortSignal;
}

export interface TrainRunResult {
  /** The trainer; in population mode PSRO drives it (`Psro.of(trainer)`). */
  trainer: SelfPlayTrainer;
  backend: BackendReport;
  /** The last checkpoint written (the run's final state). */
  checkpoint: string;
  best: string | null;
  /** Whether `stop` ended the run before its step budget. */
  interrupted: boolean;
}

/**
 * One turn of the event loop: iterate() is synchronous, so without it the metric sinks
 * (delivered by setImmediate), the dashboard and signal handlers would wait for the next
 * checkpoint save.
 */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Everything a checkpoint of this trainer holds: both policies, their optimisers, in
 * population mode the PSRO population and its snapshots (as models made for the save,
 * named `<side>@<id>`: call `dispose` after it), the trainer JSON.
 */
export async function checkpointContents(trainer: SelfPlayTrainer): Promise<{ contents: CheckpointContents; dispose(): void }> {
  const policies: CheckpointContents['policies'] = {};
  for (const side of trainer.sides) policies[side] = { spec: trainer.policies[side].spec, model: trainer.policies[side].model };
  const snapshots: Policy[] = [];
  const psro = Psro.of(trainer);
  for (const { name, side, weights } of psro?.snapshots() ?? []) {
    const p = new Policy(trainer.policies[side].spec, { initSeed: 0 });
    p.setWeights(weights);
    snapshots.push(p);
    policies[name] = { spec: p.spec, model: p.model };
  }
  const optimizers = await Promise.all(trainer.sides.map((side) => trainer.learners[side].exportOptimizer()));
  return {
    contents: {
      envId: trainer.envId,
      envOptions: trainer.envOptions ?? {},
      policies,
      optimizers: Object.fromEntries(trainer.sides.map((side, i) => [side, optimizers[i].optimizer])),
      trainer: psro ? psro.state() : trainer.state(),
    },
    dispose: () => {
      snapshots.forEach((p) => p.dispose());
      for (const o of optimizers) if (o.owned) o.optimizer.dispose();
    },
  };
}

/**
 * A trainer in exactly the state a checkpoint holds (weights, optimiser moments, PRNGs, env,
 * population). In population mode it comes back driven by its PSRO, restored too: iterate
 * that (`Psro.of(trainer)`, as `trainRun` does), not the bare trainer.
 */
export async function restoreTrainer(dir: string, steps: number | undefined, bus: MetricBus, envId?: string): Promise<SelfPlayTrainer> {
  const loaded = await loadCheckpoint(dir, envId ? { envId } : undefined);
  try {
    // Every field against the env, the settings and the files, before a trainer is built from them.
    checkTrainerState(loaded.manifest, loaded.path);
    for (const [name, p] of Object.entries(loaded.policies)) checkPolicyModel(name, p.spec, p.model, loaded.path);
    const state = loaded.trainer as TrainerState;
    const config = parseTrainConfig({ ...state.config, steps: steps ?? state.config.steps }, 'resumed train config');
    const psro = config.population ? await Psro.create(loaded.manifest.envId, state.envOptions, config, bus) : null;
    const trainer = psro?.trainer ?? new SelfPlayTrainer(loaded.manifest.envId, state.envOptions, config, bus);
    try {
      for (const side of trainer.sides) {
        checkOptimizerState(side, loaded.manifest.optimizers[side], trainer.policies[side].model, loaded.path);
        trainer.policies[side].setWeights(loaded.policies[side].model.getWeights().map((w) => w.dataSync() as Float32Array));
        await trainer.learners[side].restoreOptimizer(loaded, side);
      }
      trainer.restoreState(state);
      if (psro) {
        try {
          psro.restorePopulation(state.population, (name) => loaded.policies[name]?.model.getWeights().map((w) => w.dataSync().slice() as Float32Array));
        } catch (e) {
          throw new CheckpointError('inconsistent', `${loaded.path}: trainer.population is not valid: ${(e as Error).message}`);
        }
      }
    } catch (e) {
      trainer.dispose();
      throw e;
    }
    return trainer;
  } finally {
    disposeCheckpoint(loaded);
  }
}

/**
 * A whole training run: picks the backend, builds (or resumes) the trainer, streams its
 * metrics to the sinks, checkpoints every `checkpointEvery` iterations and at the end
 * (keeping the last K and the best, by the profile's measure), and completes the stream.
 */
export async function trainRun(o: TrainRunOptions): Promise<TrainRunResult> {
  const bus = o.bus ?? new MetricBus();
  const backend = typeof o.backend === 'object' ? o.backend : await selectBackend(o.backend ?? 'auto');
  const trainer = o.resume ? await restoreTrainer(o.resume, o.config?.steps, bus, o.envId) : await newTrainer(o.envId, o.envOptions ?? {}, parseTrainConfig(o.config ?? {}), bus);
  // Population mode: PSRO iterates, with the trainer as its oracle.
  const loop = Psro.of(trainer) ?? trainer;
  const sinks = attachSinks(bus, { runDir: o.out, quiet: o.quiet, out: o.progress, totalSteps: trainer.config.steps, tensorboard: o.tensorboard });
  // With the backend: where episodes are played (the tensor env on a GPU, else the VecEnv).
  bus.emit({ kind: 'backend', iteration: trainer.iteration, step: trainer.step, backend: backend.name, detail: backendReasons(backend), rollouts: trainer.rollout.reason });
  const best = trainer.best;
  const store = new CheckpointStore(o.out, { keepLast: trainer.config.keepLast, bestMetric: best.metric, higherIsBetter: best.higherIsBetter });
  let checkpoint = o.resume ?? '';
  const save = async () => {
    const c = await checkpointContents(trainer);
    const { path, isBest } = await store.save(trainer.step, c.contents, { [best.metric]: trainer.bestValue() }).finally(c.dispose);
    checkpoint = path;
    bus.emit({ kind: 'checkpoint', iteration: trainer.iteration, step: trainer.step, path, best: isBest });
  };
  let interrupted = false;
  let savedStep = o.resume ? trainer.step : -1; // the trainer's step at the last checkpoint
  try {
    await nextTurn(); // the backend line shows before the first iteration
    while (!trainer.done && !(interrupted = o.stop?.aborted === true)) {
      loop.iterate();
      if (trainer.iteration % trainer.config.checkpointEvery === 0 || trainer.done) {
        await save();
        savedStep = trainer.step;
      }
      await nextTurn();
    }
    if (!checkpoint || (interrupted && savedStep !== trainer.step)) await save();
    if (!interrupted) bus.emit({ kind: 'done', iteration: trainer.iteration, step: trainer.step, summary: trainer.summary });
  } finally {
    bus.complete();
    await sinks.done.catch(() => undefined);
  }
  return { trainer, backend, checkpoint, best: store.best()?.path ?? null, interrupted };
}

/** A fresh trainer for these settings: in population mode, the oracle of a new PSRO. */
async function newTrainer(envId: string, envOptions: unknown, config: TrainConfig, bus: MetricBus): Promise<SelfPlayTrainer> {
  return config.population ? (await Psro.create(envId, envOptions, config, bus)).trainer : new SelfPlayTrainer(envId, envOptions, config, bus);
}

/** Saves the trainer's state (with its PSRO population in population mode) as one checkpoint folder (outside a run's store). */
export async function saveTrainer(trainer: SelfPlayTrainer, dir: string): Promise<void> {
  const c = await checkpointContents(trainer);
  await saveCheckpoint(dir, c.contents).finally(c.dispose);
}

/** Why this backend, and why the others were passed over: "WebAssembly with SIMD, 1 thread; passed over: tensorflow-gpu: … not installed". */
export function backendReasons(report: BackendReport): string {
  const kept = report.attempts.find((a) => a.ok);
  const passed = report.attempts.filter((a) => !a.ok).map((a) => `${a.backend}: ${a.reason}`);
  return [kept?.reason, passed.length ? `passed over: ${passed.join('; ')}` : ''].filter(Boolean).join('; ');
}
