import { describe, expect, it } from 'vitest';
import {
  OptionError,
  attentionMarketSchema,
  describeOptions,
  make,
  makeVec,
  parseAttentionMarketOptions,
  registeredIds,
  type AttentionMarketEnv,
} from '../index.js';

const ID = 'attention-market-v0';

/** Runs f, expects an OptionError, returns it. */
function optionError(f: () => unknown): OptionError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OptionError);
    return e as OptionError;
  }
  return expect.fail('expected an OptionError');
}

/** The error of make(...) and of makeVec(...) with the same options: both must be the same OptionError. */
function both(options: unknown): OptionError {
  const a = optionError(() => make(ID, options));
  const b = optionError(() => makeVec(ID, { numEnvs: 2, options }));
  expect(b.message).toBe(a.message);
  expect(b.option).toBe(a.option);
  return a;
}

describe('attention-market-v0 options', () => {
  it('fills in the defaults of GAMES.md §1', () => {
    const env = make<AttentionMarketEnv>(ID);
    expect(env.options).toEqual({
      dim: 16,
      users: 4,
      goals: 8,
      creationsPerGoal: 2,
      slots: 3,
      rounds: 32,
      costWeight: 1,
      creationCost: 0,
      feedback: 'click',
      feedbackSharpness: 4,
      ratingNoise: 0.1,
      estimator: 'ridge',
      ridgePrior: 1,
      learnFrom: 'advertised',
      goalReward: 'visibility',
      tasteClusters: 0,
      tasteSpread: 0.5,
    });
    expect(Object.isFrozen(env.options)).toBe(true);
    expect(env.possibleAgents).toHaveLength(12);
    // Partial options keep the other defaults; undefined counts as absent.
    const e2 = make<AttentionMarketEnv>(ID, { dim: 3, slots: undefined, feedback: 'rating' });
    expect(e2.options.dim).toBe(3);
    expect(e2.options.slots).toBe(3);
    expect(e2.options.feedback).toBe('rating');
    expect(e2.options.users).toBe(4);
    expect(make<AttentionMarketEnv>(ID, null).options.dim).toBe(16);
    const vec = makeVec(ID, { numEnvs: 3, options: { users: 2 } });
    expect(vec.numEnvs).toBe(3);
    expect(vec.roles.map((r) => [r.name, r.count])).toEqual([
      ['goal', 8],
      ['user', 2],
    ]);
    expect(vec.autoreset).toBe('next-step');
    // describeOptions lists every option with its default and range.
    const rows = describeOptions(ID);
    expect(rows.map((r) => r.name)).toEqual(Object.keys(attentionMarketSchema));
    expect(rows.find((r) => r.name === 'dim')).toMatchObject({ default: 16, allowed: 'an integer in [1, 1024]' });
    expect(rows.find((r) => r.name === 'ridgePrior')?.allowed).toMatch(/^a finite number in \(0, /);
  });

  it('rejects an unknown option, listing the known ones', () => {
    const e = both({ dims: 4 });
    expect(e.option).toBe('dims');
    expect(e.message).toMatch(/attention-market-v0: option "dims" = 4 is not allowed: unknown option \(did you mean "dim"\?\); the options are dim, users, goals/);
    expect(e.message).toContain('goalReward');
  });

  it('rejects a non-integer or zero dim, naming the value and the range', () => {
    let e = both({ dim: 2.5 });
    expect(e.option).toBe('dim');
    expect(e.value).toBe(2.5);
    expect(e.message).toMatch(/option "dim" = 2.5 is not allowed: must be an integer in \[1, 1024\]/);
    e = both({ dim: 0 });
    expect(e.message).toMatch(/option "dim" = 0 is not allowed: must be an integer in \[1, 1024\]/);
    e = both({ dim: 2000 });
    expect(e.message).toMatch(/"dim" = 2000 .*\[1, 1024\]/);
    e = both({ users: -1 });
    expect(e.message).toMatch(/option "users" = -1 .*an integer in \[1, 1024\]/);
    e = both({ rounds: 0 });
    expect(e.message).toMatch(/option "rounds" = 0 .*an integer in \[1, 1000000\]/);
    e = both({ creationsPerGoal: 65 });
    expect(e.message).toMatch(/option "creationsPerGoal" = 65 .*\[1, 64\]/);
  });

  it('rejects slots > goals · creationsPerGoal, naming the pool size', () => {
    let e = both({ goals: 3, creationsPerGoal: 2, slots: 7 });
    expect(e.option).toBe('slots');
    expect(e.value).toBe(7);
    expect(e.message).toMatch(/option "slots" = 7 is not allowed: must be at most goals × creationsPerGoal = 6 \(the pool size P\)/);
    // The default slots (3) with a pool of 2.
    e = both({ goals: 1, creationsPerGoal: 2 });
    expect(e.message).toMatch(/"slots" = 3 .*= 2 \(the pool size P\)/);
    // Exactly P is fine.
    expect(make<AttentionMarketEnv>(ID, { goals: 3, creationsPerGoal: 2, slots: 6 }).options.slots).toBe(6);
  });

  it('rejects enum values outside the allowed set', () => {
    let e = both({ feedback: 'thumbs' });
    expect(e.option).toBe('feedback');
    expect(e.message).toMatch(/option "feedback" = "thumbs" is not allowed: must be one of "click", "rating"/);
    e = both({ estimator: 'kalman' });
    expect(e.message).toMatch(/option "estimator" = "kalman" .*one of "ridge", "none"/);
    e = both({ learnFrom: 'truth' });
    expect(e.message).toMatch(/"learnFrom" = "truth" .*one of "advertised", "grounded"/);
    e = both({ goalReward: 'minimax' });
    expect(e.message).toMatch(/"goalReward" = "minimax" .*one of "visibility", "regret"/);
  });

  it('rejects ridgePrior 0 (exclusive minimum) and negative weights', () => {
    let e = both({ ridgePrior: 0 });
    expect(e.option).toBe('ridgePrior');
    expect(e.message).toMatch(/option "ridgePrior" = 0 is not allowed: must be a finite number in \(0, 1000000000000\]/);
    expect(make<AttentionMarketEnv>(ID, { ridgePrior: 1e-6 }).options.ridgePrior).toBe(1e-6);
    e = both({ costWeight: -0.5 });
    expect(e.message).toMatch(/option "costWeight" = -0.5 is not allowed: must be a finite number in \[0, 1000000\]/);
    expect(make<AttentionMarketEnv>(ID, { costWeight: 0 }).options.costWeight).toBe(0); // inclusive minimum
    e = both({ creationCost: -1 });
    expect(e.message).toMatch(/"creationCost" = -1 .*\[0, 1000000\]/);
    e = both({ ratingNoise: Infinity });
    expect(e.message).toMatch(/"ratingNoise" = Infinity .*a finite number/);
    e = both({ feedbackSharpness: NaN });
    expect(e.message).toMatch(/"feedbackSharpness" = NaN .*a finite number/);
  });

  it('rejects values of the wrong type', () => {
    let e = both({ dim: '4' });
    expect(e.message).toMatch(/option "dim" = "4" is not allowed: must be an integer/);
    e = both({ costWeight: '1' });
    expect(e.message).toMatch(/option "costWeight" = "1" .*a finite number/);
    e = both({ feedback: 1 });
    expect(e.message).toMatch(/option "feedback" = 1 .*one of "click", "rating"/);
    e = both({ users: true });
    expect(e.message).toMatch(/option "users" = true .*an integer/);
    e = both({ dim: null });
    expect(e.message).toMatch(/option "dim" = null/);
    e = both('big');
    expect(e.option).toBe('(options)');
    expect(e.message).toMatch(/options must be a plain object like \{ dim: \.\.\. \}, got the string "big"/);
    e = both([1, 2]);
    expect(e.message).toMatch(/options must be a plain object like \{ dim: \.\.\. \}, got an array/);
  });

  it('rejects a ridge state too large for memory, naming dim', () => {
    const e = both({ dim: 1024, users: 1024 });
    expect(e.option).toBe('dim');
    expect(e.message).toMatch(/users·dim²/);
  });

  it('parseAttentionMarketOptions is the validator the registry uses', () => {
    expect(parseAttentionMarketOptions({ goals: 2 }).goals).toBe(2);
    expect(() => parseAttentionMarketOptions({ goals: 0 })).toThrow(OptionError);
  });

  it('an unknown env id lists the registered ids', () => {
    const ids = registeredIds();
    expect(ids).toContain(ID);
    expect(() => make('attention-market-v9')).toThrow(/unknown env id "attention-market-v9" \(did you mean "attention-market-v0"\?\); registered ids: /);
    try {
      make('nope-v0');
      expect.fail('no error');
    } catch (e) {
      for (const id of ids) expect((e as Error).message).toContain(id);
    }
    expect(() => makeVec('nope-v0', { numEnvs: 1 })).toThrow(/unknown env id "nope-v0"; registered ids: .*attention-market-v0/);
  });

  it('makeVec validates numEnvs and the autoreset mode', () => {
    for (const n of [0, -1, 1.5, 2 ** 21]) expect(() => makeVec(ID, { numEnvs: n })).toThrow(/numEnvs must be an integer in \[1, 1048576\]/);
    const e = optionError(() => makeVec(ID, { numEnvs: 2, autoreset: 'sometimes' as never }));
    expect(e.option).toBe('autoreset');
    expect(e.message).toMatch(/option "autoreset" = "sometimes" .*"next-step", "same-step", "disabled"/);
  });
});

describe('attention-market-v0 reset options', () => {
  const opts = { dim: 3, users: 2, goals: 3, creationsPerGoal: 1, slots: 1, rounds: 2 };
  const prefs = [
    [1, 0, 0],
    [0, 2, 0],
  ];
  const grounded = [
    [0, 0, 3],
    [1, 1, 0],
    [-1, 0, 0],
  ];

  it('fixes θ and g to the given vectors, normalised to unit length', () => {
    const env = make<AttentionMarketEnv>(ID, opts);
    const { observations } = env.reset({ seed: 1, options: { preferences: prefs, grounded } });
    const h = env.hidden();
    expect(Array.from(h.preferences[0])).toEqual([1, 0, 0]);
    expect(Array.from(h.preferences[1])).toEqual([0, 1, 0]);
    expect(Array.from(h.grounded[0])).toEqual([0, 0, 1]);
    expect(h.grounded[1][0]).toBeCloseTo(Math.SQRT1_2, 7);
    expect(h.grounded[1][1]).toBeCloseTo(Math.SQRT1_2, 7);
    expect(Array.from(h.grounded[2])).toEqual([-1, 0, 0]);
    expect(Array.from((observations.goal_2 as { grounded: Float32Array }).grounded)).toEqual([-1, 0, 0]);
    // Only one of them: the other is drawn from the seed, as without options.
    const ref = make<AttentionMarketEnv>(ID, opts);
    ref.reset({ seed: 1 });
    env.reset({ seed: 1, options: { grounded } });
    expect(env.hidden().preferences.map((p) => Array.from(p))).toEqual(ref.hidden().preferences.map((p) => Array.from(p)));
    expect(Array.from(env.hidden().grounded[0])).toEqual([0, 0, 1]);
    // Typed arrays are accepted as rows; an empty options object is fine.
    env.reset({ options: { preferences: [Float32Array.from([0, 0, 1]), new Float64Array([0, -1, 0])] } });
    expect(Array.from(env.hidden().preferences[1])).toEqual([0, -1, 0]);
    env.reset({ options: {} });
  });

  function resetError(options: unknown): OptionError {
    const env = make<AttentionMarketEnv>(ID, opts);
    env.reset({ seed: 0 });
    const before = env.snapshot();
    const e = optionError(() => env.reset({ options: options as never }));
    expect(env.snapshot()).toEqual(before); // a rejected reset changes nothing
    const vec = makeVec(ID, { numEnvs: 2, options: opts });
    const ev = optionError(() => vec.reset({ options }));
    expect(ev.message).toBe(e.message);
    return e;
  }

  it('rejects a wrong number of vectors, naming the key and the expected count', () => {
    let e = resetError({ preferences: [[1, 0, 0]] });
    expect(e.option).toBe('preferences');
    expect(e.message).toMatch(/attention-market-v0 reset: option "preferences" = \[\[1,0,0\]\] is not allowed: must be 2 vectors of 3 finite numbers, none all zero/);
    e = resetError({ grounded: prefs });
    expect(e.option).toBe('grounded');
    expect(e.message).toMatch(/must be 3 vectors of 3 finite numbers/);
    e = resetError({ grounded: 'up' });
    expect(e.option).toBe('grounded');
  });

  it('rejects a vector of the wrong dimension, naming the row', () => {
    const e = resetError({ preferences: [[1, 0, 0], [1, 0]] });
    expect(e.option).toBe('preferences[1]');
    expect(e.message).toMatch(/option "preferences\[1\]" = \[1,0\] is not allowed: must be 2 vectors of 3 finite numbers/);
    expect(resetError({ grounded: [[1, 0, 0], null, [0, 0, 1]] }).option).toBe('grounded[1]');
  });

  it('rejects NaN, Infinity and non-numbers, naming the element', () => {
    let e = resetError({ preferences: [[1, 0, 0], [0, NaN, 0]] });
    expect(e.option).toBe('preferences[1][1]');
    expect(e.message).toMatch(/option "preferences\[1\]\[1\]" = NaN is not allowed/);
    e = resetError({ grounded: [[1, 0, 0], [0, 1, 0], [0, 0, -Infinity]] });
    expect(e.option).toBe('grounded[2][2]');
    e = resetError({ grounded: [[1, 0, '0'], [0, 1, 0], [0, 0, 1]] });
    expect(e.option).toBe('grounded[0][2]');
  });

  it('rejects an all-zero vector', () => {
    const e = resetError({ grounded: [[1, 0, 0], [0, 0, 0], [0, 0, 1]] });
    expect(e.option).toBe('grounded[1]');
    expect(e.message).toMatch(/none all zero/);
  });

  it('rejects an unknown key and a non-object', () => {
    let e = resetError({ preference: prefs });
    expect(e.option).toBe('preference');
    expect(e.message).toMatch(/option "preference" = .* unknown reset option; the reset options are preferences, grounded/);
    e = resetError([prefs]);
    expect(e.message).toMatch(/reset options must be a plain object \{ preferences\?, grounded\? \}, got an array/);
    e = resetError(3);
    expect(e.message).toMatch(/reset options must be a plain object \{ preferences\?, grounded\? \}, got the number 3/);
  });

  it('rejects a bad reset seed', () => {
    const env = make<AttentionMarketEnv>(ID, opts);
    for (const seed of [-1, 0.5, NaN]) expect(() => env.reset({ seed })).toThrow(/seed must be a non-negative safe integer/);
    const vec = makeVec(ID, { numEnvs: 2, options: opts });
    expect(() => vec.reset({ seed: -3 })).toThrow(/seed must be a non-negative safe integer, got -3/);
  });
});
