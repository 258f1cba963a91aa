/**
 * What a checkpoint of a self-play trainer must hold, checked against the env, the settings
 * and its own files before anything plays or trains from it. The checkpoint store verifies
 * bytes (every file's sha256, and the manifest's own); these checks catch what hashes cannot:
 * a manifest written or rewritten by hand whose fields disagree with each other or with the
 * files. Each refusal is one CheckpointError ('inconsistent') naming the field.
 */
import type * as tf from '@tensorflow/tfjs';
import { Policy, type PolicySpec } from '../agents/policy/policy.js';
import { canonicalJson, CheckpointError, type Manifest } from '../checkpoints/index.js';
import { OptionError } from '../envs/core/errors.js';
import { snapshotKernel } from '../envs/core/snapshot.js';
import { registeredIds, spec as envSpec } from '../envs/registry.js';
import { profileFor } from './profiles/index.js';
import { parseTrainConfig, type TrainConfig } from './self-play/config.js';
import { policySpecsFor } from './self-play/policy-specs.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The env's options as the manifest gives them, completed and validated by the env. */
export function checkEnvOptions(manifest: Pick<Manifest, 'envId' | 'envOptions'>, where: string): Record<string, unknown> {
  const ids = registeredIds();
  if (!ids.includes(manifest.envId)) {
    throw new CheckpointError('inconsistent', `${where}: the checkpoint is for env "${manifest.envId}", which this build does not have (registered: ${ids.join(', ')})`);
  }
  try {
    return envSpec(manifest.envId).parseOptions(manifest.envOptions ?? {}) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof OptionError) throw new CheckpointError('inconsistent', `${where}: its envOptions are not valid for ${manifest.envId}: ${e.message}`);
    throw e;
  }
}

/**
 * The trainer state of a self-play checkpoint, field by field: env and options as the
 * manifest says, valid settings, counters that agree (step = iteration × steps per
 * iteration), PRNG states, return scalers per side, an env snapshot of this env's size, the
 * population only in population mode, and one policy per side with the spec these settings
 * build. Returns the settings and the completed env options.
 */
