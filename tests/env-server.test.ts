/**
 * The env server's protocol in process (envs/server/): framing, handshake, trajectories bit for
 * bit against the in-process env, the batched step against single envs, the single-agent mode
 * against SingleAgentEnv, and every kind of bad message answered with an error that names the
 * problem while the env stays as it was.
 */
import { describe, expect, it } from 'vitest';
import { encode } from '@msgpack/msgpack';
import { FrameReader, MAX_REQUEST_BYTES, ProtocolError, PROTOCOL_VERSION, Session, VecServed } from '../envs/server/index.js';
import { presetNames, presetOptions, registeredIds } from '../envs/registry.js';
import { Rng, type ParallelEnv, type Space } from '../index.js';
import { SingleAgentEnv } from '../envs/wrappers/index.js';
import { SingleAgentServed } from '../training/serve/single-agent-served.js';
import { profileFor } from '../training/profiles/index.js';
import { inProcess, make, observationBytes, type Reply } from './fixtures/protocol-client.js';

const frame = (payload: Uint8Array) => {
  const out = Buffer.alloc(4 + payload.byteLength);
  out.writeUInt32LE(payload.byteLength, 0);
  out.set(payload, 4);
  return out;
};

function greeted(served: VecServed | SingleAgentServed): { call: (m: unknown) => Reply; hello: Reply } {
  const call = inProcess(new Session(served, 'buddy-gym test'));
  const hello = call({ op: 'hello', protocol: PROTOCOL_VERSION });
  expect(hello.ok).toBe(true);
  return { call, hello };
}

/** Random valid actions of the acting agents, and the same as the acting role's raw bytes. */
function randomActions(env: ParallelEnv, hello: Reply, rng: Rng, roleIndex = actingRole(env, hello)): { actions: Record<string, unknown>; bytes: Uint8Array } {
  const role = hello.roles[roleIndex];
  const actions: Record<string, unknown> = {};
  for (const a of role.agents) actions[a] = env.actionSpace(a).sample(rng);
  const flat = role.act_dtype === 'int32' ? new Int32Array(role.count * role.act_size) : new Float32Array(role.count * role.act_size);
  role.agents.forEach((a: string, i: number) => (env.actionSpace(a) as Space<unknown>).flatten(actions[a], flat, i * role.act_size));
  return { actions, bytes: new Uint8Array(flat.buffer) };
}

/** The role acting next in `env` (the first phase's once the episode is over). */
function actingRole(env: ParallelEnv, hello: Reply): number {
  const acting = env.actingAgents[0];
  return acting === undefined ? hello.phase_roles[0] : hello.roles.findIndex((r: Reply) => r.agents.includes(acting));
}

/** The infos a client rebuilds from a step reply (B = 1), as the single env gives them. */
function infosOf(hello: Reply, reply: Reply): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const metrics = new Float64Array(Uint8Array.from(reply.metrics).buffer);
  hello.roles.forEach((role: Reply, r: number) => {
    const values = new Float64Array(Uint8Array.from(reply.infos[r]).buffer);
    role.agents.forEach((agent: string, i: number) => {
      const info: Record<string, unknown> = { phase: hello.phases[reply.played_phase] };
      if (reply.round_end) {
        role.info_names.forEach((name: string, n: number) => (info[name] = values[i * role.info_names.length + n]));
        info.round = Object.fromEntries(hello.metric_names.map((name: string, m: number) => [name, metrics[m]]));
      }
      out[agent] = info;
    });
  });
  return out;
}

const f64 = (bytes: Uint8Array) => Array.from(new Float64Array(Uint8Array.from(bytes).buffer));

/** Every registered env, with its defaults and with each preset. */
const CONFIGS = registeredIds().flatMap((id) => [
  { label: id, id, options: {} as Record<string, unknown> },
  ...presetNames(id).map((p) => ({ label: `${id} --preset ${p}`, id, options: presetOptions(id, p) })),
]);

