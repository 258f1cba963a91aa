/**
 * What a hostile caller found (issue 14's probe): every such input is a clear error naming
 * what was given and what is allowed, checked before any state changes.
 */
import { describe, expect, it } from 'vitest';
import { ActionError, OptionError, make, makeVec, snapshotKernel, type AttentionMarketEnv } from '../index.js';
import { parseCandidates } from '../games/consensus-game/candidates.js';

const ID = 'attention-market-v0';
const opts = { dim: 3, users: 2, goals: 3, creationsPerGoal: 2, slots: 2, rounds: 3 };
const goalActions = () => Object.fromEntries(Array.from({ length: opts.goals }, (_, k) => [`goal_${k}`, new Float32Array(opts.creationsPerGoal * opts.dim).fill(0.1 * (k + 1))]));

describe('VecEnv.reset({ seed }) near 2^53', () => {
  it('refuses a seed that would overflow for a later copy, naming the seed given and the largest allowed, before any copy changes', () => {
    const vec = makeVec(ID, { numEnvs: 4, options: opts, autoreset: 'disabled' });
    vec.reset({ seed: 7 });
    vec.roles[0].actions.fill(0.1);
    vec.step(); // into the user phase: a reset would set it back to 0
    const before = Buffer.from(snapshotKernel(vec.kernel));
    const seed = Number.MAX_SAFE_INTEGER - 1;
    expect(() => vec.reset({ seed })).toThrow(OptionError);
    expect(() => vec.reset({ seed })).toThrow(new RegExp(`"seed" = ${seed} is not allowed: copy b is seeded with seed \\+ b, so with 4 copies the seed must be at most ${Number.MAX_SAFE_INTEGER - 3}`));
    expect(vec.phase).toBe(1);
    expect(Buffer.from(snapshotKernel(vec.kernel)).equals(before)).toBe(true);
    vec.reset({ seed: Number.MAX_SAFE_INTEGER - 3 }); // the largest allowed works
    expect(vec.phase).toBe(0);
  });
});

describe('reset() arguments', () => {
  it.each([
    ['null', null, /reset\(\) takes nothing or \{ seed\?, options\? \}, got null/],
    ['"abc"', 'abc', /got the string "abc"/],
    ['42', 42, /got the number 42/],
    ['[1]', [1], /got an array/],
    ['new Map()', new Map([['seed', 1]]), /got a Map/],
    ['{ seed: 1, sead: 2 }', { seed: 1, sead: 2 }, /option "sead" = 2 is not allowed: unknown key; reset\(\) takes nothing or \{ seed\?, options\? \}/],
  ])('single env: reset(%s) is refused and changes nothing', (_, args, message) => {
    const env = make<AttentionMarketEnv>(ID, opts);
    env.reset({ seed: 3 });
    const before = Buffer.from(env.snapshot());
    expect(() => env.reset(args as never)).toThrow(message);
    expect(Buffer.from(env.snapshot()).equals(before)).toBe(true);
  });

  it('VecEnv: reset(null) and reset("abc") are refused too', () => {
    const vec = makeVec(ID, { numEnvs: 2, options: opts });
    expect(() => vec.reset(null as never)).toThrow(/reset\(\) takes nothing or \{ seed\?, mask\?, options\? \}, got null/);
    expect(() => vec.reset('abc' as never)).toThrow(/got the string "abc"/);
  });
});

describe('make and makeVec arguments', () => {
  it('make(id, new Map()) is refused, naming what was given', () => {
    expect(() => make(ID, new Map([['dim', 4]]))).toThrow(/options must be a plain object like \{ dim: \.\.\. \}, got a Map/);
    expect(() => make(ID, 'dim=4')).toThrow(/got the string "dim=4"/);
  });

  it('makeVec(id, null) and makeVec(id, 3) are refused with the shape of the arguments', () => {
    expect(() => makeVec(ID, null as never)).toThrow(/makeVec takes \{ numEnvs, options\?, autoreset\? \}, got null/);
    expect(() => makeVec(ID, 3 as never)).toThrow(/got the number 3/);
    expect(() => makeVec(ID, { numEnvs: 2, option: {} } as never)).toThrow(/"option" = \{\} is not allowed: unknown key/);
  });
});

