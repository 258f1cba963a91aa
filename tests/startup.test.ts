/**
 * The quick commands start without TensorFlow.js (whose import takes seconds): the real
 * bin/buddy-gym.js runs under a module hook that fails any @tensorflow/* import. How long
 * they take is measured, not asserted (see BENCHMARKS.md).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const HOOK = fileURLToPath(new URL('./fixtures/no-tfjs/register.mjs', import.meta.url));

function bin(args: string[], hook: boolean) {
  return spawnSync(process.execPath, [...(hook ? ['--import', HOOK] : []), 'bin/buddy-gym.js', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
}

describe('startup', () => {
  beforeAll(() => {
    const build = inject('distBuild');
    if (build.error) throw new Error(build.error);
  });

  it.each(
    [
    ['--help'],
    ['help', 'train'],
    ['list'],
    ['list', 'trade-market-v0'],
    ['check', 'attention-market-v0', '--steps', '20'],
    ['analyze', 'emergent-alignment-v0', '--preset', 'kg-single'],
    ['train', '--help'],
    ['eval', '--help'],
    ['play', '--help'],
    ['info', '--help'],
    ['train', '--stesp', '5'],
    ].map((args) => [args.join(' '), args] as const),
  )('buddy-gym %s imports no @tensorflow/* package', (_, args) => {
    const r = bin(args, true);
    expect(r.stderr).not.toMatch(/TensorFlow\.js was imported/);
    expect(r.status, r.stderr).toBe(args.includes('--stesp') ? 2 : 0);
  });

  it('the hook does catch an import of TensorFlow.js (info, which reads checkpoints)', () => {
    const r = bin(['info', 'no-such-checkpoint'], true);
    expect(r.stderr).toMatch(/TensorFlow\.js was imported: @tensorflow\/tfjs/);
  });
});
