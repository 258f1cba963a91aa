import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { from, lastValueFrom, of, toArray } from 'rxjs';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  MetricBus,
  attachSinks,
  csvCell,
  csvSink,
  etaMs,
  formatBar,
  formatCount,
  formatEta,
  formatTtyLine,
  initialProgress,
  isInteractive,
  isKind,
  isTrainEvent,
  jsonlSink,
  ofKind,
  parseCsvLine,
  progressSink,
  reduceProgress,
  type EventOf,
  type TrainEvent,
  type TrainEventInput,
  type UpdateEvent,
} from '../training/metrics/index.js';

const root = mkdtempSync(join(tmpdir(), 'buddy-metrics-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const tmp = (): string => join(root, `t${++dirCount}`);
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function iteration(i: number, totalSteps = 1000): TrainEventInput {
  return { kind: 'iteration', iteration: i, step: i * 100, time: i * 1000, totalSteps, samplesPerSec: 100, rolloutMs: 600, updateMs: 400 };
}
function update(i: number, policy = 'user'): TrainEvent {
  return {
    kind: 'update',
    time: i * 1000 + 1,
    iteration: i,
    step: i * 100,
    policy,
    policyLoss: -0.01 * i,
    valueLoss: 0.5 / i,
    entropy: 1.2,
    approxKl: 0.004,
    clipFraction: 0.1,
    gradNorm: 0.7,
    explainedVariance: 0.3,
  };
}
function episode(i: number, metrics: Record<string, number>): TrainEvent {
  return { kind: 'episode', time: i * 1000 + 2, iteration: i, step: i * 100, metrics };
}

/** A writable that takes `delayMs` per write and appends what it got to `path`. */
class SlowFile extends Writable {
  writes = 0;
  constructor(
    readonly path: string,
    readonly delayMs: number,
  ) {
    super();
    writeFileSync(path, '');
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.writes++;
    setTimeout(() => {
      appendFileSync(this.path, chunk);
      cb();
    }, this.delayMs);
  }
}

/** A writable that records what it got; `isTTY` / `columns` like a terminal when asked. */
class Capture extends Writable {
  text = '';
  constructor(tty = false, readonly columns = 100) {
    super();
    if (tty) (this as unknown as { isTTY: boolean }).isTTY = true;
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** RFC 4180 reader for the tests (quoted cells may hold commas, quotes and line breaks). */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += c;
  }
  expect(cell === '' && row.length === 0, 'the file ends with a newline').toBe(true);
  return rows;
}

const ANSI = /\x1b\[/;

describe('events', () => {
  it('are a discriminated union, and ofKind / isKind narrow it', async () => {
    const events: TrainEvent[] = [
      { kind: 'backend', time: 0, step: 0, iteration: 0, backend: 'cpu', detail: 'test' },
      update(1, 'user'),
      episode(1, { meanRegret: 0.2 }),
      update(1, 'goal'),
      { kind: 'checkpoint', time: 5, step: 100, iteration: 1, path: '/x', best: true },
    ];
    const updates = await lastValueFrom(from(events).pipe(ofKind('update'), toArray()));
    expectTypeOf(updates).toEqualTypeOf<UpdateEvent[]>();
    expect(updates.map((u) => u.policy)).toEqual(['user', 'goal']); // .policy only type-checks when narrowed
    const two = await lastValueFrom(from(events).pipe(ofKind('episode', 'checkpoint'), toArray()));
    expectTypeOf(two).toEqualTypeOf<(EventOf<'episode'> | EventOf<'checkpoint'>)[]>();
    expect(two.map((e) => e.kind)).toEqual(['episode', 'checkpoint']);

    const e: TrainEvent = events[4];
    if (isKind(e, 'checkpoint')) expectTypeOf(e.best).toEqualTypeOf<boolean>();
    expect(isKind(e, 'checkpoint')).toBe(true);
    expect(isKind(e, 'update', 'done')).toBe(false);
    expect(events.every(isTrainEvent)).toBe(true);
    expect(isTrainEvent({ kind: 'nope', time: 0, step: 0, iteration: 0 })).toBe(false);
    expect(isTrainEvent(JSON.parse(JSON.stringify(events[1])))).toBe(true);
  });
});

describe('MetricBus', () => {
  it('stamps time, and never runs a subscriber inside emit', async () => {
    let t = 42;
    const bus = new MetricBus({ now: () => t });
    const got: TrainEvent[] = [];
    bus.events$.subscribe((e) => got.push(e));
    bus.emit(iteration(1)); // has time 1000
    bus.emit({ kind: 'checkpoint', step: 100, iteration: 1, path: 'p', best: false }); // stamped
    expect(got).toEqual([]); // not delivered synchronously
    await tick();
    expect(got.map((e) => e.time)).toEqual([1000, 42]);
    t = 50;
    expect(bus.elapsed()).toBe(50);
  });

  it('emit never waits for a slow sink: 1,000 events emitted while every write is pending, all written after done, in order', async () => {
    const bus = new MetricBus();
    const slow = new SlowFile(join(root, 'slow.jsonl'), 50);
    const sink = jsonlSink(bus.events$, slow);
    for (let burst = 0; burst < 10; burst++) {
      for (let i = 0; i < 100; i++) bus.emit(update(burst * 100 + i + 1));
      await tick(); // the sink takes a batch; its write is now pending for 50 ms
    }
    bus.complete();
    // Only setImmediate turns have passed and each write finishes on a 50 ms timer: every
    // emit returned while the sink's writes were still pending, so nothing is on disk yet.
    expect(slow.writes).toBeGreaterThan(0);
    expect(readFileSync(slow.path, 'utf8')).toBe('');
    await sink.done;
    expect(slow.writes).toBeGreaterThan(1); // several slow writes…
    expect(slow.writes).toBeLessThan(20); // …each carrying a batch
    const lines = readFileSync(slow.path, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => (JSON.parse(l) as UpdateEvent).iteration)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('replays past events to a late subscriber, bounded by `replay`', async () => {
    const bus = new MetricBus({ replay: 3 });
    for (let i = 1; i <= 5; i++) bus.emit(iteration(i));
    const late: number[] = [];
    bus.events$.subscribe((e) => late.push(e.iteration));
    bus.emit(iteration(6));
    await tick();
    expect(late).toEqual([3, 4, 5, 6]);

    const none = new MetricBus({ replay: 0 });
    none.emit(iteration(1));
    const got: number[] = [];
    none.events$.subscribe((e) => got.push(e.iteration));
    none.emit(iteration(2));
    none.complete();
    none.emit(iteration(3)); // ignored after complete
    await tick();
    expect(got).toEqual([2]);
    expect(none.completed).toBe(true);

    // A subscriber arriving after the end still gets the replay, then completion.
    const ended = new MetricBus();
    ended.emit(iteration(1));
    ended.complete();
    expect(await lastValueFrom(ended.events$.pipe(toArray()))).toHaveLength(1);
    expect(() => new MetricBus({ replay: -1 })).toThrow(RangeError);
  });
});

describe('jsonl sink', () => {
  it('writes every event as one complete JSON line, in order, making the folder', async () => {
    const dir = join(tmp(), 'a', 'b');
    const bus = new MetricBus();
    const sink = jsonlSink(bus.events$, join(dir, 'metrics.jsonl'));
    for (let i = 1; i <= 50; i++) {
      for (const e of [iteration(i), update(i), episode(i, { meanRegret: 1 / i, 'odd "name", with\nnewline': i })]) {
        bus.emit(e);
      }
    }
    bus.emit({ kind: 'done', step: 5000, iteration: 50, time: 9, summary: { meanRegret: NaN } });
    bus.complete();
    await sink.done;
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(151);
    const parsed = lines.map((l) => JSON.parse(l) as TrainEvent);
    expect(parsed.every(isTrainEvent)).toBe(true);
    expect(parsed[2]).toEqual(episode(1, { meanRegret: 1, 'odd "name", with\nnewline': 1 }));
    expect(parsed.slice(0, 150).map((e) => e.iteration)).toEqual(Array.from({ length: 150 }, (_, k) => Math.floor(k / 3) + 1));
    expect((parsed[150] as EventOf<'done'>).summary.meanRegret).toBeNull(); // NaN → null, as JSON has it
  });

  it('appends to an existing file, starting a new line after a cut-off one', async () => {
    const path = join(tmp(), 'm.jsonl');
    const dir = join(path, '..');
    const s1 = jsonlSink(of(update(1) as TrainEvent), path);
    await s1.done;
    appendFileSync(path, '{"kind":"upd'); // a run killed mid-line
    const s2 = jsonlSink(of(update(2) as TrainEvent), path);
    await s2.done;
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(4);
    expect((JSON.parse(lines[0]) as TrainEvent).iteration).toBe(1);
    expect(lines[1]).toBe('{"kind":"upd');
    expect((JSON.parse(lines[2]) as TrainEvent).iteration).toBe(2);
    expect(existsSync(dir)).toBe(true);
  });

  it('rejects done with a clear error when the folder cannot be made, with no unhandled error', async () => {
    const file = join(tmp() + '-file');
    writeFileSync(file, 'not a folder');
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const bus = new MetricBus();
      const sink = jsonlSink(bus.events$, join(file, 'run', 'metrics.jsonl'));
      for (let i = 1; i <= 10; i++) bus.emit(update(i)); // the trainer goes on regardless
      bus.complete();
      await expect(sink.done).rejects.toThrow(/metrics: cannot create the folder .*run.* for .*metrics\.jsonl/);
      await sleep(20);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('csv sink', () => {
  it('writes one file per kind, header from the first event, stable columns, RFC 4180 quoting', async () => {
    const dir = join(tmp(), 'metrics');
    const bus = new MetricBus();
    const sink = csvSink(bus.events$, dir, { kinds: ['update', 'episode', 'evaluation'] });
    const label = 'exploitability, "lower bound"\nbest response';
    bus.emit(update(1, 'user'));
    bus.emit(update(1, 'goal'));
    bus.emit(episode(1, { meanRegret: 0.5, welfare: 2 }));
    bus.emit(episode(2, { welfare: 3, meanRegret: 0.25, extra: 9 })); // other order, one extra name
    bus.emit(episode(3, { meanRegret: NaN })); // welfare missing
    bus.emit({ kind: 'evaluation', time: 7, step: 300, iteration: 3, label, metrics: { user: 0.1 } });
    bus.emit(iteration(3)); // not a selected kind
    bus.complete();
    await sink.done;

    expect(existsSync(join(dir, 'iteration.csv'))).toBe(false);
    const upd = readCsv(readFileSync(join(dir, 'update.csv'), 'utf8'));
    expect(upd[0]).toEqual(['time', 'step', 'iteration', 'policy', 'policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction', 'gradNorm', 'explainedVariance']);
    expect(upd.slice(1).map((r) => r[3])).toEqual(['user', 'goal']);
    expect(upd[1]).toEqual(['1001', '100', '1', 'user', '-0.01', '0.5', '1.2', '0.004', '0.1', '0.7', '0.3']);

    const ep = readCsv(readFileSync(join(dir, 'episode.csv'), 'utf8'));
    expect(ep).toEqual([
      ['time', 'step', 'iteration', 'metrics.meanRegret', 'metrics.welfare'],
      ['1002', '100', '1', '0.5', '2'],
      ['2002', '200', '2', '0.25', '3'],
      ['3002', '300', '3', 'NaN', ''],
    ]);

    const evText = readFileSync(join(dir, 'evaluation.csv'), 'utf8');
    expect(evText).toContain('"exploitability, ""lower bound""\nbest response"');
    expect(readCsv(evText)).toEqual([
      ['time', 'step', 'iteration', 'label', 'metrics.user'],
      ['7', '300', '3', label, '0.1'],
    ]);
  });

  it('quotes cells and reads a header back; a resumed run keeps the existing columns', async () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded')).toBe('" padded"');
    expect(csvCell(1.5)).toBe('1.5');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(parseCsvLine('a,"b,c","d ""e""",')).toEqual(['a', 'b,c', 'd "e"', '']);

    const dir = tmp();
    await csvSink(of(episode(1, { b: 1, a: 2 })), dir, { kinds: ['episode'] }).done;
    await csvSink(of(episode(2, { a: 3, c: 4 })), dir, { kinds: ['episode'] }).done;
    expect(readCsv(readFileSync(join(dir, 'episode.csv'), 'utf8'))).toEqual([
      ['time', 'step', 'iteration', 'metrics.b', 'metrics.a'],
      ['1002', '100', '1', '1', '2'],
      ['2002', '200', '2', '', '3'],
    ]);
  });
});

describe('progress', () => {
  it('formats durations, bars and counts', () => {
    expect(formatEta(0)).toBe('0s');
    expect(formatEta(44_600)).toBe('45s');
    expect(formatEta(65_000)).toBe('1m05s');
    expect(formatEta(59_600)).toBe('1m00s');
    expect(formatEta(2 * 3600_000 + 3 * 60_000 + 10_000)).toBe('2h03m');
    expect(formatEta(3 * 86_400_000 + 4 * 3600_000)).toBe('3d04h');
    expect(formatEta(NaN)).toBe('?');
    expect(formatEta(Infinity)).toBe('?');
    expect(formatEta(-1)).toBe('?');

    expect(formatBar(0, 10)).toBe(' '.repeat(10));
    expect(formatBar(1, 10)).toBe('█'.repeat(10));
    expect(formatBar(0.5, 10)).toBe('█████     ');
    expect(formatBar(0.55, 10)).toBe('█████▌    ');
    expect(formatBar(2, 4)).toBe('████');
    expect(formatBar(NaN, 4)).toBe('    ');
    for (const f of [0, 0.01, 0.33, 0.999, 1]) expect([...formatBar(f, 17)]).toHaveLength(17);
    expect(formatBar(0.5, 8, { ascii: true })).toBe('####----');

    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(4200, true)).toBe('4.20k');
    expect(formatCount(999_950, true)).toBe('1.00M');
    expect(formatCount(12_345_678, true)).toBe('12.3M');
    expect(formatCount(NaN)).toBe('?');
  });

  it('estimates the ETA from the recent iterations', () => {
    let s = initialProgress();
    expect(etaMs(s)).toBeNaN();
    s = reduceProgress(s, iteration(1) as TrainEvent); // 100 steps at t = 1 s, 1000 total; only the trainer's 100 samples/s yet
    expect(etaMs(s)).toBeCloseTo(9000);
    s = reduceProgress(s, { ...(iteration(2) as TrainEvent), time: 1500 } as TrainEvent); // 100 steps in 0.5 s: 200/s
    expect(etaMs(s)).toBeCloseTo(4000);
    s = reduceProgress(s, episode(2, { meanRegret: 0.125 }));
    expect(s.regret).toBe(0.125);
    s = reduceProgress(s, iteration(10) as TrainEvent);
    expect(etaMs(s)).toBe(0);
  });

  it('TTY: one line redrawn with \\r, throttled, then a newline and the notices', async () => {
    const out = new Capture(true, 100);
    expect(isInteractive(out, {})).toBe(true);
    expect(isInteractive(out, { CI: 'true' })).toBe(false);
    expect(isInteractive(new Capture(false), {})).toBe(false);
    const bus = new MetricBus();
    const sink = progressSink(bus.events$, { out, tty: true, throttleMs: 30 });
    bus.emit({ kind: 'backend', time: 0, step: 0, iteration: 0, backend: 'cpu', detail: 'plain JS' });
    for (let i = 1; i <= 10; i++) {
      bus.emit(iteration(i));
      bus.emit(episode(i, { meanRegret: 1 / i }));
      if (i === 5) bus.emit({ kind: 'checkpoint', time: 5001, step: 500, iteration: 5, path: 'runs/x/ckpt-5', best: true });
      await sleep(12);
    }
    bus.emit({ kind: 'done', time: 10_000, step: 1000, iteration: 10, summary: { meanRegret: 0.1 } });
    bus.complete();
    await sink.done;
    const text = out.text;
    const draws = text.split('\r').length - 1;
    expect(draws).toBeGreaterThan(2);
    expect(draws).toBeLessThan(20); // 21 events, throttled
    expect(text).toContain('backend: cpu (plain JS)\n');
    expect(text).toContain('checkpoint (best) at step 500: runs/x/ckpt-5\n');
    expect(text).toMatch(/\r\[█{30}\] 100\.0%  1\.00k\/1\.00k  100\/s  ETA 0s  regret 0\.1000 *\ndone: 10 iterations, 1,000 steps in 10s; meanRegret 0\.1000\n$/);
    for (const line of text.split(/[\r\n]/)) expect(line.length).toBeLessThan(100);
    const s = reduceProgress(reduceProgress(initialProgress(), iteration(3) as TrainEvent), episode(3, { meanRegret: 0.5 }));
    expect(formatTtyLine(s, 80)).toBe(`[${'█'.repeat(9)}${' '.repeat(21)}] 30.0%  300/1.00k  100/s  ETA 7s  regret 0.5000`);
    expect(formatTtyLine(s, 40)).toBe('30.0%  300/1.00k  100/s  ETA 7s');
    expect(formatTtyLine({ ...s, totalSteps: undefined }, 80)).toBe('300 steps  100/s  regret 0.5000');
    expect(text).not.toMatch(ANSI);
  });

  it('non-TTY: plain lines every interval, plus checkpoint and done lines, no \\r or ANSI', async () => {
    const out = new Capture(false);
    const bus = new MetricBus();
    const sink = progressSink(bus.events$, { out, tty: false, intervalMs: 3000 });
    for (let i = 1; i <= 10; i++) {
      bus.emit(iteration(i)); // time = i seconds
      if (i === 4) bus.emit({ kind: 'checkpoint', time: 4001, step: 400, iteration: 4, path: 'ck', best: false });
    }
    bus.emit({ kind: 'evaluation', time: 10_001, step: 1000, iteration: 10, label: 'exact exploitability', metrics: { nashConv: 0.25 } });
    bus.emit({ kind: 'done', time: 10_002, step: 1000, iteration: 10, summary: {} });
    bus.complete();
    await sink.done;
    const lines = out.text.split('\n');
    expect(lines.pop()).toBe('');
    expect(out.text).not.toContain('\r');
    expect(out.text).not.toMatch(ANSI);
    expect(lines.map((l) => l.split(' | ')[0])).toEqual([
      'iteration 1',
      'iteration 4',
      'checkpoint at step 400: ck',
      'iteration 7',
      'iteration 10',
      'evaluation at step 1,000: exact exploitability: nashConv 0.2500',
      'done: 10 iterations, 1,000 steps in 10s',
    ]);
    expect(lines[1]).toBe('iteration 4 | 40.0% | 400/1,000 steps | 100 samples/s | elapsed 4s | ETA 6s');

    const every = new Capture(false);
    await progressSink(from([1, 2, 3, 4, 5].map((i) => iteration(i) as TrainEvent)), { out: every, tty: false, everyIterations: 2 }).done;
    expect(every.text.split('\n').filter(Boolean).map((l) => l.split(' | ')[0])).toEqual(['iteration 1', 'iteration 3', 'iteration 5']);
  });
});

describe('attachSinks', () => {
  it('writes progress, JSONL and CSV into a new run folder; completing the bus resolves done', async () => {
    const runDir = join(tmp(), 'runs', 'r1');
    const out = new Capture(false);
    const bus = new MetricBus();
    bus.emit({ kind: 'backend', step: 0, iteration: 0, backend: 'wasm', detail: '' }); // before the sinks: replayed
    const sinks = attachSinks(bus, { runDir, out, totalSteps: 1000 });
    for (let i = 1; i <= 3; i++) {
      bus.emit(iteration(i));
      bus.emit(update(i));
    }
    bus.complete();
    await sinks.done;
    expect(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trimEnd().split('\n')).toHaveLength(7);
    expect(readCsv(readFileSync(join(runDir, 'metrics', 'iteration.csv'), 'utf8'))).toHaveLength(4);
    expect(readCsv(readFileSync(join(runDir, 'metrics', 'update.csv'), 'utf8'))).toHaveLength(4);
    expect(out.text).toMatch(/^backend: wasm\niteration 1 \| 10\.0%/);

    const quietOut = new Capture(false);
    const quietDir = join(tmp(), 'q');
    const quiet = new MetricBus();
    const qs = attachSinks(quiet, { runDir: quietDir, out: quietOut, quiet: true });
    quiet.emit(iteration(1));
    quiet.complete();
    await qs.done;
    expect(quietOut.text).toBe('');
    expect(existsSync(join(quietDir, 'metrics.jsonl'))).toBe(true);
  });

  it('unsubscribe flushes and resolves; a folder that cannot be made rejects done clearly', async () => {
    const bus = new MetricBus();
    const runDir = tmp();
    const sinks = attachSinks(bus, { runDir, quiet: true });
    bus.emit(iteration(1));
    await tick();
    sinks.unsubscribe();
    await sinks.done;
    bus.emit(iteration(2)); // nobody listens any more
    expect(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trimEnd().split('\n')).toHaveLength(1);

    const file = tmp();
    writeFileSync(file, '');
    const bad = new MetricBus();
    const badSinks = attachSinks(bad, { runDir: join(file, 'run'), quiet: true });
    bad.emit(iteration(1));
    bad.complete();
    await expect(badSinks.done).rejects.toThrow(/^metrics: cannot create the folder/);
  });
});