describe('actions', () => {
  it('a BigInt64Array is refused by validation, naming the agent and the type (not a TypeError while stepping)', () => {
    const env = make<AttentionMarketEnv>(ID, opts);
    env.reset({ seed: 1 });
    const before = Buffer.from(env.snapshot());
    const actions = { ...goalActions(), goal_1: new BigInt64Array(opts.creationsPerGoal * opts.dim) };
    expect(() => env.step(actions as never)).toThrow(ActionError);
    expect(() => env.step(actions as never)).toThrow(/agent "goal_1": expected a Float32Array or number\[\] of length 6, got BigInt64Array of length 6/);
    expect(Buffer.from(env.snapshot()).equals(before)).toBe(true);
  });

  it('an array whose elements are getters is read once: the value validated is the value stepped', () => {
    const env = make<AttentionMarketEnv>(ID, opts);
    const twin = make<AttentionMarketEnv>(ID, opts);
    env.reset({ seed: 5 });
    twin.reset({ seed: 5 });
    const plain = goalActions();
    // Each element answers 0.5 the first time it is read, NaN after that.
    const tricky = Object.fromEntries(
      Object.entries(plain).map(([id, a]) => {
        const arr: number[] = [];
        Array.from(a).forEach((_, i) => {
          let reads = 0;
          Object.defineProperty(arr, i, { enumerable: true, get: () => (reads++ === 0 ? 0.5 : NaN) });
        });
        return [id, arr];
      }),
    );
    const same = Object.fromEntries(Object.keys(plain).map((id) => [id, new Array(plain[id].length).fill(0.5)]));
    env.step(tricky as never);
    twin.step(same as never);
    expect(Buffer.from(env.snapshot()).equals(Buffer.from(twin.snapshot()))).toBe(true);
  });

  it('an action record with getters is read once too', () => {
    const env = make<AttentionMarketEnv>(ID, opts);
    env.reset({ seed: 5 });
    const good = goalActions();
    let reads = 0;
    const record = { ...good };
    Object.defineProperty(record, 'goal_0', { enumerable: true, get: () => (reads++ === 0 ? good.goal_0 : new Float32Array(6).fill(NaN)) });
    env.step(record as never);
    expect(reads).toBe(1);
  });
});

describe('attention-market reset preferences', () => {
  it('entries near the largest double are normalised without overflow (the same direction as small ones)', () => {
    const env = make<AttentionMarketEnv>(ID, opts);
    const twin = make<AttentionMarketEnv>(ID, opts);
    const huge = [
      [1e300, 2e300, -2e300],
      [3e307, 0, 4e307],
    ];
    const small = [
      [1, 2, -2],
      [3, 0, 4],
    ];
    env.reset({ seed: 2, options: { preferences: huge } });
    twin.reset({ seed: 2, options: { preferences: small } });
    expect(Buffer.from(env.snapshot()).equals(Buffer.from(twin.snapshot()))).toBe(true);
    const tiny = small.map((r) => r.map((v) => v * 1e-200));
    env.reset({ seed: 2, options: { preferences: tiny } });
    expect(Buffer.from(env.snapshot()).equals(Buffer.from(twin.snapshot()))).toBe(true);
  });

  it('and play out with the regret of the same direction (not a zeroed preference)', () => {
    const run = (preferences: number[][]) => {
      const env = make<AttentionMarketEnv>(ID, opts);
      env.reset({ seed: 4, options: { preferences } });
      env.step(goalActions() as never);
      const users = Object.fromEntries(Array.from({ length: opts.users }, (_, j) => [`user_${j}`, Int32Array.from([0, 1])]));
      return (env.step(users as never).infos.user_0.round as { meanRegret: number }).meanRegret;
    };
    const small = [
      [1, -1, 0.5],
      [0.2, 1, -1],
    ];
    expect(run(small.map((r) => r.map((v) => v * 1e155)))).toBe(run(small));
    expect(run(small)).toBeGreaterThan(0);
  });

  it('refuses reset options given as a Map', () => {
    const env = make<AttentionMarketEnv>(ID, opts);
    expect(() => env.reset({ options: new Map() as never })).toThrow(/reset options must be a plain object \{ preferences\?, grounded\? \}, got a Map/);
  });
});

describe('consensus-game log-probability scores', () => {
  const file = (generator: number[], discriminator: number[]) => ({
    name: 'x',
    scores: 'logprob',
    questions: [{ question: 'q?', candidates: ['a', 'b'], generator: { correct: generator, incorrect: [-1, -2] }, discriminator }],
  });

  it('refuses scores whose probability is 0 in double precision, as probability mode refuses zeros', () => {
    expect(() => parseCandidates(file([0, -1e40], [-0.5, -0.5]))).toThrow(/generator\.correct\[1\] = -1e\+40: normalised over the candidates it is a log-probability of -1e\+40, below -744\.44, a probability of 0/);
    expect(() => parseCandidates(file([0, -1], [-1e40, -0.5]))).toThrow(/discriminator\[0\] = -1e\+40: a log-probability below -744\.44 is a probability of 0/);
    expect(() => parseCandidates(file([1e308, -1e308], [-0.5, -0.5]))).toThrow(/generator\.correct\[1\]/);
  });

  it('accepts small but representable ones, and every log-probability stays finite', () => {
    const c = parseCandidates(file([0, -700], [-700, -0.5]));
    for (const v of [...c.questions[0].generatorLogProbs, ...c.questions[0].discriminatorLogProbs]) expect(Number.isFinite(v)).toBe(true);
    expect(Math.fround(c.questions[0].generatorLogProbs[1])).toBeGreaterThan(-Infinity);
  });
});
