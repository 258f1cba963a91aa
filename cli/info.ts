import { readManifest, type CheckpointSummary, type Manifest } from '../checkpoints/index.js';
import { OptionError } from '../envs/core/errors.js';
import type { OptionSpec } from '../envs/core/options.js';
import { registeredIds, spec as envSpec } from '../envs/registry.js';
import { describePopulation } from '../training/population/population-json.js';
import { trainSchema } from '../training/self-play/config.js';
import { parseCommandArgs } from './args.js';
import { infoSpec } from './info-spec.js';
import { EXIT, UsageError } from './errors.js';
import { formatCount } from '../training/metrics/sinks/progress.js';
import { num, table } from './format.js';
import type { CliIO } from './io.js';
import { checkEnvOptions, checkTrainerState } from '../training/checkpoint-check.js';
import { checkpointUsage } from './checkpoint-usage.js';
import { checkpointPath, showPath } from './run-folder.js';

/** What `info --json` prints. */
export interface InfoJson {
  path: string;
  format: { name: string; version: number };
  createdAt: string;
  env: string;
  /** As stored, and completed with the env's defaults (when the env is registered here). */
  envOptions: { given: unknown; full: Record<string, unknown> | null };
  policies: (CheckpointSummary['policies'][number] & { network: string | null; head: string | null })[];
  optimizers: { name: string; className: string; learningRate: number | null }[];
  files: { count: number; bytes: number; verified: true };
  trainer: {
    step: number | null;
    iteration: number | null;
    episodes: number | null;
    settings: Record<string, unknown> | null;
    /** Snapshots per side of the PSRO population, and its meta-solver. */
    population: { sides: { side: string; members: number }[]; solver: unknown } | null;
    summary: Record<string, number>;
  } | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' ? v : null);

function describeSpec(spec: unknown): { network: string | null; head: string | null } {
  if (!isObject(spec)) return { network: null, head: null };
  const n = isObject(spec.network) ? spec.network : null;
  const h = isObject(spec.head) ? spec.head : null;
  const network = n ? `${String(n.arch ?? 'network')}, obs ${String(n.obsSize ?? '?')}${Array.isArray(n.hidden) ? `, hidden ${n.hidden.join('x')}` : ''}` : null;
  let head: string | null = null;
  if (h) {
    const extra = ['size', 'n', 'k'].filter((k) => typeof h[k] === 'number').map((k) => `${k} ${String(h[k])}`);
    head = `${String(h.kind ?? '?')}${extra.length ? ` (${extra.join(', ')})` : ''}`;
  }
  return { network, head };
}

export function infoJson(manifest: Manifest, summary: CheckpointSummary): InfoJson {
  let full: Record<string, unknown> | null = null;
  if (registeredIds().includes(manifest.envId)) {
    try {
      full = { ...(envSpec(manifest.envId).parseOptions(manifest.envOptions) as Record<string, unknown>) };
    } catch (e) {
      if (!(e instanceof OptionError)) throw e;
    }
  }
  const t = isObject(manifest.trainer) ? manifest.trainer : null;
  let population: NonNullable<InfoJson['trainer']>['population'] = null;
  if (t && isObject(t.population)) {
    population = describePopulation(t.population);
  }
  const summaryNumbers = t && isObject(t.summary) ? Object.fromEntries(Object.entries(t.summary).filter((e): e is [string, number] => typeof e[1] === 'number')) : {};
  return {
    path: summary.path,
    format: { name: manifest.format, version: manifest.version },
    createdAt: manifest.createdAt,
    env: manifest.envId,
    envOptions: { given: manifest.envOptions, full },
    policies: summary.policies.map((p) => ({ ...p, ...describeSpec(manifest.policies[p.name]?.spec) })),
    optimizers: Object.entries(manifest.optimizers).map(([name, o]) => ({
      name,
      className: o.className,
      learningRate: isObject(o.config) ? numOrNull(o.config.learningRate) : null,
    })),
    files: { count: summary.files, bytes: summary.bytes, verified: true },
    trainer: t
      ? {
          step: numOrNull(t.step),
          iteration: numOrNull(t.iteration),
          episodes: numOrNull(t.episodes),
          settings: isObject(t.config) ? t.config : null,
          population,
          summary: summaryNumbers,
        }
      : null,
  };
}

/** `buddy-gym info`: resolves to the exit code. */
export function infoCommand(argv: readonly string[], io: CliIO): number | Promise<number> {
  const { values, positionals } = parseCommandArgs(infoSpec, argv);
  if (positionals.length === 0) throw new UsageError('which checkpoint? give a checkpoint folder: buddy-gym info runs/<run>/checkpoints/best');
  if (positionals.length > 1) throw new UsageError(`expected one checkpoint folder, got ${positionals.length}: ${positionals.join(' ')}`);
  const verified = readManifest(checkpointPath(positionals[0], io.err)).then((r) => {
    // Beyond the hashes: the env options (and a self-play trainer's whole state) must be valid here.
    if (isObject(r.manifest.trainer) && 'config' in r.manifest.trainer) checkTrainerState(r.manifest, r.summary.path);
    else checkEnvOptions(r.manifest, r.summary.path);
    return r;
  });
  return checkpointUsage(verified, '').then(({ manifest, summary }) => {
    const j = infoJson(manifest, summary);
    if (values.json) io.out(JSON.stringify(j, null, 2));
    else printInfo(io, j);
    return EXIT.ok;
  });
}

function printInfo(io: CliIO, j: InfoJson): void {
  io.out(`checkpoint: ${showPath(j.path)}`);
  io.out(`format: ${j.format.name} v${j.format.version}, written ${j.createdAt}; ${j.files.count} files, ${formatCount(j.files.bytes)} bytes, every sha256 verified${j.format.version >= 2 ? ' (the manifest\'s own included)' : ''}, fields checked against the env`);
  const opts = j.envOptions.full ?? (isObject(j.envOptions.given) ? j.envOptions.given : {});
  io.out(`env: ${j.env}`);
  io.out(`options: ${Object.entries(opts).map(([k, v]) => `${k}=${String(v)}`).join(', ') || '(defaults)'}`);
  io.out('');
  table(
    [['policy', 'parameters', 'bytes', 'network', 'action head'], ...j.policies.map((p) => [p.name, formatCount(p.parameters), formatCount(p.bytes), p.network ?? '?', p.head ?? '?'])],
    [false, true, true, false, false],
  ).forEach((l) => io.out(l));
  if (j.optimizers.length) {
    io.out(`optimizers: ${j.optimizers.map((o) => `${o.name} ${o.className}${o.learningRate !== null ? ` (learning rate ${o.learningRate})` : ''}`).join(', ')}`);
  }
  const t = j.trainer;
  if (!t) {
    io.out('trainer: none (this checkpoint holds no trainer state)');
    return;
  }
  io.out('');
  const total = t.settings && typeof t.settings.steps === 'number' ? ` of ${formatCount(t.settings.steps)}` : '';
  io.out(`trainer: step ${t.step === null ? '?' : formatCount(t.step)}${total}, iteration ${t.iteration ?? '?'}, ${t.episodes ?? '?'} episodes`);
  if (t.settings) {
    const s = t.settings;
    const schema = trainSchema as Record<string, OptionSpec>;
    const changed = Object.entries(s).filter(([k, v]) => schema[k]?.default !== v);
    io.out(`settings: learner ${String(s.learner)}, schedule ${String(s.schedule)}, population ${s.population ? 'on' : 'off'}, numEnvs ${String(s.numEnvs)}, seed ${String(s.seed)}`);
    io.out(`  not default: ${changed.length ? changed.map(([k, v]) => `${k}=${String(v)}`).join(', ') : 'none'}`);
  }
  io.out(`population: ${t.population ? t.population.sides.map((s) => `${s.members} ${s.side}`).join(' and ') + ' snapshots' : 'none'}`);
  const entries = Object.entries(t.summary);
  if (entries.length) {
    io.out('');
    table([['metric summary (last iteration)', 'value'], ...entries.map(([k, v]) => [`  ${k}`, Number.isInteger(v) ? String(v) : num(v)])], [false, true]).forEach((l) => io.out(l));
  }
}
