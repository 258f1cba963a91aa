/**
 * Bad input to step() is a thrown error naming the agent and the problem, and leaves the
 * env's state byte-identical (DESIGN.md, "The environment API").
 */
import { describe, expect, it } from 'vitest';
import { ActionError, EnvStateError, Rng, make, makeVec, snapshotKernel, type AttentionMarketEnv, type VecEnv } from '../index.js';

const ID = 'attention-market-v0';
const opts = { dim: 3, users: 2, goals: 3, creationsPerGoal: 2, slots: 2, rounds: 3 };
const { dim: D, users: U, goals: G, creationsPerGoal: M, slots: N } = opts;
const P = G * M;

const goalAction = (v = 0.1) => new Float32Array(M * D).fill(v);
const goodGoals = (): Record<string, unknown> => Object.fromEntries(Array.from({ length: G }, (_, k) => [`goal_${k}`, goalAction(0.1 * (k + 1))]));
const goodUsers = (): Record<string, unknown> => Object.fromEntries(Array.from({ length: U }, (_, j) => [`user_${j}`, Int32Array.from([j, j + 2])]));

/** A mid-episode env (one round played), in the goal phase or, after one more step, the user phase. */
function midEpisode(phase: 'goal' | 'user'): AttentionMarketEnv {
  const env = make<AttentionMarketEnv>(ID, opts);
  env.reset({ seed: 12 });
  env.step(goodGoals() as never);
  env.step(goodUsers() as never);
  if (phase === 'user') env.step(goodGoals() as never);
  expect(env.phaseName).toBe(phase);
  return env;
}

/** step(actions) must throw an error matching `pattern` (an ActionError unless `type` says otherwise) and change nothing. */
function rejects(env: AttentionMarketEnv, actions: unknown, pattern: RegExp, type: new (...a: never[]) => Error = ActionError): Error {
  const before = env.snapshot();
  const agents = [...env.agents];
  const acting = [...env.actingAgents];
  let error: Error | undefined;
  try {
    env.step(actions as never);
  } catch (e) {
    error = e as Error;
  }
  if (!error) return expect.fail(`step(${String(actions)}) did not throw (expected ${pattern})`);
  expect(error).toBeInstanceOf(type);
  expect(error.message).toMatch(pattern);
  expect(Buffer.from(env.snapshot()).equals(Buffer.from(before))).toBe(true);
  expect(env.agents).toEqual(agents);
  expect(env.actingAgents).toEqual(acting);
  return error;
}

/** After all the refused steps, a good step gives exactly what a twin env that saw no bad input gives. */
function stillIntact(env: AttentionMarketEnv, phase: 'goal' | 'user'): void {
  const twin = midEpisode(phase);
  expect(Buffer.from(env.snapshot()).equals(Buffer.from(twin.snapshot()))).toBe(true);
  const acts = phase === 'goal' ? goodGoals() : goodUsers();
  const a = env.step(acts as never);
  const b = twin.step(acts as never);
  expect(a.rewards).toEqual(b.rewards);
  expect(Buffer.from(env.snapshot()).equals(Buffer.from(twin.snapshot()))).toBe(true);
}

