import { checkEnv, type CheckReport } from '../envs/check/index.js';
import { make, presetNames, presetOptions, registeredIds, spec } from '../envs/registry.js';
import { HELP_FLAG, intFlag, parseCommandArgs, type CommandSpec } from './args.js';
import { envIdOf, gameOf } from './env-args.js';
import { EXIT, UsageError } from './errors.js';
import type { CliIO } from './io.js';
import { exampleGame } from './game-help.js';

export const checkSpec: CommandSpec = {
  name: 'check',
  summary: 'run the conformance checker (checkEnv) on one env or on all of them',
  usage: ['check <id> [--preset NAME] [--seed S] [--steps K] [--ascii]', 'check --all [--seed S] [--steps K] [--ascii]'],
  details: [
    'Builds each env with its default options (and, with --all, with each of its presets) and',
    'runs checkEnv on it: return shapes and',
    'keys, live-agent bookkeeping, spaces by identity, observations inside their spaces,',
    'finite rewards, determinism over many steps, reseeding, rejection of bad actions,',
    'reset with options, close twice. Prints every check; exits 1 if any check fails.',
  ],
  flags: [
    { name: 'all', type: 'boolean', doc: 'check every registered env, with its default options and with each of its presets' },
    { name: 'preset', type: 'string', value: '<NAME>', doc: "check the env with one of its presets' options instead of the defaults" },
    { name: 'seed', type: 'string', value: '<S>', doc: 'seed of the env and of the sampled actions, a non-negative integer (default 0)' },
    { name: 'steps', type: 'string', value: '<K>', doc: 'env steps in each recorded run, a positive integer (default 200)' },
    { name: 'ascii', type: 'boolean', doc: 'mark checks with OK / FAIL instead of ✓ / ✗' },
    HELP_FLAG,
  ],
  get examples() {
    return [`buddy-gym check ${exampleGame()}`, 'buddy-gym check --all --steps 1000'];
  },
};

/** `buddy-gym check`: 0 when every check passes, 1 when one fails. */
export function checkCommand(argv: readonly string[], io: CliIO): number {
  const { values, positionals } = parseCommandArgs(checkSpec, argv);
  const seed = intFlag(values, 'seed', 0, 0, Number.MAX_SAFE_INTEGER);
  const steps = intFlag(values, 'steps', 200, 1, 10_000_000);
  if (values.all && positionals.length > 0) throw new UsageError(`give either an env id or --all, not both`);
  const one = envIdOf(positionals, values.all ? undefined : ` (${registeredIds().join(', ')}) or --all`);
  const ids = one === undefined ? registeredIds() : [one];
  for (const id of ids) {
    gameOf(id);
  }
  const preset = values.preset as string | undefined;
  if (preset !== undefined && values.all) throw new UsageError('give either --preset or --all (which checks every preset), not both');
  /** What is checked: each id with its defaults and (with --all) each of its presets. */
  const targets: { label: string; id: string; options: Record<string, unknown> | undefined }[] = [];
  for (const id of ids) {
    if (preset !== undefined) {
      try {
        targets.push({ label: `${id} --preset ${preset}`, id, options: presetOptions(id, preset) });
      } catch (e) {
        throw new UsageError(`--preset: ${(e as Error).message}`);
      }
      continue;
    }
    targets.push({ label: id, id, options: undefined });
    if (values.all) for (const name of presetNames(id)) targets.push({ label: `${id} --preset ${name}`, id, options: presetOptions(id, name) });
  }
  const [good, bad] = values.ascii ? ['OK  ', 'FAIL'] : ['✓', '✗'];
  const skipped = values.ascii ? 'SKIP' : '-';

  let failedEnvs = 0;
  for (const { label, id, options } of targets) {
    io.out(`${label} (seed ${seed}, ${steps} steps)`);
    let report: CheckReport;
    try {
      report = checkEnv(make(id, options), { seed, steps, seedSensitive: spec(id).seedSensitive ?? true });
    } catch (e) {
      failedEnvs++;
      io.out(`  ${bad} the checker could not run: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      continue;
    }
    let failed = 0;
    for (const c of report.checks) {
      if (!c.ok) failed++;
      const mark = !c.ok ? bad : c.skipped ? skipped : good;
      const detail = c.detail ? (c.skipped ? ` (skipped: ${c.detail})` : `: ${c.detail}`) : '';
      io.out(`  ${mark} ${c.name}${!c.ok || c.skipped ? detail : ''}`);
    }
    io.out(`  ${report.checks.length - failed} passed, ${failed} failed`);
    if (!report.ok) failedEnvs++;
  }
  io.out(failedEnvs === 0 ? `all ${targets.length} env(s) pass` : `${failedEnvs} of ${targets.length} env(s) FAILED`);
  return failedEnvs === 0 ? EXIT.ok : EXIT.failure;
}