describe('framing', () => {
  it('cuts frames out of chunks split and joined anywhere', () => {
    const payloads = [encode({ op: 'hello' }), encode({ a: new Uint8Array(300).fill(7) }), encode([1, 2, 3])];
    const stream = Buffer.concat(payloads.map(frame));
    const rng = new Rng(3, 0);
    for (let trial = 0; trial < 20; trial++) {
      const reader = new FrameReader();
      const got: Uint8Array[] = [];
      for (let at = 0; at < stream.length; ) {
        const n = 1 + rng.int(40);
        got.push(...reader.push(stream.subarray(at, at + n)));
        at += n;
      }
      expect(got.map((g) => Buffer.from(g))).toEqual(payloads.map((p) => Buffer.from(p)));
      expect(reader.buffered).toBe(0);
    }
  });

  it('refuses a length of 0 or above the limit as fatal, saying when the prefix reads as text', () => {
    const failure = (bytes: Uint8Array) => {
      const reader = new FrameReader();
      reader.push(bytes);
      return reader.failure;
    };
    expect(failure(Buffer.from([0, 0, 0, 0, 1]))).toBeInstanceOf(ProtocolError);
    expect(failure(Buffer.from([0, 0, 0, 0, 1]))?.fatal).toBe(true);
    expect(failure(Buffer.from([0, 0, 0, 0, 1]))?.message).toMatch(/frame length 0 is outside \[1, 67108864\]/);
    expect(failure(Buffer.from('hello, server'))?.message).toMatch(/frame length 1819043176 .* \(the bytes read as text: "hell", not a length\)/);
    expect(failure(Buffer.from([1, 0, 0, 4]))?.message).toMatch(new RegExp(`frame length ${MAX_REQUEST_BYTES + 1} is outside \\[1, ${MAX_REQUEST_BYTES}\\]`));
    expect(failure(Buffer.from([0, 0, 0, 4]))).toBeNull(); // exactly the limit: waits for the bytes
    expect(failure(Buffer.from([3, 0, 0]))).toBeNull(); // an incomplete prefix waits
    // The frames before a bad prefix are still read; nothing after it is.
    const reader = new FrameReader();
    const good = encode({ op: 'close' });
    expect(reader.push(Buffer.concat([frame(good), Buffer.from('junk'), frame(good)])).map((f) => Buffer.from(f))).toEqual([Buffer.from(good)]);
    expect(reader.failure?.message).toMatch(/"junk"/);
    expect(reader.push(frame(good))).toEqual([]);
  });
});

describe('handshake', () => {
  it('must come first, in this protocol version, and describes the env completely', () => {
    const call = inProcess(new Session(new VecServed({ id: 'attention-market-v0', options: { users: 2 }, numEnvs: 1, autoreset: 'disabled' }), 'buddy-gym test'));
    expect(call({ op: 'reset', seed: 1 }).error.message).toMatch(/"reset" before "hello"/);
    expect(call({ op: 'hello', protocol: 99 }).error.message).toMatch(/speaks protocol 1, the client asked for 99/);
    const hello = call({ op: 'hello', protocol: 1 });
    const env = make('attention-market-v0', { users: 2 });
    expect(hello).toMatchObject({ ok: true, protocol: 1, server: 'buddy-gym test', mode: 'parallel', env_id: 'attention-market-v0', num_envs: 1, autoreset: 'disabled' });
    expect(hello.options).toMatchObject({ users: 2, goals: 8, dim: 16, feedback: 'click' });
    expect(hello.possible_agents).toEqual(env.possibleAgents);
    expect(hello.phases).toEqual(['goal', 'user']);
    expect(hello.phase_roles).toEqual([0, 1]);
    expect(hello.reset_options).toEqual(['preferences', 'grounded', 'tasteCentres']);
    expect(hello.roles.map((r: Reply) => r.name)).toEqual(['goal', 'user']);
    const user = hello.roles[1];
    expect(user.observation_space).toEqual(env.observationSpace('user_0').toJSON());
    expect(user.action_space).toEqual({ kind: 'subset', n: 16, k: 3 });
    expect(user).toMatchObject({ agents: ['user_0', 'user_1'], act_dtype: 'int32', act_size: 3, obs_size: env.observationSpace('user_0').flatSize });
    // The estimate is unbounded: ±Infinity travels as a msgpack float.
    expect(user.observation_space.entries.estimate.low).toBe(-Infinity);
  });

  it("every env's declared reset options are the keys its reset accepts", () => {
    for (const id of registeredIds()) {
      const vec = new VecServed({ id, options: {}, numEnvs: 1, autoreset: 'disabled' }).vec;
      const declared = greeted(new VecServed({ id, options: {}, numEnvs: 1, autoreset: 'disabled' })).hello.reset_options as string[];
      expect(() => vec.kernel.parseResetOptions({ notAnOption: 1 }), id).toThrow(/notAnOption/);
      for (const key of declared) {
        // A declared key with a bad value is refused for its value, not as an unknown key.
        expect(() => vec.kernel.parseResetOptions({ [key]: 'bad' }), `${id} ${key}`).toThrow(new RegExp(`"${key}"`));
        expect(() => vec.kernel.parseResetOptions({ [key]: 'bad' }), `${id} ${key}`).not.toThrow(/unknown reset option/);
      }
    }
  });
});