describe('single env: bad actions in the goal phase', () => {
  it('each is refused with the agent and the problem named, leaving the state as it was', () => {
    const env = midEpisode('goal');
    const { goal_1: _omit, ...missing } = goodGoals();
    let e = rejects(env, missing, /attention-market-v0: action of agent "goal_1": missing: the goal phase needs an action from each of goal_0, goal_1, goal_2/) as ActionError;
    expect(e.agent).toBe('goal_1');
    e = rejects(env, { ...goodGoals(), user_0: Int32Array.from([0, 1]) }, /action of agent "user_0": does not act in the goal phase \(acting now: goal_0, goal_1, goal_2\)/) as ActionError;
    expect(e.agent).toBe('user_0');
    rejects(env, { ...goodGoals(), goal_7: goalAction() }, /action of agent "goal_7": no such agent \(agents are goal_0, goal_1, goal_2, user_0, user_1\)/);
    rejects(env, { ...goodGoals(), goal_2: new Float32Array(M * D - 1) }, /action of agent "goal_2": expected 6 numbers \(shape \[2, 3\]\), got 5/);
    rejects(env, { ...goodGoals(), goal_2: new Float32Array(M * D + 1) }, /agent "goal_2": expected 6 numbers .* got 7/);
    const nan = goalAction();
    nan[4] = NaN;
    rejects(env, { ...goodGoals(), goal_0: nan }, /action of agent "goal_0": element \[1, 1\] is NaN, not a number/);
    const inf = goalAction();
    inf[5] = -Infinity;
    rejects(env, { ...goodGoals(), goal_1: inf }, /action of agent "goal_1": element \[1, 2\] is -Infinity, not finite/);
    const big = goalAction();
    big[0] = 1.5;
    rejects(env, { ...goodGoals(), goal_2: big }, /action of agent "goal_2": element \[0, 0\] = 1.5 is outside \[-1, 1\]/);
    rejects(env, { ...goodGoals(), goal_2: Array.from(goalAction(), (v, i) => (i === 3 ? -1.01 : v)) }, /agent "goal_2": element \[1, 0\] = -1.01 is outside \[-1, 1\]/);
    rejects(env, { ...goodGoals(), goal_0: 'up' }, /action of agent "goal_0": expected a Float32Array or number\[\] of length 6, got string/);
    rejects(env, { ...goodGoals(), goal_0: [0, 0, 0, 0, 0, '0'] }, /agent "goal_0": element \[1, 2\] is 0, not a number/);
    rejects(env, { ...goodGoals(), goal_0: undefined }, /agent "goal_0": expected a Float32Array .* got undefined/);
    // Non-object actions.
    for (const bad of [null, undefined, 5, 'goal_0']) rejects(env, bad, /action of agent "\(all\)": step\(\) needs an object of actions keyed by agent id/);
    rejects(env, [], /agent "\(all\)": step\(\) needs an object of actions keyed by agent id, got an array/);
    // Nothing changed: a good step now matches a twin env.
    stillIntact(env, 'goal');
  });
});

describe('single env: bad actions in the user phase', () => {
  it('each is refused with the agent and the problem named, leaving the state as it was', () => {
    const env = midEpisode('user');
    const { user_0: _omit, ...missing } = goodUsers();
    rejects(env, missing, /action of agent "user_0": missing: the user phase needs an action from each of user_0, user_1/);
    rejects(env, { ...goodUsers(), goal_0: goalAction() }, /action of agent "goal_0": does not act in the user phase \(acting now: user_0, user_1\)/);
    rejects(env, { ...goodUsers(), user_2: Int32Array.from([0, 1]) }, /action of agent "user_2": no such agent/);
    rejects(env, { ...goodUsers(), user_1: Int32Array.from([0]) }, /action of agent "user_1": expected 2 distinct indices, got 1/);
    rejects(env, { ...goodUsers(), user_1: [0, 1, 2] }, /agent "user_1": expected 2 distinct indices, got 3/);
    rejects(env, { ...goodUsers(), user_1: [0, P] }, /action of agent "user_1": index \[1\] = 6 is out of range \[0, 5\]/);
    rejects(env, { ...goodUsers(), user_0: [-1, 2] }, /action of agent "user_0": index \[0\] = -1 is out of range \[0, 5\]/);
    rejects(env, { ...goodUsers(), user_0: [1.5, 2] }, /action of agent "user_0": index \[0\] is 1.5, not an integer/);
    rejects(env, { ...goodUsers(), user_0: [NaN, 2] }, /agent "user_0": index \[0\] is NaN, not an integer/);
    rejects(env, { ...goodUsers(), user_0: [Infinity, 2] }, /agent "user_0": index \[0\] is Infinity, not an integer/);
    rejects(env, { ...goodUsers(), user_1: Int32Array.from([4, 4]) }, /action of agent "user_1": index 4 appears twice \(positions 0 and 1\); the 2 indices must be distinct/);
    rejects(env, { ...goodUsers(), user_1: 3 }, /agent "user_1": expected 2 distinct indices \(Int32Array or number\[\]\), got number/);
    rejects(env, { ...goodUsers(), user_1: { 0: 1, 1: 2, length: 2 } }, /agent "user_1": expected 2 distinct indices .*got object/);
    for (const bad of [null, 7]) rejects(env, bad, /action of agent "\(all\)": step\(\) needs an object/);
    stillIntact(env, 'user');
  });
});

