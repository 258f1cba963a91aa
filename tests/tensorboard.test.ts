/**
 * train --tensorboard writes a TensorBoard event file beside metrics.jsonl; read back (CRCs
 * checked, protocol buffers decoded by an independent reader) it holds the same scalars at
 * the same env steps. Where this machine has TensorFlow for Python, TensorFlow reads it too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIO } from '../cli/io.js';
import { runCli } from '../cli/program.js';
import type { TrainEvent } from '../training/metrics/events.js';
import { crc32c } from '../training/metrics/tfevents.js';
import { decodeEvent, readRecords, type DecodedEvent } from './fixtures/tfevents-reader.js';

const PYTHON = '/tmp/peer-venv/bin/python';
const TINY = ['--backend', 'cpu', '--quiet', '--set', 'numEnvs=2', '--set', 'hidden=8', '--set', 'epochs=1', '--set', 'minibatchSize=8', '--eval-episodes', '0'];

let tmp: string;
let run: string;
let file: string;
let events: DecodedEvent[];
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'bg-tensorboard-'));
  run = join(tmp, 'run');
  const io = captureIO();
  const code = await runCli(['train', 'attention-market-v0', ...TINY, '--option', 'rounds=4', '--steps', '24', '--out', run, '--tensorboard'], io);
  expect(code, io.stderr.join('\n')).toBe(0);
  const names = readdirSync(run).filter((n) => n.startsWith('events.out.tfevents.'));
  expect(names).toHaveLength(1);
  file = join(run, names[0]);
  events = readRecords(readFileSync(file)).map(decodeEvent);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('train --tensorboard', () => {
  it('computes the standard CRC-32C', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });

  it('writes a TFRecord event file: a file version first, then scalars at env steps', () => {
    expect(events[0].fileVersion).toBe('brain.Event:2');
    expect(events.length).toBeGreaterThan(3);
    const tags = new Set(events.flatMap((e) => e.values.map((v) => v.tag)));
    for (const tag of ['round/meanRegret', 'round/welfare', 'update/user/policyLoss', 'update/goal/approxKl', 'iteration/samplesPerSec']) expect(tags).toContain(tag);
    expect([...new Set(events.slice(1).map((e) => e.step))].sort((a, b) => a - b)).toEqual([8, 16, 24]);
    const t0 = events[0].wallTime;
    for (const e of events) expect(e.wallTime).toBeGreaterThanOrEqual(t0);
  });

  it('holds the values of metrics.jsonl, as float32', () => {
    const jsonl = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrainEvent);
    let compared = 0;
    for (const e of jsonl) {
      if (e.kind !== 'episode') continue;
      const tb = events.find((x) => x.step === e.step && x.values.some((v) => v.tag === 'round/meanRegret'))!;
      for (const [k, v] of Object.entries(e.metrics)) {
        expect(tb.values.find((x) => x.tag === `round/${k}`)!.value, k).toBe(Math.fround(v));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(10);
  });

  it.runIf(existsSync(PYTHON))("reads back with TensorFlow's own reader, where Python has it", (ctx) => {
    const script = [
      'import sys, tensorflow as tf',
      'n = 0',
      'for e in tf.compat.v1.train.summary_iterator(sys.argv[1]):',
      '    for v in e.summary.value:',
      "        if v.tag == 'round/meanRegret': n += 1; print(e.step, v.simple_value)",
      "print('count', n)",
    ].join('\n');
    const r = spawnSync(PYTHON, ['-c', script, file], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
    if (r.status !== 0 && /No module named 'tensorflow'/.test(r.stderr)) return ctx.skip(); // no TensorFlow in this Python
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^count 3$/m);
    const steps = [...r.stdout.matchAll(/^(\d+) (\S+)$/gm)].map((m) => Number(m[1]));
    expect(steps).toEqual([8, 16, 24]);
  });
});