describe('trajectories through the server equal the in-process env, bit for bit', () => {
  it.each(CONFIGS)('$label: two episodes of random actions', ({ id, options }) => {
    const { call, hello } = greeted(new VecServed({ id, options, numEnvs: 1, autoreset: 'disabled' }));
    const env = make(id, options);
    const rng = new Rng(11, 0);
    for (const seed of [5, 6]) {
      const reset = call({ op: 'reset', seed });
      const ref = env.reset({ seed });
      expect(reset.observations.map((b: Uint8Array) => Buffer.from(b))).toEqual(observationBytes(env, hello.roles, ref.observations));
      let steps = 0;
      while (env.agents.length > 0) {
        const { actions, bytes } = randomActions(env, hello, rng);
        const step = call({ op: 'step', actions: bytes });
        const r = env.step(actions);
        expect(step.ok).toBe(true);
        expect(step.observations.map((b: Uint8Array) => Buffer.from(b))).toEqual(observationBytes(env, hello.roles, r.observations));
        const rewards = hello.roles.flatMap((role: Reply, i: number) => f64(step.rewards[i]).map((x, j) => [role.agents[j], x]));
        expect(Object.fromEntries(rewards)).toEqual(r.rewards);
        expect(infosOf(hello, step)).toEqual(r.infos);
        expect(step.terminations[0] === 1).toBe(Object.values(r.terminations)[0]);
        expect(step.truncations[0] === 1).toBe(Object.values(r.truncations)[0]);
        steps++;
      }
      expect(steps).toBeGreaterThan(0);
      // The ended copy refuses another step, as the single env does.
      expect(call({ op: 'step', actions: randomActions(env, hello, rng).bytes }).error.type).toBe('EnvStateError');
    }
  });

  it('the batched step of B copies equals B single envs seeded seed + b', () => {
    const B = 3;
    const id = 'attention-market-v0';
    const options = { users: 2, goals: 3, rounds: 4 };
    const { call, hello } = greeted(new VecServed({ id, options, numEnvs: B, autoreset: 'next-step' }));
    const envs = Array.from({ length: B }, () => make(id, options));
    const rng = new Rng(2, 0);
    const reset = call({ op: 'reset', seed: 40 });
    envs.forEach((e, b) => {
      const o = e.reset({ seed: 40 + b }).observations;
      hello.roles.forEach((role: Reply, r: number) => {
        const size = role.count * role.obs_size * 4;
        expect(Buffer.from(reset.observations[r]).subarray(b * size, (b + 1) * size)).toEqual(observationBytes(e, [role], o)[0]);
      });
    });
    for (let t = 0; t < 8; t++) {
      const parts = envs.map((e) => randomActions(e, hello, rng));
      const step = call({ op: 'step', actions: Buffer.concat(parts.map((p) => p.bytes)) });
      envs.forEach((e, b) => {
        const r = e.step(parts[b].actions);
        hello.roles.forEach((role: Reply, ri: number) => {
          const size = role.count * role.obs_size * 4;
          expect(Buffer.from(step.observations[ri]).subarray(b * size, (b + 1) * size)).toEqual(observationBytes(e, [role], r.observations)[0]);
          expect(f64(step.rewards[ri]).slice(b * role.count, (b + 1) * role.count)).toEqual(role.agents.map((a: string) => r.rewards[a]));
        });
        expect(step.truncations[b]).toBe(r.truncations.user_0 ? 1 : 0);
      });
    }
    // next-step autoreset: the step after the end resets every copy instead of stepping it.
    const after = call({ op: 'step', actions: Buffer.concat(envs.map((e) => randomActions(e, hello, rng).bytes)) });
    expect(after).toMatchObject({ ok: true, played_phase: -1, round_end: false });
    expect(Array.from(after.was_reset)).toEqual([1, 1, 1]);
  });

  it('the single-agent mode equals SingleAgentEnv with the same baselines', () => {
    const id = 'attention-market-v0';
    const options = { users: 2, goals: 3, rounds: 5 };
    const { call, hello } = greeted(new SingleAgentServed({ id, options, agent: 'user_1', baselines: { goal: 'honest' } }));
    expect(hello).toMatchObject({ mode: 'single-agent', agent: 'user_1', baselines: { goal: 'honest', user: 'greedy' }, possible_agents: ['user_1'], phases: ['user'] });
    const inner = make(id, options);
    const profile = profileFor(id, []);
    const ref = new SingleAgentEnv(inner, 'user_1', (a) => (a.startsWith('goal') ? profile.baselines.goal.honest.make() : profile.baselines.user.greedy.make()));
    const rng = new Rng(9, 0);
    const flat = (o: unknown) => {
      const out = new Float32Array(inner.observationSpace('user_1').flatSize);
      (inner.observationSpace('user_1') as Space<unknown>).flatten(o, out);
      return Buffer.from(out.buffer);
    };
    const reset = call({ op: 'reset', seed: 3 });
    const r0 = ref.reset({ seed: 3 });
    expect(Buffer.from(reset.observations[0])).toEqual(flat(r0.observation));
    expect(reset.info).toEqual(r0.info);
    for (let done = false, t = 0; !done; t++) {
      const action = ref.actionSpace.sample(rng) as Int32Array;
      const step = call({ op: 'step', actions: new Uint8Array(Int32Array.from(action).buffer) });
      const r = ref.step(action);
      expect(Buffer.from(step.observations[0])).toEqual(flat(r.observation));
      expect(f64(step.rewards[0])).toEqual([r.reward]);
      expect(step.info).toEqual(r.info);
      expect([step.terminations[0], step.truncations[0]]).toEqual([r.terminated ? 1 : 0, r.truncated ? 1 : 0]);
      done = r.terminated || r.truncated;
      expect(t).toBeLessThan(10);
    }
  });
});

