import { describe, expect, it } from 'vitest';
import { OwnerMemory, OWNER_MEMORY_FEATURES } from '../agents/policy/owner-memory.js';
import { attentionMarketPolicySpecs } from '../games/attention-market/policy-specs.js';
import { makeVec } from '../envs/registry.js';

describe('OwnerMemory', () => {
  const vec = makeVec('attention-market-v0', { numEnvs: 1, options: { users: 1, goals: 3, creationsPerGoal: 2, slots: 2, dim: 2, rounds: 4 } });
  const spec = attentionMarketPolicySpecs(vec.kernel.roles, undefined, { rounds: 4, feedback: 'click' }).user;
  const L = spec.memory!;

  /** A user observation with the given progress, last selection and feedback (other fields zero). */
  const obs = (progress: number, sel: number[], fb: number[]) => {
    const o = new Float32Array(L.obsSize);
    o[L.progressOffset] = progress;
    sel.forEach((v, n) => (o[L.lastSelectionOffset + n] = v));
    fb.forEach((v, n) => (o[L.lastFeedbackOffset + n] = v));
    return o;
  };

  it('counts picks and feedback per owner goal within an episode, and resets at progress 0', () => {
    const m = new OwnerMemory(L);
    expect(m.outSize).toBe(L.obsSize + 6 * OWNER_MEMORY_FEATURES);
    expect(spec.network.obsSize).toBe(m.outSize);
    const feature = (out: Float32Array, entry: number, f: number) => out[L.obsSize + entry * OWNER_MEMORY_FEATURES + f];

    let out = m.augment(obs(0, [-1, -1], [0, 0]), 1); // round 0: nothing yet
    for (let i = 0; i < 6; i++) expect(feature(out, i, 0)).toBeCloseTo(0, 6); // (0 + 1)/(0 + 2) − ½
    out = m.augment(obs(0.25, [0, 3], [1, 0]), 1); // round 1: picked goal 0 (clicked) and goal 1 (not)
    expect(feature(out, 0, 0)).toBeCloseTo(2 / 3 - 0.5, 6); // entries 0 and 1 belong to goal 0
    expect(feature(out, 1, 0)).toBeCloseTo(2 / 3 - 0.5, 6);
    expect(feature(out, 2, 0)).toBeCloseTo(1 / 3 - 0.5, 6); // goal 1
    expect(feature(out, 4, 0)).toBeCloseTo(0, 6); // goal 2, never picked
    expect(feature(out, 0, 1)).toBeCloseTo(1, 6); // 1 pick in 1 round
    out = m.augment(obs(0.5, [1, 4], [1, 1]), 1); // round 2: goal 0 again (clicked), goal 2 (clicked)
    expect(feature(out, 0, 0)).toBeCloseTo(3 / 4 - 0.5, 6);
    expect(feature(out, 0, 1)).toBeCloseTo(1, 6); // 2 picks in 2 rounds
    expect(feature(out, 5, 0)).toBeCloseTo(2 / 3 - 0.5, 6);
    expect(Array.from(out.subarray(0, L.obsSize))).toEqual(Array.from(obs(0.5, [1, 4], [1, 1]))); // the observation itself is kept
    out = m.augment(obs(0, [-1, -1], [0, 0]), 1); // a new episode
    for (let i = 0; i < 6; i++) expect(feature(out, i, 1)).toBe(0);
  });

  it('keeps one memory per row (copy × user)', () => {
    const m = new OwnerMemory(L);
    const two = new Float32Array(2 * L.obsSize);
    two.set(obs(0.25, [0, 2], [1, 1]), 0);
    two.set(obs(0.25, [4, 5], [0, 0]), L.obsSize);
    const out = m.augment(two, 2);
    expect(out[L.obsSize]).toBeCloseTo(2 / 3 - 0.5, 6); // row 0, goal 0 clicked
    expect(out[m.outSize + L.obsSize]).toBeCloseTo(0, 6); // row 1 never picked goal 0
    expect(out[m.outSize + L.obsSize + 4 * OWNER_MEMORY_FEATURES]).toBeCloseTo(1 / 4 - 0.5, 6); // row 1: goal 2 picked twice, no clicks
  });
});