export function checkTrainerState(manifest: Manifest, where: string): { config: TrainConfig; envOptions: Record<string, unknown>; sides: string[] } {
  const bad = (what: string): never => {
    throw new CheckpointError('inconsistent', `${where}: ${what}`);
  };
  const options = checkEnvOptions(manifest, where);
  const t = manifest.trainer;
  if (!isObject(t)) return bad('it holds no self-play trainer state (trainer is not an object)');
  if (t.envId !== manifest.envId) bad(`trainer.envId ${JSON.stringify(t.envId)} is not the manifest's envId "${manifest.envId}"`);
  let trainerOptions: unknown;
  try {
    trainerOptions = envSpec(manifest.envId).parseOptions(t.envOptions ?? {});
  } catch (e) {
    if (e instanceof OptionError) bad(`trainer.envOptions are not valid: ${e.message}`);
    throw e;
  }
  if (canonicalJson(trainerOptions) !== canonicalJson(options)) bad("trainer.envOptions differ from the manifest's envOptions");
  let config: TrainConfig;
  try {
    config = parseTrainConfig(t.config, 'trainer.config');
  } catch (e) {
    return bad(`its settings are not valid: ${(e as Error).message}`);
  }
  for (const k of ['iteration', 'step', 'episodes'] as const) if (!count(t[k])) bad(`trainer.${k} must be a non-negative integer, got ${JSON.stringify(t[k])}`);
  const s = envSpec(manifest.envId);
  const kernel = s.createKernel(options, config.numEnvs);
  const profile = profileFor(manifest.envId, kernel.roles);
  const perIteration = config.numEnvs * profile.rounds(options);
  if (t.step !== (t.iteration as number) * perIteration) {
    bad(`trainer.step ${String(t.step)} is not trainer.iteration ${String(t.iteration)} × ${perIteration} env steps per iteration`);
  }
  if (!isObject(t.rng)) bad('trainer.rng is missing');
  const rng = t.rng as Record<string, unknown>;
  for (const k of ['sample', 'shuffle', 'opponents']) {
    const st = rng[k];
    if (!Array.isArray(st) || st.length !== 4 || !st.every((w) => count(w) && w < 2 ** 32)) bad(`trainer.rng.${k} must be 4 unsigned 32-bit words`);
  }
  const sides = kernel.roles.map((r) => r.name);
  if (!isObject(t.returnScalers)) bad('trainer.returnScalers is missing');
  const scalers = t.returnScalers as Record<string, unknown>;
  for (const side of sides) {
    const r = scalers[side];
    if (!isObject(r) || !count(r.count) || !finite(r.mean) || !finite(r.m2) || r.m2 < 0) bad(`trainer.returnScalers.${side} must be { count ≥ 0, mean, m2 ≥ 0 }`);
  }
  const envBytes = typeof t.env === 'string' ? Buffer.from(t.env, 'base64').length : -1;
  const needed = snapshotKernel(kernel).length;
  if (envBytes !== needed) bad(`trainer.env holds ${envBytes < 0 ? 'no' : envBytes} bytes of env state; ${manifest.envId} with these options and ${config.numEnvs} copies needs ${needed}`);
  if (config.population ? !isObject(t.population) : t.population !== null && t.population !== undefined) {
    bad(config.population ? 'population mode, but trainer.population is missing' : 'trainer.population is set, but population mode is off');
  }
  if (!isObject(t.summary) || !Object.values(t.summary).every(finite)) bad('trainer.summary must be an object of finite numbers');
  const specs = policySpecsFor(profile, kernel, config, options, (why) => bad(`its settings cannot build its policies: ${why}`));
  sides.forEach((side, r) => {
    const entry = manifest.policies[side];
    if (!entry) bad(`it has no policy "${side}" (it has ${Object.keys(manifest.policies).join(', ') || 'none'})`);
    if (canonicalJson(entry.spec) !== canonicalJson(specs[r])) bad(`policies.${side}.spec is not the spec these settings and env options build`);
    if (!manifest.optimizers[side]) bad(`it has no optimizer "${side}"`);
  });
  return { config, envOptions: options, sides };
}

/**
 * Throws unless `model` has the weights (names in order aside, shapes in order) that a policy
 * built from `spec` has: a spec edited by hand, or a model.json of another network, is
 * refused here rather than failing deep inside tfjs.
 */
export function checkPolicyModel(name: string, spec: unknown, model: tf.LayersModel, where: string): void {
  let fresh: Policy;
  try {
    fresh = new Policy(spec as PolicySpec, { initSeed: 0 });
  } catch (e) {
    throw new CheckpointError('inconsistent', `${where}: policies.${name}.spec does not describe a policy: ${(e as Error).message}`);
  }
  try {
    const want = fresh.model.weights.map((w) => w.shape);
    const got = model.weights.map((w) => w.shape);
    if (canonicalJson(want) !== canonicalJson(got)) {
      throw new CheckpointError(
        'inconsistent',
        `${where}: policies.${name}: model.json holds weights of shapes ${JSON.stringify(got)}, its spec builds ${JSON.stringify(want)}`,
      );
    }
  } finally {
    fresh.dispose();
  }
}

/**
 * Throws unless the optimiser state fits `model`: Adam keeps its step count and then one first
 * and one second moment per trainable weight, of that weight's shape (none before its first step).
 */
export function checkOptimizerState(name: string, entry: Manifest['optimizers'][string], model: tf.LayersModel, where: string): void {
  const shapes = model.trainableWeights.map((w) => w.shape);
  const stored = entry.weights.map((w) => w.shape);
  const fits = stored.length === 1 || canonicalJson(stored.slice(1)) === canonicalJson([...shapes, ...shapes]);
  if (stored.length === 0 || canonicalJson(stored[0]) !== '[]' || !fits) {
    throw new CheckpointError(
      'inconsistent',
      `${where}: optimizers.${name} holds tensors of shapes ${JSON.stringify(stored)}; the policy's ${shapes.length} trainable weights need [] then their shapes twice (first and second moments)`,
    );
  }
}

