/**
 * The shared kernel plumbing of envs/core: KernelBuffers (every buffer a GameKernel lists,
 * sized from its roles, and the per-copy clears) and CopyStreams (per-copy PRNG streams over
 * one state array), alone and through a snapshot round trip.
 */
import { describe, expect, it } from 'vitest';
import { Box, CopyStreams, Discrete, KernelBuffers, Rng, Subset, restoreKernel, snapshotKernel, type GameKernel, type RoleSpec } from '../index.js';

const B = 3;
const ROLES: readonly RoleSpec[] = [
  { name: 'seller', count: 2, observationSpace: new Box(-1, 1, [5]), actionSpace: new Box(0, 1, [3, 2]), infoNames: ['a', 'b', 'c'] },
  { name: 'buyer', count: 4, observationSpace: new Box(0, 1, [2, 3]), actionSpace: new Subset(7, 3), infoNames: [] },
  { name: 'judge', count: 1, observationSpace: new Box(0, 1, [1]), actionSpace: new Discrete(2), infoNames: ['verdict'] },
];
const METRICS = ['price', 'welfare'] as const;

/** A one-phase kernel made of nothing but the plumbing: each step draws one uniform per copy and stream into its metrics. */
class PlumbingKernel extends KernelBuffers implements GameKernel {
  readonly id = 'plumbing-v0';
  readonly phaseRoles = [0] as const;
  readonly phase = 0;
  readonly streams = new CopyStreams(this.batch, ['world', 'noise']);

  constructor(batch: number) {
    super(batch, ROLES, METRICS);
  }

  clear(b: number, what: 'copy' | 'outcome'): void {
    if (what === 'copy') this.clearCopy(b);
    else this.clearOutcome(b);
  }

  stateArrays(): readonly ArrayBufferView[] {
    return [this.streams.state, ...this.bufferStateArrays()];
  }

  setPhase(): void {}
  parseResetOptions(): object {
    return {};
  }

  resetCopy(b: number, seed: number | undefined): void {
    if (seed !== undefined) this.streams.reseed(b, seed);
    this.clearCopy(b);
  }

  step(): void {
    for (let b = 0; b < this.batch; b++) {
      this.metrics[b * 2] = this.streams.rng.world[b].uniform();
      this.metrics[b * 2 + 1] = this.streams.rng.noise[b].uniform();
    }
  }
}

type Typed = Float32Array | Int32Array | Float64Array | Uint8Array;

/** Every buffer of the kernel, actions included, filled with small non-zero values. */
function fillAll(k: KernelBuffers): Typed[] {
  const all = [...k.observations, ...k.actions, ...k.rewards, ...k.infos, k.terminated, k.truncated, k.metrics];
  all.forEach((a, i) => {
    for (let j = 0; j < a.length; j++) a[j] = 1 + ((i * 7 + j) % 5);
  });
  return all;
}

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

describe('KernelBuffers', () => {
  it('sizes every buffer from the roles and metric names, with the action space dtype', () => {
    const k = new PlumbingKernel(B);
    expect(k.observations.map((a) => a.length)).toEqual([B * 2 * 5, B * 4 * 6, B * 1 * 1]);
    expect(k.observations.every((a) => a instanceof Float32Array)).toBe(true);
    expect(k.actions.map((a) => a.length)).toEqual([B * 2 * 6, B * 4 * 3, B * 1 * 1]);
    expect(k.actions.map((a) => a.constructor)).toEqual([Float32Array, Int32Array, Int32Array]);
    expect(k.rewards.map((a) => a.length)).toEqual([B * 2, B * 4, B]);
    expect(k.infos.map((a) => a.length)).toEqual([B * 2 * 3, 0, B * 1]);
    expect(k.rewards.concat(k.infos).every((a) => a instanceof Float64Array)).toBe(true);
    expect([k.terminated.length, k.truncated.length, k.metrics.length]).toEqual([B, B, B * METRICS.length]);
    expect([k.batch, k.roles, k.metricNames]).toEqual([B, ROLES, METRICS]);
  });

  it('refuses a batch that is not a positive integer', () => {
    for (const batch of [0, -1, 1.5, NaN]) expect(() => new KernelBuffers(batch, ROLES, METRICS)).toThrow(/batch must be a positive integer/);
  });

  it('clearCopy zeroes copy b alone (outcome, metrics, observations) and never the actions', () => {
    for (let b = 0; b < B; b++) {
      const k = new PlumbingKernel(B);
      const all = fillAll(k);
      const before = all.map((a) => Array.from(a));
      k.clear(b, 'copy');
      all.forEach((a, i) => {
        const n = a.length / B;
        const isAction = (k.actions as readonly Typed[]).includes(a);
        for (let j = 0; j < a.length; j++) {
          const inCopy = Math.floor(j / n) === b;
          expect(a[j], `array ${i} element ${j}`).toBe(inCopy && !isAction ? 0 : before[i][j]);
        }
      });
    }
  });

  it('clearOutcome zeroes copy b’s rewards, infos and done flags, and keeps its metrics and observations', () => {
    const k = new PlumbingKernel(B);
    fillAll(k);
    const obs = k.observations.map((a) => Array.from(a));
    const metrics = Array.from(k.metrics);
    k.clear(1, 'outcome');
    for (const a of [...k.rewards, ...k.infos, k.terminated, k.truncated]) {
      const n = a.length / B;
      expect(Array.from(a.subarray(n, 2 * n)).every((x) => x === 0)).toBe(true);
      expect(Array.from(a.subarray(0, n)).concat(Array.from(a.subarray(2 * n))).every((x) => x !== 0)).toBe(true);
    }
    expect(k.observations.map((a) => Array.from(a))).toEqual(obs);
    expect(Array.from(k.metrics)).toEqual(metrics);
  });
});

