import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../agents/backend/index.js';
import { restoreTrainer, saveTrainer } from '../training/run.js';
import { MetricBus } from '../training/metrics/bus.js';
import type { TrainEvent } from '../training/metrics/events.js';
import { Psro } from '../training/population/psro.js';
import { parseTrainConfig, type TrainConfig } from '../training/self-play/config.js';
import { SelfPlayTrainer } from '../training/self-play/trainer.js';

const ENV = { rounds: 4, users: 2, goals: 3, dim: 4, slots: 2 };
const tiny = (over: Partial<TrainConfig> = {}) => parseTrainConfig({ numEnvs: 3, hidden: 8, minibatchSize: 8, epochs: 2, steps: 1_000_000, seed: 5, ...over });

/** The events of a run without their clocks (time, rates), which no two runs share. */
function deterministic(events: TrainEvent[]) {
  return events.map((e) => {
    const { time: _t, ...rest } = e as TrainEvent & { samplesPerSec?: number; rolloutMs?: number; updateMs?: number };
    if (rest.kind === 'iteration') return { ...rest, samplesPerSec: 0, rolloutMs: 0, updateMs: 0 };
    return rest;
  });
}

function collect(bus: MetricBus): TrainEvent[] {
  const events: TrainEvent[] = [];
  bus.events$.subscribe((e) => events.push(e));
  return events;
}

const settle = () => new Promise((r) => setImmediate(r));

/** A trainer for these settings: in population mode, the oracle of a new PSRO. */
async function build(id: string, env: object, config: TrainConfig, bus: MetricBus): Promise<SelfPlayTrainer> {
  return config.population ? (await Psro.create(id, env, config, bus)).trainer : new SelfPlayTrainer(id, env, config, bus);
}

/** One iteration of the run: PSRO's where it drives the trainer, else the trainer's. */
const iterate = (t: SelfPlayTrainer) => (Psro.of(t) ?? t).iterate();

let dir: string;
beforeAll(async () => {
  await selectBackend('cpu'); // the project's chooser: no tfjs greeting
  dir = mkdtempSync(join(tmpdir(), 'buddy-selfplay-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('self-play training', () => {
  const GAMES: [string, string, object][] = [
    ['attention market', 'attention-market-v0', ENV],
    ['trade market', 'trade-market-v0', { rounds: 4 }],
    ['consensus game', 'consensus-game-v0', { rounds: 4 }],
    ['persuasion', 'emergent-alignment-v0', { rounds: 4 }],
  ];
  const SCHEDULES = [
    ['simultaneous', {}],
    ['alternating', { schedule: 'alternating', alternateEvery: 1 }],
    ['population', { population: true, alternateEvery: 1, snapshotEvery: 2, populationSize: 3 }],
    ['reinforce', { learner: 'reinforce' }],
  ] as const;
  // Every schedule on the flagship; on the other games every schedule they offer (population: two sides).
  const CASES = GAMES.flatMap(([game, id, env]) =>
    SCHEDULES.filter(([name]) => id === 'attention-market-v0' || name !== 'reinforce')
      .filter(([name]) => name !== 'population' || id !== 'emergent-alignment-v0')
      .map(([name, over]) => [`${game}, ${name}`, id, env, over] as const),
  );
  it.each(CASES)('resumes bit for bit (%s): 2N iterations straight = N, save, resume, N more', async (_name, id, env, over) => {
    const N = 3;
    const straightBus = new MetricBus({ replay: 0 });
    const straightEvents = collect(straightBus);
    const straight = await build(id, env, tiny(over), straightBus);
    for (let i = 0; i < 2 * N; i++) iterate(straight);

    const firstBus = new MetricBus({ replay: 0 });
    const firstEvents = collect(firstBus);
    const first = await build(id, env, tiny(over), firstBus);
    for (let i = 0; i < N; i++) iterate(first);
    const ckpt = join(dir, `resume-${_name.replace(/[^a-z]+/g, '-')}`);
    await saveTrainer(first, ckpt);
    first.dispose();

    const secondBus = new MetricBus({ replay: 0 });
    const secondEvents = collect(secondBus);
    const second = await restoreTrainer(ckpt, undefined, secondBus, id);
    expect(Psro.of(second) !== null).toBe('population' in over);
    for (let i = 0; i < N; i++) iterate(second);
    await settle();

    for (const side of straight.sides) {
      const a = straight.policies[side].getWeights();
      const b = second.policies[side].getWeights();
      expect(b.length).toBe(a.length);
      a.forEach((w, i) => expect(Buffer.from(b[i].buffer).equals(Buffer.from(w.buffer)), `${side} weight ${i}`).toBe(true));
    }
    expect(deterministic([...firstEvents, ...secondEvents])).toEqual(deterministic(straightEvents));
    expect(straightEvents.filter((e) => e.kind === 'update').length).toBeGreaterThan(0);
    if ('population' in over) expect(straightEvents.filter((e) => e.kind === 'evaluation' && Number.isFinite(e.metrics.nashConv)).length).toBeGreaterThan(0);
    straight.dispose();
    second.dispose();
  });

  it('keeps tf.memory().numTensors flat: the same after update 10 and after update 1000', () => {
    const trainer = new SelfPlayTrainer('attention-market-v0', { rounds: 2, users: 1, goals: 2, dim: 2, slots: 1, creationsPerGoal: 1 }, tiny({ numEnvs: 1, hidden: 4, minibatchSize: 8, epochs: 1 }));
    let at10 = -1;
    for (let i = 1; i <= 1000; i++) {
      trainer.iterate();
      if (i === 10) at10 = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(at10);
    trainer.dispose();
  }, 120_000);
});
