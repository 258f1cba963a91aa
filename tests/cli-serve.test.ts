/**
 * `buddy-gym serve` as users run it (the built bin): flag errors, an episode over stdio equal
 * to the in-process env, a fatal frame, TCP with two clients at once, and a startup path that
 * does not load tfjs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Rng, type Space } from '../index.js';
import { connectTcp, make, observationBytes, ROOT, spawnServer } from './fixtures/protocol-client.js';

beforeAll(() => {
  const build = inject('distBuild');
  if (build.error) throw new Error(build.error);
});

const bin = (...argv: string[]) => spawnSync(process.execPath, ['bin/buddy-gym.js', 'serve', ...argv], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, input: '' });

describe('buddy-gym serve: the command line', () => {
  it('documents every flag in --help', () => {
    const r = bin('--help');
    expect(r.status).toBe(0);
    for (const flag of ['--option', '--preset', '--num-envs', '--autoreset', '--stdio', '--port', '--host', '--agent', '--baseline']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain('docs/protocol.md');
  });

  it.each([
    [[], /which env\? give an env id \(attention-market-v0, /],
    [['nope-v0'], /unknown env id "nope-v0"; registered ids: attention-market-v0, /],
    [['attention-market-v0', '--num-envs', '0'], /--num-envs must be an integer in \[1, 65536\], got "0"/],
    [['attention-market-v0', '--autoreset', 'never'], /--autoreset must be one of next-step, same-step, disabled, got "never"/],
    [['attention-market-v0', '--stdio', '--port', '0'], /give either --stdio or --port, not both/],
    [['attention-market-v0', '--host', '0.0.0.0'], /--host needs --port/],
    [['attention-market-v0', '--baseline', 'goal=honest'], /--baseline needs --agent/],
    [['attention-market-v0', '--agent', 'user_9'], /--agent: attention-market-v0 has no agent "user_9"; its agents are goal_0, /],
    [['attention-market-v0', '--agent', 'user_0', '--baseline', 'goal=liar'], /--baseline: the goal side of attention-market-v0 has no baseline "liar"; its baselines are honest, exaggerate, random/],
    [['attention-market-v0', '--agent', 'user_0', '--num-envs', '4'], /--num-envs is for the parallel mode/],
    [['attention-market-v0', '--option', 'users=0'], /--option: attention-market-v0: option "users" = 0 is not allowed: must be an integer in \[1, 1024\]/],
    [['trade-market-v0', '--preset', 'nope'], /--preset: trade-market-v0 has no preset "nope"; its presets are one-good, balance, stackelberg, auctioneer, fisher/],
  ])('%j exits 2 with one line naming the mistake', (argv, message) => {
    const r = bin(...argv);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^buddy-gym serve: /);
    expect(lines[0]).toMatch(message);
  });

  it('leaves the trainer and tfjs out of its startup path (the built modules it imports statically)', () => {
    const dist = join(ROOT, 'dist');
    const entry = readdirSync(dist).find((f) => /^serve-main-.*\.js$/.test(f));
    expect(entry).toBeDefined();
    const seen = new Set<string>();
    const external = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(join(dist, file), 'utf8');
      for (const m of text.matchAll(/^import\s[^'"]*?from\s*["']([^"']+)["']|^import\s*["']([^"']+)["']/gm)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith('./')) walk(spec.slice(2));
        else external.add(spec);
      }
    };
    walk(entry!);
    expect(seen.size).toBeGreaterThan(1);
    expect([...external].filter((s) => /tensorflow|highs/.test(s))).toEqual([]);
  });
});

describe('buddy-gym serve over stdio', () => {
  it('plays an episode equal to the in-process env, then exits 0 after close', async () => {
    const id = 'trade-market-v0';
    const { client, exit } = spawnServer([id, '--option', 'rounds=6', '--autoreset', 'disabled']);
    const hello = await client.request({ op: 'hello', protocol: 1 });
    expect(hello).toMatchObject({ ok: true, env_id: id, num_envs: 1, options: { rounds: 6 } });
    expect(hello.server).toMatch(/^buddy-gym \d+\.\d+\.\d+/);
    const env = make(id, { rounds: 6 });
    const reset = await client.request({ op: 'reset', seed: 12 });
    const ref = env.reset({ seed: 12 });
    expect(reset.observations.map((b: Uint8Array) => Buffer.from(b))).toEqual(observationBytes(env, hello.roles, ref.observations));
    const rng = new Rng(1, 0);
    while (env.agents.length > 0) {
      const role = hello.roles.find((r: { agents: string[] }) => r.agents.includes(env.actingAgents[0]));
      const actions = Object.fromEntries(env.actingAgents.map((a) => [a, env.actionSpace(a).sample(rng)]));
      const flat = new Float32Array(role.count * role.act_size);
      role.agents.forEach((a: string, i: number) => (env.actionSpace(a) as Space<unknown>).flatten(actions[a], flat, i * role.act_size));
      const step = await client.request({ op: 'step', actions: new Uint8Array(flat.buffer) });
      const r = env.step(actions);
      expect(step.observations.map((b: Uint8Array) => Buffer.from(b))).toEqual(observationBytes(env, hello.roles, r.observations));
    }
    expect(await client.request({ op: 'close' })).toEqual({ ok: true });
    expect(await exit).toBe(0);
  });

  it('answers a frame with a bad length prefix with a fatal error, then exits 1', async () => {
    const { client, exit } = spawnServer(['attention-market-v0']);
    const reply = await client.raw(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    expect(reply).toMatchObject({ ok: false, error: { type: 'ProtocolError', fatal: true } });
    expect(reply.error.message).toMatch(/the bytes read as text: "GET ", not a length/);
    expect(await exit).toBe(1);
  });

  it('exits 0 when its stdin ends (the client went away)', async () => {
    const { child, client, exit } = spawnServer(['consensus-game-v0']);
    expect((await client.request({ op: 'hello', protocol: 1 })).ok).toBe(true);
    child.stdin.end();
    expect(await exit).toBe(0);
  });

  it('serves the single-agent mode with the named baselines', async () => {
    const { client, exit } = spawnServer(['attention-market-v0', '--agent', 'goal_2', '--baseline', 'user=softmax']);
    const hello = await client.request({ op: 'hello', protocol: 1 });
    expect(hello).toMatchObject({ mode: 'single-agent', agent: 'goal_2', baselines: { user: 'softmax', goal: 'exaggerate' }, phases: ['goal'] });
    const reset = await client.request({ op: 'reset', seed: 0 });
    expect(reset.observations[0].byteLength).toBe(4 * hello.roles[0].obs_size);
    const step = await client.request({ op: 'step', actions: new Uint8Array(4 * hello.roles[0].act_size) });
    expect(step).toMatchObject({ ok: true, info: { phase: 'user' } });
    expect(step.info.round.meanRegret).toBeTypeOf('number');
    await client.request({ op: 'close' });
    expect(await exit).toBe(0);
  });
});

describe('buddy-gym serve over TCP', () => {
  it('gives each connection its own env and stops on SIGTERM', async () => {
    const { child, exit } = spawnServer(['attention-market-v0', '--port', '0', '--option', 'users=1']);
    const line = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    const m = /^listening on 127\.0\.0\.1:(\d+)\n$/.exec(line);
    expect(m).not.toBeNull();
    const port = Number(m![1]);
    const a = await connectTcp('127.0.0.1', port);
    const b = await connectTcp('127.0.0.1', port);
    expect((await a.client.request({ op: 'hello', protocol: 1 })).possible_agents).toContain('user_0');
    await b.client.request({ op: 'hello', protocol: 1 });
    const ra = await a.client.request({ op: 'reset', seed: 1 });
    const rb = await b.client.request({ op: 'reset', seed: 2 });
    expect(Buffer.from(ra.observations[0])).not.toEqual(Buffer.from(rb.observations[0]));
    expect(Buffer.from((await b.client.request({ op: 'reset', seed: 1 })).observations[0])).toEqual(Buffer.from(ra.observations[0]));
    expect(await a.client.request({ op: 'close' })).toEqual({ ok: true });
    a.socket.destroy();
    expect((await b.client.request({ op: 'reset', seed: 3 })).ok).toBe(true); // b is unaffected
    b.socket.destroy();
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