describe('bad messages get an error naming the problem, and change nothing', () => {
  const id = 'attention-market-v0';
  const options = { users: 2, goals: 3, rounds: 3 };

  /** Plays `bad` messages between valid steps and checks the trajectory equals one without them. */
  function unchangedAfter(bad: (call: (m: unknown) => Reply, hello: Reply, env: ParallelEnv) => void): void {
    const { call, hello } = greeted(new VecServed({ id, options, numEnvs: 1, autoreset: 'disabled' }));
    const env = make(id, options);
    const rng = new Rng(4, 0);
    call({ op: 'reset', seed: 8 });
    env.reset({ seed: 8 });
    while (env.agents.length > 0) {
      bad(call, hello, env);
      const { actions, bytes } = randomActions(env, hello, rng);
      const step = call({ op: 'step', actions: bytes });
      const r = env.step(actions);
      expect(step.observations.map((b: Uint8Array) => Buffer.from(b))).toEqual(observationBytes(env, hello.roles, r.observations));
    }
  }

  const cases: [string, (call: (m: unknown) => Reply, hello: Reply, env: ParallelEnv) => Reply, RegExp, string][] = [
    ['not a map', (c) => c([1, 2]), /a request must be a msgpack map \{op: \.\.\., \.\.\.\}, got an array of 2/, 'ProtocolError'],
    ['unknown op', (c) => c({ op: 'jump' }), /"op" must be one of "hello", "reset", "step", "close", got "jump"/, 'ProtocolError'],
    ['unknown field', (c) => c({ op: 'step', actions: new Uint8Array(4), speed: 2 }), /step: unknown field "speed"; the fields of step are actions/, 'ProtocolError'],
    ['actions not bin', (c) => c({ op: 'step', actions: [1, 2, 3] }), /step: "actions" must be bin \(raw little-endian bytes\), got an array of 3/, 'ProtocolError'],
    ['actions of the wrong length', (c) => c({ op: 'step', actions: new Uint8Array(10) }), /must be the (goal|user) phase's actions, \[num_envs 1, (goal|user) agents \d, \d+\] (float32|int32) little-endian = \d+ bytes, got 10 bytes/, 'ProtocolError'],
    ['a negative seed', (c) => c({ op: 'reset', seed: -1 }), /reset: "seed" must be an integer in \[0, 9007199254740991\] \(or nil\), got -1/, 'ProtocolError'],
    ['a fractional seed', (c) => c({ op: 'reset', seed: 1.5 }), /got 1\.5/, 'ProtocolError'],
    ['options not a map', (c) => c({ op: 'reset', options: 'x' }), /reset: "options" must be a map/, 'ProtocolError'],
    ['an unknown reset option', (c) => c({ op: 'reset', options: { speed: 1 } }), /reset: option "speed" = 1 is not allowed: unknown reset option; the reset options are preferences, grounded/, 'OptionError'],
    ['a bad reset option value', (c) => c({ op: 'reset', options: { preferences: [[1]] } }), /"preferences" = \[\[1\]\] is not allowed: must be 2 vectors of 16 finite numbers/, 'OptionError'],
    ['a bad mask', (c) => c({ op: 'reset', mask: new Uint8Array([1, 1]) }), /reset: "mask" must hold one byte per copy \(1\), got 2/, 'ProtocolError'],
    [
      'an action out of its space',
      (c, hello, env) => {
        const bytes = randomActions(env, hello, new Rng(1, 1)).bytes;
        const role = hello.roles[actingRole(env, hello)];
        if (role.act_dtype === 'int32') new Int32Array(bytes.buffer)[role.act_size] = 99; // agent 1's first index
        else new Float32Array(bytes.buffer)[role.act_size] = Number.NaN;
        return c({ op: 'step', actions: bytes });
      },
      /action of agent "(goal|user)_1 of copy 0": (element \[0, 0\] is NaN, not a number|index \[0\] = 99 is out of range \[0, 5\])/,
      'ActionError',
    ],
  ];

  it.each(cases)('%s', (_, send, message, type) => {
    let checked = 0;
    unchangedAfter((call, hello, env) => {
      const reply = send(call, hello, env);
      expect(reply.ok).toBe(false);
      expect(reply.error.type).toBe(type);
      expect(reply.error.message).toMatch(message);
      expect(reply.error.fatal).toBe(false);
      checked++;
    });
    expect(checked).toBeGreaterThan(3);
  });

  it('duplicate subset indices are an ActionError naming the user', () => {
    const { call, hello } = greeted(new VecServed({ id, options, numEnvs: 1, autoreset: 'disabled' }));
    call({ op: 'reset', seed: 1 });
    const env = make(id, options);
    env.reset({ seed: 1 });
    const goals = randomActions(env, hello, new Rng(0, 0));
    call({ op: 'step', actions: goals.bytes });
    const reply = call({ op: 'step', actions: new Uint8Array(Int32Array.of(0, 1, 2, 4, 4, 5).buffer) });
    expect(reply.error).toMatchObject({ type: 'ActionError', agent: 'user_1 of copy 0', fatal: false });
    expect(reply.error.message).toMatch(/index 4 appears twice \(positions 0 and 1\); the 3 indices must be distinct/);
  });

  it('garbage bytes get an error reply and the connection goes on; close ends it', () => {
    const session = new Session(new VecServed({ id, options, numEnvs: 1, autoreset: 'disabled' }), 'buddy-gym test');
    const garbage = session.handle(Buffer.from([0xc1, 0xff, 0x00]));
    expect(garbage.end).toBe(null);
    const call = inProcess(session);
    expect(call({ op: 'hello', protocol: 1 }).ok).toBe(true);
    const closed = session.handle(encode({ op: 'close' }));
    expect(closed.end).toBe('close');
  });
});
