/**
 * Metrics stream while training runs, not in lumps at checkpoint saves: iterate() is
 * synchronous, so the run loop must give the event loop a turn after every iteration.
 */
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDashboard } from '../training/dashboard/server.js';
import { startDashboardWorker } from '../training/dashboard/worker.js';
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

  it("train --dashboard's server runs in a worker: it answers while the main thread is busy in an iteration", async () => {
    const bus = new MetricBus();
    const dash = await startDashboardWorker([{ name: 'live', dir: join(tmp, 'c'), live: bus.events$ }]);
    try {
      // Another process asks, and notes when the answer came.
      const child = spawn(process.execPath, ['-e', `fetch(${JSON.stringify(`${dash.url}favicon.ico`)}).then((r) => console.log(r.status, Date.now()))`], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise((r) => child.on('exit', r));
      const t0 = Date.now();
      while (Date.now() - t0 < 4000) {
        // a long synchronous iteration holds this thread
      }
      const busyUntil = Date.now();
      await exited;
      const [status, answeredAt] = out.trim().split(' ').map(Number);
      expect(status).toBe(204);
      expect(answeredAt).toBeLessThan(busyUntil);
    } finally {
      await dash.close();
    }
  });

  it('the worker streams the live events, replaying the past to a late stream', async () => {
    const bus = new MetricBus();
    const dash = await startDashboardWorker([{ name: 'live', dir: join(tmp, 'd'), live: bus.events$ }]);
    try {
      bus.emit({ kind: 'episode', iteration: 1, step: 8, metrics: { meanRegret: 0.5 } });
      bus.emit({ kind: 'episode', iteration: 2, step: 16, metrics: { meanRegret: 0.4 } });
      await new Promise((r) => setTimeout(r, 200));
      const res = await fetch(`${dash.url}events`);
      const reader = res.body!.getReader();
      let text = '';
      while ((text.match(/^data: \{"run"/gm) ?? []).length < 2) text += new TextDecoder().decode((await reader.read()).value);
      await reader.cancel();
      const steps = [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]) as { event?: { step: number } }).filter((d) => d.event).map((d) => d.event!.step);
      expect(steps).toEqual([8, 16]);
    } finally {
      await dash.close();
    }
  });
});
