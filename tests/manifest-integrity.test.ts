/**
 * An edited manifest.json is refused in one line with exit 2 by info, eval and train
 * --resume: first by the manifest's own hash, and, where someone recomputed that hash too, by
 * checking every field against the env, the settings and the checkpoint's files.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestDigest } from '../checkpoints/index.js';
import { captureIO } from '../cli/io.js';
import { runCli } from '../cli/program.js';

const ID = 'attention-market-v0';
const TINY = ['--backend', 'cpu', '--quiet', '--set', 'numEnvs=2', '--set', 'hidden=8', '--set', 'epochs=1', '--set', 'minibatchSize=8', '--eval-episodes', '0'];
const MARKET = ['--option', 'rounds=4', '--option', 'users=2', '--option', 'goals=3', '--option', 'dim=4', '--option', 'slots=2'];

async function cli(...argv: string[]) {
  const io = captureIO();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n'), stderr: io.stderr };
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let tmp: string;
let pristine: string;
let n = 0;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'bg-manifest-'));
  const r = await cli('train', ID, ...MARKET, ...TINY, '--steps', '16', '--out', join(tmp, 'run'));
  expect(r.code, r.err).toBe(0);
  pristine = join(tmp, 'run', 'checkpoints', 'step-000000000016');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the checkpoint with its manifest edited; `reseal` records the edited manifest's hash as a careful forger would. */
function edited(edit: (m: Json) => void, reseal: boolean): string {
  const dir = join(tmp, `edited-${n++}`);
  cpSync(pristine, dir, { recursive: true });
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(path, 'utf8')) as Json;
  edit(m);
  if (reseal) m.manifestSha256 = manifestDigest(m);
  writeFileSync(path, JSON.stringify(m, null, 2));
  return dir;
}

/** info, eval and train --resume each refuse `dir` in one line, exit 2, matching `message`. */
async function refusedEverywhere(dir: string, message: RegExp) {
  for (const argv of [
    ['info', dir],
    ['eval', dir, '--vs', 'none', '--episodes', '1', '--backend', 'cpu'],
    ['train', '--resume', dir, '--steps', '32', ...TINY],
  ]) {
    const r = await cli(...argv);
    expect(r.code, `${argv[0]}: ${r.err}`).toBe(2);
    expect(r.stderr.filter((l) => !/^backend: /.test(l)), argv[0]).toHaveLength(1);
    expect(r.err, argv[0]).toMatch(message);
  }
}

describe('an edited manifest', () => {
  it('the untouched checkpoint passes info, and info says what it checked', async () => {
    const r = await cli('info', pristine);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/every sha256 verified \(the manifest's own included\), fields checked against the env/);
  });

  it('is refused by its own hash first: an edited env id or option', async () => {
    await refusedEverywhere(edited((m) => (m.envId = 'trade-market-v0'), false), /manifest\.json was changed after it was written/);
    await refusedEverywhere(edited((m) => (m.envOptions.rounds = 5), false), /manifest\.json was changed after it was written/);
  });

  it('resealed, an edited envOptions.rounds disagrees with the trainer state', async () => {
    await refusedEverywhere(edited((m) => (m.envOptions.rounds = 5), true), /trainer\.envOptions differ from the manifest's envOptions/);
    await refusedEverywhere(
      edited((m) => (m.envOptions.rounds = m.trainer.envOptions.rounds = 5), true),
      /trainer\.step 16 is not trainer\.iteration 2 × 10 env steps per iteration/,
    );
  });

  it('resealed, trainer.step = -5, an unknown option, or settings the specs do not match', async () => {
    await refusedEverywhere(edited((m) => (m.trainer.step = -5), true), /trainer\.step must be a non-negative integer, got -5/);
    await refusedEverywhere(edited((m) => (m.envOptions.colour = 'red'), true), /its envOptions are not valid for attention-market-v0: .*option "colour"/);
    await refusedEverywhere(edited((m) => (m.trainer.config.hidden = 16), true), /policies\.goal\.spec is not the spec these settings and env options build/);
  });

  it('resealed, a policy spec that does not describe its model.json (no trainer state to compare with)', async () => {
    const dir = edited((m) => {
      m.trainer = null;
      m.policies.user.spec.network.hidden = [16, 16];
    }, true);
    const r = await cli('eval', dir, '--vs', 'none', '--episodes', '1', '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/policies\.user: model\.json holds weights of shapes \[.*\], its spec builds \[.*\]/);
  });
});