describe('single env: step out of turn', () => {
  it('step before reset and after the episode ended throw EnvStateError and change nothing', () => {
    const env = make<AttentionMarketEnv>(ID, opts);
    rejects(env, goodGoals(), /attention-market-v0: step\(\) before reset\(\)/, EnvStateError);
    env.reset({ seed: 1 });
    for (let t = 0; t < opts.rounds; t++) {
      env.step(goodGoals() as never);
      env.step(goodUsers() as never);
    }
    expect(env.agents).toEqual([]);
    rejects(env, goodGoals(), /step\(\) after the episode ended; call reset\(\) first/, EnvStateError);
    rejects(env, goodUsers(), /after the episode ended/, EnvStateError);
    rejects(env, {}, /after the episode ended/, EnvStateError);
    // Spaces of an unknown agent name it.
    expect(() => env.actionSpace('goal_9')).toThrow(/unknown agent "goal_9" \(agents are goal_0, goal_1, goal_2, user_0, user_1\)/);
    expect(() => env.observationSpace('nobody')).toThrow(/unknown agent "nobody"/);
    // A closed env refuses everything.
    env.close();
    env.close();
    expect(() => env.reset()).toThrow(/closed/);
    expect(() => env.step({} as never)).toThrow(/closed/);
  });
});