describe('CopyStreams', () => {
  it('starts every generator at seed 0 with the stream id of its name’s position', () => {
    const s = new CopyStreams(B, ['world', 'feedback']);
    expect(s.state.length).toBe(B * 2 * 4);
    for (let b = 0; b < B; b++) {
      expect(draws(s.rng.world[b], 5)).toEqual(draws(new Rng(0, 0), 5));
      expect(draws(s.rng.feedback[b], 5)).toEqual(draws(new Rng(0, 1), 5));
    }
  });

  it('keeps each generator in its own words of the state array, laid out [B, streams, 4]', () => {
    const s = new CopyStreams(B, ['world', 'feedback']);
    const before = Array.from(s.state);
    s.rng.feedback[1].nextUint32();
    const changed = before.flatMap((w, i) => (w !== s.state[i] ? [i] : []));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((i) => i >= (1 * 2 + 1) * 4 && i < (1 * 2 + 2) * 4)).toBe(true);
  });

  it('gives different copies and different streams different numbers after a reseed', () => {
    const s = new CopyStreams(B, ['world', 'feedback']);
    for (let b = 0; b < B; b++) s.reseed(b, 100 + b);
    const seqs = [...s.rng.world, ...s.rng.feedback].map((r) => draws(r, 8).join());
    expect(new Set(seqs).size).toBe(2 * B);
  });

  it('reseeding copy b reproduces its streams and leaves the other copies where they were', () => {
    const s = new CopyStreams(B, ['world', 'feedback']);
    s.reseed(1, 42);
    const world = draws(s.rng.world[1], 10);
    const feedback = draws(s.rng.feedback[1], 10);
    expect(world).toEqual(draws(new Rng(42, 0), 10));
    expect(feedback).toEqual(draws(new Rng(42, 1), 10));
    draws(s.rng.world[0], 3);
    const others = [0, 2].map((b) => Array.from(s.state.subarray(b * 8, (b + 1) * 8)));
    s.reseed(1, 42);
    expect(draws(s.rng.world[1], 10)).toEqual(world);
    expect(draws(s.rng.feedback[1], 10)).toEqual(feedback);
    expect([0, 2].map((b) => Array.from(s.state.subarray(b * 8, (b + 1) * 8)))).toEqual(others);
  });

  it('refuses a bad seed before changing any stream, and duplicate stream names', () => {
    const s = new CopyStreams(B, ['world', 'feedback']);
    const before = Array.from(s.state);
    expect(() => s.reseed(0, -1)).toThrow(RangeError);
    expect(Array.from(s.state)).toEqual(before);
    expect(() => new CopyStreams(B, ['world', 'world'])).toThrow(/must differ/);
  });
});

describe('a kernel made of the plumbing', () => {
  it('round-trips a snapshot bit for bit: streams and buffers, not actions', () => {
    const k = new PlumbingKernel(B);
    for (let b = 0; b < B; b++) k.resetCopy(b, 7 + b);
    k.step();
    fillAll(k);
    const snap = snapshotKernel(k);
    expect(snap.byteLength).toBe(4 + k.stateArrays().reduce((n, a) => n + a.byteLength, 0));
    const actions = k.actions.map((a) => Array.from(a));
    k.step();
    const next = Array.from(k.metrics);

    const twin = new PlumbingKernel(B);
    restoreKernel(twin, snap);
    expect(Buffer.from(snapshotKernel(twin)).equals(Buffer.from(snap))).toBe(true);
    expect(twin.actions.map((a) => Array.from(a)).every((a) => a.every((x) => x === 0))).toBe(true);
    twin.step();
    expect(Array.from(twin.metrics)).toEqual(next);
    expect(k.actions.map((a) => Array.from(a))).toEqual(actions);
  });

  it('a seeded reset of one copy replays that copy alone', () => {
    const k = new PlumbingKernel(B);
    for (let b = 0; b < B; b++) k.resetCopy(b, 11 * b);
    k.step();
    const first = Array.from(k.metrics);
    k.step();
    k.resetCopy(2, 22);
    k.step();
    expect(Array.from(k.metrics.subarray(4, 6))).toEqual(first.slice(4, 6));
    expect(Array.from(k.metrics.subarray(0, 4))).not.toEqual(first.slice(0, 4));
  });
});
