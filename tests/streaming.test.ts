/**
 * Metrics stream while training runs, not in lumps at checkpoint saves: iterate() is
 * synchronous, so the run loop must give the event loop a turn after every iteration.
 */
import { get } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDashboard } from '../training/dashboard/server.js';
import { MetricBus } from '../training/metrics/bus.js';
import type { TrainEventInput } from '../training/metrics/events.js';
import { trainRun } from '../training/run.js';

const ID = 'attention-market-v0';
const ENV_OPTIONS = { rounds: 4, users: 2, goals: 3, dim: 4, slots: 2 };
/** 2 copies x 4 rounds = 8 env steps per iteration; no checkpoint until the end. */
const CONFIG = { numEnvs: 2, hidden: 8, epochs: 1, minibatchSize: 8, checkpointEvery: 1_000_000 };
const ITERATIONS = 6;

/** A bus that counts the iterations the trainer has finished (emitted, delivered or not). */
class CountingBus extends MetricBus {
  iterationsEmitted = 0;
  override emit(event: TrainEventInput): void {
    if (event.kind === 'iteration') this.iterationsEmitted++;
    super.emit(event);
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'bg-streaming-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the training loop streams', () => {
  it("delivers each iteration's event to a subscriber before the next iteration ends, with checkpointing off", async () => {
    const bus = new CountingBus();
    const delivered: { iteration: number; finishedThen: number }[] = [];
    bus.events$.subscribe((e) => {
      if (e.kind === 'iteration') delivered.push({ iteration: e.iteration, finishedThen: bus.iterationsEmitted });
    });
    const r = await trainRun({ envId: ID, envOptions: ENV_OPTIONS, config: { ...CONFIG, steps: 8 * ITERATIONS }, backend: 'cpu', out: join(tmp, 'a'), quiet: true, bus });
    r.trainer.dispose();
    expect(delivered.map((d) => d.iteration)).toEqual([1, 2, 3, 4, 5, 6]);
    // When iteration i reached the subscriber, iteration i + 1 had not finished.
    for (const d of delivered) expect(d.finishedThen).toBe(d.iteration);
  });

  it('answers a dashboard request while training goes on, not after it', async () => {
    const bus = new CountingBus();
    const dash = await startDashboard({ runs: [{ name: 'live', dir: join(tmp, 'b'), live: bus.events$ }] });
    let answeredAt = -1;
    let asked = false;
    bus.events$.subscribe((e) => {
      if (e.kind !== 'iteration' || asked) return;
      asked = true;
      get(`${dash.url}favicon.ico`, (res) => {
        res.resume();
        res.on('end', () => (answeredAt = bus.iterationsEmitted));
      });
    });
    try {
      const r = await trainRun({ envId: ID, envOptions: ENV_OPTIONS, config: { ...CONFIG, steps: 8 * ITERATIONS }, backend: 'cpu', out: join(tmp, 'b'), quiet: true, bus });
      r.trainer.dispose();
    } finally {
      await dash.close();
    }
    expect(answeredAt).toBeGreaterThan(0);
    expect(answeredAt).toBeLessThan(ITERATIONS);
  });
});