describe('VecEnv: bad actions', () => {
  const B = 3;

  function midVec(phase: 'goal' | 'user'): VecEnv {
    const vec = makeVec(ID, { numEnvs: B, options: opts });
    vec.reset({ seed: 12 });
    fillGood(vec);
    vec.step();
    fillGood(vec);
    vec.step();
    if (phase === 'user') {
      fillGood(vec);
      vec.step();
    }
    expect(vec.phase).toBe(phase === 'goal' ? 0 : 1);
    fillGood(vec);
    return vec;
  }

  function fillGood(vec: VecEnv): void {
    const role = vec.roles[vec.actingRole];
    const rng = new Rng(vec.phase + 1);
    for (let r = 0; r < B * role.count; r++) role.spec.actionSpace.flatten(role.spec.actionSpace.sample(rng), role.actions, r * role.actSize);
  }

  /** Writes `values` at position `at` of (copy, agent)'s action, expects a refusal naming them, restores the buffer. */
  function rejectsVec(vec: VecEnv, copy: number, agent: number, at: number, values: number[], pattern: RegExp): void {
    const role = vec.roles[vec.actingRole];
    const off = (copy * role.count + agent) * role.actSize + at;
    const saved = role.actions.slice(off, off + values.length);
    role.actions.set(values, off);
    const before = snapshotKernel(vec.kernel);
    let error: Error | undefined;
    try {
      vec.step();
    } catch (e) {
      error = e as Error;
    }
    if (!error) return expect.fail(`no error for ${pattern}`);
    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toMatch(new RegExp(`action of agent "${role.name}_${agent} of copy ${copy}": `));
    expect(error.message).toMatch(pattern);
    expect(Buffer.from(snapshotKernel(vec.kernel)).equals(Buffer.from(before))).toBe(true);
    for (const v of [vec.truncations, vec.terminations, vec.wasReset, vec.hasFinal]) expect(Array.from(v)).toEqual(new Array(B).fill(0));
    role.actions.set(saved, off);
  }

  /** After the refusals, stepping with the good buffer equals a twin that saw none. */
  function stillIntact(vec: VecEnv, phase: 'goal' | 'user'): void {
    const twin = midVec(phase);
    expect(Buffer.from(snapshotKernel(vec.kernel)).equals(Buffer.from(snapshotKernel(twin.kernel)))).toBe(true);
    vec.step();
    twin.step();
    expect(Buffer.from(snapshotKernel(vec.kernel)).equals(Buffer.from(snapshotKernel(twin.kernel)))).toBe(true);
  }

  it('goal phase: NaN, Infinity, out of [-1, 1] in any copy; the message names the copy and agent', () => {
    const vec = midVec('goal');
    rejectsVec(vec, 2, 1, 4, [NaN], /element \[1, 1\] is NaN, not a number/);
    rejectsVec(vec, 0, 0, 0, [Infinity], /element \[0, 0\] is Infinity, not finite/);
    rejectsVec(vec, 1, 2, 5, [-1.25], /element \[1, 2\] = -1.25 is outside \[-1, 1\]/);
    rejectsVec(vec, 2, 2, 5, [1.0001], /outside \[-1, 1\]/);
    stillIntact(vec, 'goal');
  });

  it('user phase: out of range, negative and duplicate indices; the message names the copy and agent', () => {
    const vec = midVec('user');
    rejectsVec(vec, 1, 0, 1, [P], /index \[1\] = 6 is out of range \[0, 5\]/);
    rejectsVec(vec, 2, 1, 0, [-1], /index \[0\] = -1 is out of range/);
    rejectsVec(vec, 0, 1, 0, [3, 3], /index 3 appears twice \(positions 0 and 1\)/);
    // The user action buffer is an Int32Array: a non-integer cannot even be written.
    expect(vec.roles[1].actions).toBeInstanceOf(Int32Array);
    stillIntact(vec, 'user');
  });

  it('the first bad copy is the one named, and every copy is validated before any is stepped', () => {
    const vec = midVec('user');
    const role = vec.roles[1];
    const before = snapshotKernel(vec.kernel);
    role.actions[(2 * U + 1) * N] = 99; // copy 2, user_1
    expect(() => vec.step()).toThrow(/"user_1 of copy 2": index \[0\] = 99/);
    role.actions[(0 * U + 0) * N + 1] = role.actions[(0 * U + 0) * N]; // copy 0, user_0 duplicate
    expect(() => vec.step()).toThrow(/"user_0 of copy 0": index \d+ appears twice/);
    expect(Buffer.from(snapshotKernel(vec.kernel)).equals(Buffer.from(before))).toBe(true);
  });

  it('step before reset and on an ended copy (autoreset disabled) throw EnvStateError and change nothing', () => {
    const fresh = makeVec(ID, { numEnvs: B, options: opts });
    const s0 = snapshotKernel(fresh.kernel);
    expect(() => fresh.step()).toThrow(EnvStateError);
    expect(() => fresh.step()).toThrow(/step\(\) before reset\(\)/);
    expect(Buffer.from(snapshotKernel(fresh.kernel)).equals(Buffer.from(s0))).toBe(true);

    const vec = makeVec(ID, { numEnvs: B, options: { ...opts, rounds: 1 }, autoreset: 'disabled' });
    vec.reset({ seed: 3 });
    fillGood(vec);
    vec.step();
    fillGood(vec);
    vec.step();
    const before = snapshotKernel(vec.kernel);
    fillGood(vec);
    expect(() => vec.step()).toThrow(/copy 0 has ended/);
    expect(Buffer.from(snapshotKernel(vec.kernel)).equals(Buffer.from(before))).toBe(true);
  });
});
