/**
 * PSRO around the self-play trainer (training/population/psro.ts) on a game whose sides are
 * not the attention market's: the trade market's price-setter (rows) and consumer (columns).
 * The population setting runs through it (trainRun), its checkpoints name those sides, and a
 * checkpoint written before the slots were named by the sides (population version 1: slots
 * "user" and "goal", snapshots saved as user@<id> / goal@<id>) resumes exactly as the code
 * that wrote it would have continued.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../agents/backend/index.js';
import { readManifest } from '../checkpoints/index.js';
import { MetricBus } from '../training/metrics/bus.js';
import type { TrainEvent } from '../training/metrics/events.js';
import type { PopulationJSON } from '../training/population/index.js';
import { Psro } from '../training/population/psro.js';
import { restoreTrainer, saveTrainer, trainRun } from '../training/run.js';
import { parseTrainConfig, type TrainConfig } from '../training/self-play/config.js';
import { SelfPlayTrainer } from '../training/self-play/trainer.js';

const ID = 'trade-market-v0';
const ENV = { rounds: 4 };
/** The settings of the version 1 fixture (tests/fixtures/population-v1-trade-market, saved after 4 iterations). */
const SETTINGS: Partial<TrainConfig> = { numEnvs: 3, hidden: 8, minibatchSize: 8, epochs: 2, steps: 1_000_000, seed: 5, population: true, alternateEvery: 1, snapshotEvery: 2, populationSize: 3, evalEvery: 0 };
/**
 * sha256 of both policies' weights and every snapshot's (rows, then columns) after 8
 * iterations with SETTINGS, as the population code before this PSRO wrapper computed them
 * (commit 5cef088): the same run straight, and resumed from the fixture after 4.
 */
const OLD_CODE_AFTER_8 = '1acdaae42f2964cb9b615c32c251ec8cdbd224049cf36c0847ccd06bdf671f55';

function digest(psro: Psro): string {
  const h = createHash('sha256');
  const add = (ws: readonly Float32Array[]) => ws.forEach((w) => h.update(Buffer.from(w.buffer, w.byteOffset, w.byteLength)));
  for (const side of psro.trainer.sides) add(psro.trainer.policies[side].getWeights());
  const pop = psro.population;
  for (const side of [pop.sides.row, pop.sides.col]) for (const m of pop.list(side)) add(m.payload);
  return h.digest('hex');
}

let tmp: string;
beforeAll(async () => {
  await selectBackend('cpu');
  tmp = mkdtempSync(join(tmpdir(), 'bg-psro-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('PSRO on the trade market (sides price-setter and consumer)', () => {
  it('runs through the population setting, and its checkpoints name the sides', async () => {
    const bus = new MetricBus({ replay: 0 });
    const events: TrainEvent[] = [];
    bus.events$.subscribe((e) => events.push(e));
    const config = { ...SETTINGS, numEnvs: 2, epochs: 1, steps: 2 * 4 * 5, checkpointEvery: 100 };
    const run = await trainRun({ envId: ID, envOptions: ENV, config, backend: 'cpu', out: join(tmp, 'run'), quiet: true, bus });
    const psro = Psro.of(run.trainer);
    expect(psro).not.toBeNull();
    expect(run.trainer.iteration).toBe(5);
    expect(psro!.population.sides).toEqual({ row: 'price-setter', col: 'consumer' });
    // snapshots before the first iteration and after iterations 2 and 4; payoff tables solved each time
    expect(psro!.population.list('consumer').map((m) => m.info.iteration)).toEqual([0, 2, 4]);
    const nash = events.filter((e) => e.kind === 'evaluation' && 'nashConv' in e.metrics);
    expect(nash.map((e) => e.iteration)).toEqual([0, 2, 4]);
    expect(nash[2].kind === 'evaluation' && Object.keys(nash[2].metrics).sort()).toEqual(['consumerGain', 'members', 'nashConv', 'priceSetterGain']);

    const { manifest } = await readManifest(run.checkpoint);
    expect(Object.keys(manifest.policies).sort()).toEqual(['consumer', 'consumer@0', 'consumer@1', 'consumer@2', 'price-setter', 'price-setter@0', 'price-setter@1', 'price-setter@2']);
    const pop = (manifest.trainer as { population: PopulationJSON }).population;
    expect(pop.version).toBe(2);
    expect(pop.sides).toEqual({ row: 'price-setter', col: 'consumer' });
    expect(pop.members.row.map((m) => m.id)).toEqual([0, 1, 2]);
    expect(pop.payoffs).toHaveLength(9);

    // train --resume continues it, PSRO included
    const more = await trainRun({ envId: ID, config: { steps: 2 * 4 * 6 }, backend: 'cpu', out: join(tmp, 'run'), resume: run.checkpoint, quiet: true });
    expect(more.trainer.iteration).toBe(6);
    expect(Psro.of(more.trainer)!.population.list('price-setter').map((m) => m.info.iteration)).toEqual([0, 4, 6]);
    run.trainer.dispose();
    more.trainer.dispose();
  });

  it('gives the results of the code before it, straight and resumed from a version 1 checkpoint (user/goal slots)', async () => {
    const straight = await Psro.create(ID, ENV, parseTrainConfig(SETTINGS));
    for (let i = 0; i < 8; i++) straight.iterate();
    expect(digest(straight)).toBe(OLD_CODE_AFTER_8);
    straight.dispose();

    const v1 = join(tmp, 'v1');
    cpSync(join(import.meta.dirname, 'fixtures', 'population-v1-trade-market'), v1, { recursive: true });
    const trainer = await restoreTrainer(v1, undefined, new MetricBus({ replay: 0 }), ID);
    const resumed = Psro.of(trainer)!;
    expect(resumed.population.sides).toEqual({ row: 'price-setter', col: 'consumer' });
    expect(resumed.population.list('price-setter').map((m) => m.id)).toEqual([0, 1, 2]);
    for (let i = 0; i < 4; i++) resumed.iterate();
    expect(digest(resumed)).toBe(OLD_CODE_AFTER_8);

    // saved again, it is version 2 with the sides' names
    const v2 = join(tmp, 'v2');
    await saveTrainer(trainer, v2);
    const { manifest } = await readManifest(v2);
    expect(Object.keys(manifest.policies).filter((n) => n.includes('@'))).toEqual(['price-setter@0', 'price-setter@3', 'price-setter@4', 'consumer@0', 'consumer@3', 'consumer@4']);
    expect((manifest.trainer as { population: PopulationJSON }).population.sides).toEqual({ row: 'price-setter', col: 'consumer' });
    resumed.dispose();
  });

  it('is the only way to run population mode, and needs two sides', async () => {
    expect(() => new SelfPlayTrainer(ID, ENV, parseTrainConfig({ population: true }))).toThrow(/population mode runs through PSRO/);
    await expect(Psro.create(ID, ENV, parseTrainConfig({}))).rejects.toThrow(/PSRO runs population mode only/);
    await expect(Psro.create('emergent-alignment-v0', { rounds: 4 }, parseTrainConfig({ population: true }))).rejects.toThrow(/needs a two-sided payoff table and emergent-alignment-v0 has 1 side\(s\)/);
    // the LP meta-solver: HiGHS is loaded before the first iteration, so every solve is synchronous
    const lp = await Psro.create(ID, ENV, parseTrainConfig({ ...SETTINGS, metaSolver: 'lp' }));
    expect(lp.population.solver).toEqual({ method: 'lp' });
    lp.dispose();
  });
});
