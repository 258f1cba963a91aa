import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Agent, AgentContext } from '../agents/agent.js';
import { selectBackend } from '../agents/backend/index.js';
import { GreedyUser, HonestGoal } from '../games/index.js';
import type { UserObservation } from '../games/attention-market/spaces.js';
import { evaluateMatchup } from '../games/attention-market/matchup.js';
import { AgentActor } from '../training/self-play/actors.js';
import { AgentActorFromAct } from '../training/self-play/act-adapter.js';
import { loadAgentModule, parseAgentFlag } from '../cli/agent-module.js';
import type { EvalJson } from '../cli/eval.js';
import { evalSpec } from '../cli/eval-spec.js';
import type { InfoJson } from '../cli/info.js';
import { infoSpec } from '../cli/info-spec.js';
import { captureIO } from '../cli/io.js';
import { runCli } from '../cli/program.js';
import type { TrainSummaryJson } from '../cli/train.js';
import { trainSpec } from '../cli/train-spec.js';

const ID = 'attention-market-v0';
const root = fileURLToPath(new URL('..', import.meta.url));
const AGENT = 'tests/fixtures/my-agent.ts';

/** Tiny settings: 2 copies x 4 rounds = 8 env steps per iteration. */
const OPTIONS = ['--option', 'rounds=4', '--option', 'users=2', '--option', 'goals=3', '--option', 'dim=4', '--option', 'slots=2'];
// annealLr off (train's attention-market recipe anneals over the run's --steps): a run resumed to a
// larger --steps total is then exactly the unbroken run, which the resume test checks
const TINY = ['--backend', 'cpu', '--quiet', '--set', 'numEnvs=2', '--set', 'hidden=8', '--set', 'epochs=1', '--set', 'minibatchSize=8', '--set', 'annealLr=false', ...OPTIONS, '--eval-episodes', '2'];
const ENV_OPTIONS = { rounds: 4, users: 2, goals: 3, dim: 4, slots: 2 };

async function cli(...argv: string[]) {
  const io = captureIO();
  const code = await runCli(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n'), stderr: io.stderr };
}

let tmp: string;
/** A run of 16 steps (2 iterations) that eval, info and resume share; its final checkpoint. */
let run: string;
let ckpt: string;
let trained: Awaited<ReturnType<typeof cli>>;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'bg-cli-train-'));
  run = join(tmp, 'run');
  trained = await cli('train', ID, ...TINY, '--steps', '16', '--out', run);
  ckpt = join(run, 'checkpoints', 'step-000000000016');
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('buddy-gym train', () => {
  it('writes a run folder with metrics.jsonl, metrics/*.csv and checkpoints, and prints the summary and the checkpoint path', () => {
    expect(trained.err).toBe('');
    expect(trained.code).toBe(0);
    expect(existsSync(join(run, 'metrics.jsonl'))).toBe(true);
    expect(readdirSync(join(run, 'metrics')).sort()).toEqual(expect.arrayContaining(['episode.csv', 'iteration.csv', 'update.csv']));
    expect(existsSync(join(ckpt, 'manifest.json'))).toBe(true);
    expect(existsSync(join(run, 'checkpoints', 'best', 'manifest.json'))).toBe(true);
    const kinds = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { kind: string }).kind);
    expect(kinds).toEqual(expect.arrayContaining(['backend', 'iteration', 'episode', 'update', 'checkpoint', 'done']));

    const out = trained.out;
    expect(out).toMatch(/^attention-market-v0: trained 16 env steps, 2 iterations in all, in [\d.]+ s on cpu/m);
    expect(out).toMatch(/^last training iteration \(2, step 16; sampled policies vs their training opponents\)/m);
    expect(out).toMatch(/^ {2}user regret per round \(mean over users\)\s+\d+\.\d{4}$/m);
    expect(out).toMatch(/^last update .*policy loss/m);
    expect(out).toMatch(/^ {2}π_user\s+-?\d/m);
    expect(out).toMatch(/^evaluation on 4 worlds \(seeds from 1000000\): each trained side deterministic \(mode\),/m);
    expect(out).toMatch(/^ {2}users against exaggerating goals: regret per user per round, lower is better$/m);
    expect(out).toMatch(/^ {2}goal #0 among honest goals, against greedy users: utility of goal #0 per round, higher is better$/m);
    for (const row of ['trained \\(mode\\)', 'trained \\(sampled\\)', 'greedy \\(reference\\)', 'honest \\(reference\\)']) {
      expect(out).toMatch(new RegExp(`^ {4}${row}\\s+-?\\d+\\.\\d{4}\\s+± (\\d+\\.\\d{4}|n/a)$`, 'm'));
    }
    expect(out).toMatch(/^ {4}mode vs greedy: (better|worse|tie) \(lower is better; Δ [+−]\d\.\d{4} ± \d\.\d{4}, 95% CI, 4 paired worlds\)$/m);
    expect(out).toMatch(/^ {4}sampled vs honest: (better|worse|tie) \(higher is better; /m);
    expect(out).toContain(`checkpoint: ${ckpt}`);
    expect(out).toContain(`best: ${join(run, 'checkpoints', 'best')}`);
    expect(out).toContain(`next: npx buddy-gym eval ${ckpt}`);
  });

  it('prints the summary as JSON with --json, and shows progress on stderr without --quiet', async () => {
    const out = join(tmp, 'json-run');
    const r = await cli('train', ID, ...TINY.filter((a) => a !== '--quiet'), '--steps', '8', '--out', out, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as TrainSummaryJson;
    expect(j).toMatchObject({ env: ID, steps: 8, iterations: 1, trainedSteps: 8, resumedFrom: null, best: join(out, 'checkpoints', 'best') });
    expect(j.envOptions).toMatchObject(ENV_OPTIONS);
    expect(j.settings).toMatchObject({ numEnvs: 2, hidden: 8, epochs: 1, minibatchSize: 8, steps: 8 });
    expect(j.checkpoint).toBe(join(out, 'checkpoints', 'step-000000000008'));
    expect(typeof j.lastIteration.metrics.meanRegret).toBe('number');
    expect(Object.keys(j.lastIteration.updates).sort()).toEqual(['goal', 'user']);
    // the attention market's two questions: users against exaggerating goals, goal #0 among honest goals
    expect(j.evaluationWorlds).toBe(4); // --eval-episodes 2 × numEnvs 2
    expect(j.evaluation.map((e) => [e.side, e.metric, e.reference, e.higherIsBetter])).toEqual([
      ['user', 'meanRegret', 'greedy', false],
      ['goal', 'goalReward', 'honest', true],
    ]);
    for (const e of j.evaluation) {
      for (const c of [e.mode, e.sampled]) {
        expect(c.difference.n).toBe(4);
        expect(typeof c.candidate.mean).toBe('number');
        expect(['better', 'worse', 'tie']).toContain(c.verdict);
        expect(c.summary).toMatch(/(higher|lower) is better; Δ [+−]\d\.\d{4} ± \d\.\d{4}, 95% CI, 4 paired worlds/);
      }
    }
    expect(j.exploitability).toBeNull();
    // Progress (plain lines, no terminal here) on stderr, nothing of it on stdout.
    expect(r.err).toMatch(/^backend: cpu/m);
    expect(r.err).toMatch(/^iteration 1 \| 100\.0% \| 8\/8 steps/m);
    expect(r.err).toMatch(/^checkpoint \(best\) at step 8: /m);
  });

  it('continues a resumed run to the same --steps total, exactly where an unbroken run would be', async () => {
    const copy = join(tmp, 'resumed');
    cpSync(run, copy, { recursive: true });
    const r = await cli('train', '--resume', join(copy, 'checkpoints', 'step-000000000016'), '--steps', '32', '--backend', 'cpu', '--quiet', '--eval-episodes', '2', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as TrainSummaryJson;
    expect(j).toMatchObject({ steps: 32, iterations: 4, trainedSteps: 16, runFolder: copy });
    expect(j.resumedFrom).toBe(join(copy, 'checkpoints', 'step-000000000016'));
    expect(j.checkpoint).toBe(join(copy, 'checkpoints', 'step-000000000032'));
    const steps = readFileSync(join(copy, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { step: number }).step);
    expect(Math.max(...steps)).toBe(32);

    const straight = await cli('train', ID, ...TINY, '--steps', '32', '--out', join(tmp, 'straight'), '--json');
    expect(straight.code).toBe(0);
    const s = JSON.parse(straight.out) as TrainSummaryJson;
    expect(s.steps).toBe(32);
    expect(j.lastIteration.metrics).toEqual(s.lastIteration.metrics);
    expect(j.evaluation).toEqual(s.evaluation);

    // Already at the total: nothing more to train, and never past it.
    const again = await cli('train', '--resume', j.checkpoint, '--steps', '32', '--backend', 'cpu', '--quiet', '--eval-episodes', '0', '--json');
    expect(again.code).toBe(0);
    expect((JSON.parse(again.out) as TrainSummaryJson).steps).toBe(32);
    expect(again.err).toMatch(/already at the total of 32: nothing to train/);
  });

  it('refuses to change settings or env options on --resume, and an existing non-empty --out', async () => {
    const setting = await cli('train', '--resume', ckpt, '--set', 'hidden=16', '--backend', 'cpu');
    expect(setting.code).toBe(2);
    expect(setting.err).toMatch(/--resume continues with the checkpoint's settings, but --set hidden gives hidden=16 where it has 8; only --steps may change/);
    const option = await cli('train', ID, '--resume', ckpt, '--option', 'dim=5', '--backend', 'cpu');
    expect(option.code).toBe(2);
    expect(option.err).toMatch(/--option dim=5 differs from its 4/);
    const out = await cli('train', ID, ...TINY, '--steps', '8', '--out', run);
    expect(out.code).toBe(2);
    expect(out.err).toMatch(/--out .* exists and is not empty/);
  });

  it('reads settings from --config, with flags over the file', async () => {
    const file = join(tmp, 'settings.json');
    writeFileSync(file, JSON.stringify({ numEnvs: 2, hidden: 8, epochs: 1, minibatchSize: 8, seed: 3, learningRate: 0.001 }));
    const r = await cli('train', ID, '--config', file, '--seed', '5', '--steps', '8', '--backend', 'cpu', '--quiet', ...OPTIONS, '--eval-episodes', '0', '--out', join(tmp, 'config-run'), '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as TrainSummaryJson;
    expect(j.settings).toMatchObject({ numEnvs: 2, hidden: 8, epochs: 1, minibatchSize: 8, seed: 5, learningRate: 0.001, steps: 8 });
    expect(j.evaluation).toEqual([]);
  });

  it.each([
    ['bad JSON', '{"hidden": 8,', /--config \S+bad JSON\.json is not valid JSON/],
    ['unknown key', '{"hiddn": 8}', /--config \S+unknown key\.json: option "hiddn" = 8 is not allowed: unknown option \(did you mean "hidden"\?\); the options are steps, numEnvs/],
    ['out of range', '{"hidden": 2}', /--config \S+out of range\.json: option "hidden" = 2 is not allowed: must be an integer in \[4, 4096\]/],
    ['not an object', '[1, 2]', /--config \S+not an object\.json must hold a JSON object of settings/],
  ])('refuses a --config file with %s, naming the file and the setting (exit 2)', async (name, text, message) => {
    const file = join(tmp, `${name}.json`);
    writeFileSync(file, text);
    const r = await cli('train', ID, '--config', file, '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toHaveLength(1);
    expect(r.err).toMatch(message);
  });

  const bad: [string[], RegExp][] = [
    [['train'], /which env\? give an env id/],
    [['train', 'nope-v0'], /unknown env id "nope-v0"/],
    [['train', ID, '--steps', '0'], /--steps must be an integer in \[1, 1000000000000\], got "0"/],
    [['train', ID, '--steps', 'lots'], /--steps must be an integer .* got "lots"/],
    [['train', ID, '--seed', '1.5'], /--seed must be an integer in \[0, 2147483647\], got "1.5"/],
    [['train', ID, '--backend', 'tpu'], /--backend must be one of auto, tensorflow-gpu, tensorflow, wasm, cpu, webgpu, got "tpu"/],
    [['train', ID, '--schedule', 'sometimes'], /--schedule must be one of "simultaneous", "alternating", got "sometimes"/],
    [['train', ID, '--learner', 'sgd'], /--learner must be one of "ppo", "reinforce", got "sgd"/],
    [['train', ID, '--num-envs', '0'], /--num-envs must be an integer in \[1, 4096\], got "0"/],
    [['train', ID, '--set', 'hidden'], /--set expects key=value, got "hidden"/],
    [['train', ID, '--set', 'colour=red'], /--set: unknown setting "colour"; the settings are steps, numEnvs/],
    [['train', ID, '--set', 'learningRate=0'], /--set learningRate must be a finite number in \(0, 1\] \(Adam learning rate of every side that learningRateBySide does not name\), got "0"/],
    [['train', ID, '--set', 'steps=8', '--steps', '16'], /--steps and --set steps both set steps; give it once/],
    [['train', ID, '--population', '--set', 'train=user'], /option "population" = true is not allowed: population mode trains both sides/],
    [['train', ID, '--option', 'dim=0'], /--option: .*option "dim" = 0 is not allowed: must be an integer in \[1, 1024\]/],
    [['train', ID, '--exploitability', '0'], /--exploitability must be an integer in \[1, 1000000\], got "0"/],
    [['train', ID, '--config', '/no/such/file.json'], /--config \/no\/such\/file\.json: cannot read it \(no such file\)/],
    [['train', ID, '--resume', '/no/such/ckpt'], /--resume: \/no\/such\/ckpt: no such checkpoint folder/],
    [['train', ID, '--bogus'], /unknown flag --bogus; the flags of "train" are --steps, --seed, --backend/],
    [['eval'], /which checkpoints\?/],
    [['eval', '/no/such/ckpt'], /no such checkpoint folder/],
    [['eval', 'x', '--vs', 'all'], /--vs must be baselines or none, got "all"/],
    [['eval', 'x', '--episodes', '0'], /--episodes must be an integer in \[1, 100000\], got "0"/],
    [['eval', 'x', '--agent', 'robots'], /--agent expects SIDE=PATH/],
    [['eval', 'x', '--agent', 'users=./no-such-agent.ts'], /--agent users=\.\/no-such-agent\.ts: no such file/],
    [['info'], /which checkpoint\?/],
    [['info', 'a', 'b'], /expected one checkpoint folder, got 2/],
    [['info', '/no/such/ckpt'], /no such checkpoint folder/],
  ];
  it.each(bad)('exits 2 with one line for %j', async (argv, message) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.stderr).toHaveLength(1);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/^buddy-gym \w+: /);
  });
});

describe('buddy-gym eval', () => {
  it("prints the cross-play table of the checkpoint's policies and the baselines", async () => {
    const r = await cli('eval', ckpt, '--episodes', '3', '--backend', 'cpu');
    expect(r.code).toBe(0);
    const out = r.out;
    expect(out).toMatch(/^attention-market-v0: cross-play, 3 episodes x 2 copies per matchup \(seed 0\), 4 rounds each; backend cpu$/m);
    expect(out).toMatch(/^ {2}run\/step-16\s+policy\s+π_user of /m);
    expect(out).toMatch(/^ {2}oracle\*\s+baseline\s+CHEATING REFERENCE/m);
    expect(out).toContain('user regret per round (mean over users), mean ± 95% CI (lower is better)');
    expect(out).toContain('goal reward per goal per round (visibility net of cost), mean ± 95% CI (higher is better for the goal side)');
    expect(out).toContain('user welfare per round (sum of true relevance), mean ± 95% CI (higher is better)');
    expect(out).toMatch(/^user \\ goal\s+run\/step-16\s+honest\s+exaggerate\s+random$/m);
    for (const row of ['run/step-16', 'greedy', 'softmax', 'random', 'oracle\\*']) {
      expect(out).toMatch(new RegExp(`^${row}(\\s+-?\\d+\\.\\d{3} ± \\d+\\.\\d{3}){4}$`, 'm'));
    }
    expect(out).toMatch(/CHEATING REFERENCE, a yardstick/);
    expect(out).toMatch(/run\/step-16: none stored .*--exploitability N/);
    // Honest goals and oracle users: zero regret, as in play.
    expect(out).toMatch(/^oracle\*\s+\S+ ± \S+\s+0\.000 ± 0\.000/m);
  });

  it('prints everything as JSON with --json, every cell with its CIs', async () => {
    const r = await cli('eval', ckpt, '--episodes', '3', '--backend', 'cpu', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as EvalJson;
    expect(j).toMatchObject({ env: ID, episodes: 3, seed: 0, numEnvs: 2, rounds: 4, backend: 'cpu' });
    expect(j.sides).toEqual(['goal', 'user']);
    expect(j.players.user.map((p) => p.label)).toEqual(['run/step-16', 'greedy', 'softmax', 'random', 'oracle*']);
    expect(j.players.goal.map((p) => p.label)).toEqual(['run/step-16', 'honest', 'exaggerate', 'random']);
    expect(j.players.user.find((p) => p.label === 'oracle*')?.cheatingReference).toBe(true);
    expect(j.matchups).toHaveLength(20);
    for (const m of j.matchups) {
      for (const s of [m.reward.goal, m.reward.user, m.metrics.meanRegret, m.metrics.meanNormalizedRegret, m.metrics.welfare]) {
        expect(s.n).toBe(3);
        expect(typeof s.mean).toBe('number');
        expect(typeof s.ci95).toBe('number');
      }
    }
    expect(j.matchups.find((m) => m.players.user === 'oracle*' && m.players.goal === 'honest')?.metrics.meanRegret).toEqual({ mean: 0, ci95: 0, n: 3 });
    expect(j.exploitability).toEqual([{ checkpoint: ckpt, label: 'run/step-16', stored: null, lowerBound: null }]);
    // --vs none: the checkpoint alone; a run folder stands for its latest checkpoint.
    const alone = JSON.parse((await cli('eval', run, '--vs', 'none', '--episodes', '2', '--backend', 'cpu', '--json')).out) as EvalJson;
    expect(alone.matchups.map((m) => [m.players.user, m.players.goal])).toEqual([['run/step-16', 'run/step-16']]);
  });

  it('includes a custom agent module (--agent users=tests/fixtures/my-agent.ts) in the table', async () => {
    const r = await cli('eval', ckpt, '--agent', `users=${AGENT}`, '--episodes', '2', '--backend', 'cpu', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as EvalJson;
    const mine = j.players.user.at(-1)!;
    expect(mine).toMatchObject({ label: 'sticky-greedy', kind: 'agent', cheatingReference: false });
    expect(mine.source).toContain(AGENT);
    const cells = j.matchups.filter((m) => m.players.user === 'sticky-greedy');
    expect(cells.map((m) => m.players.goal)).toEqual(['run/step-16', 'honest', 'exaggerate', 'random']);
    for (const m of cells) expect(Number.isFinite(m.metrics.meanRegret.mean)).toBe(true);
    const text = await cli('eval', ckpt, '--agent', `users=${AGENT}`, '--episodes', '2', '--backend', 'cpu');
    expect(text.out).toMatch(/^sticky-greedy(\s+-?\d+\.\d{3} ± \d+\.\d{3}){4}$/m);
  });

  it('shows the exploitability estimate train stored, and computes lower bounds with --exploitability', async () => {
    const out = join(tmp, 'exploit-run');
    const t = await cli('train', ID, ...TINY, '--steps', '8', '--out', out, '--exploitability', '1', '--json');
    expect(t.code).toBe(0);
    const tj = JSON.parse(t.out) as TrainSummaryJson;
    expect(tj.exploitability?.trained.label).toMatch(/lower bound/);
    expect(tj.exploitability?.initial.iterations).toBe(1);
    const e = await cli('eval', tj.checkpoint, '--vs', 'none', '--episodes', '2', '--backend', 'cpu', '--exploitability', '1', '--json');
    expect(e.code).toBe(0);
    const x = (JSON.parse(e.out) as EvalJson).exploitability[0];
    expect(x.stored).toMatchObject({ exploitabilityUserGain: tj.exploitability!.trained.sides.user.gain, exploitabilityIterations: 1 });
    expect(x.lowerBound?.label).toBe('exploitability lower bound (trained best response, fixed budget)');
    const text = await cli('eval', tj.checkpoint, '--vs', 'none', '--episodes', '2', '--backend', 'cpu');
    expect(text.out).toMatch(/stored by train, LOWER BOUND \(1 best-response iterations per side\): goal -?\d.*, user -?\d/);
  });

  it('refuses a damaged checkpoint with exit 2 and what is wrong', async () => {
    const damaged = join(tmp, 'damaged');
    cpSync(ckpt, damaged, { recursive: true });
    const file = join(damaged, 'policies', 'user', 'weights.bin');
    const bytes = readFileSync(file);
    bytes[7] ^= 0xff;
    writeFileSync(file, bytes);
    for (const argv of [['eval', damaged, '--backend', 'cpu'], ['info', damaged]]) {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/corrupt|sha256/i);
      expect(r.err).toContain('weights.bin');
    }
  });
});

describe('buddy-gym play --agent', () => {
  it('plays every user with the module, one instance per user', async () => {
    const r = await cli('play', ID, '--agent', `users=${AGENT}`, '--goals', 'exaggerate', '--episodes', '2', ...OPTIONS, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { groups: { user: { type: string; count: number }[] }; metrics: { meanRegret: { mean: number } } };
    expect(j.groups.user).toEqual([expect.objectContaining({ type: 'sticky-greedy', count: 2 })]);
    expect(Number.isFinite(j.metrics.meanRegret.mean)).toBe(true);
    const both = await cli('play', ID, '--agent', `users=${AGENT}`, '--users', 'greedy');
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/give --users or --agent users=PATH, not both/);
  });
});

describe('agent modules', () => {
  it('parses --agent and refuses modules without an agent export', async () => {
    expect(parseAgentFlag('user=./a.ts')).toEqual({ side: 'user', path: './a.ts' });
    expect(parseAgentFlag('goals=x.mjs')).toEqual({ side: 'goals', path: 'x.mjs' });
    expect(() => parseAgentFlag('goals=')).toThrow(/--agent expects SIDE=PATH/);
    const none = join(tmp, 'no-agent.mjs');
    writeFileSync(none, 'export const x = 1;\n');
    await expect(loadAgentModule('users', none)).rejects.toThrow(/neither a default export nor an export named "agent" \(read before running it, so none of it ran\)/);
    // The README's first draft: a script with top-level code and no export. Refused before any of it runs.
    const script = join(tmp, 'script.mjs');
    writeFileSync(script, 'globalThis.__scriptRan = true;\nclass Mine { act() { return []; } }\n');
    await expect(loadAgentModule('users', script)).rejects.toThrow(/neither a default export/);
    expect((globalThis as { __scriptRan?: boolean }).__scriptRan).toBeUndefined();
    const star = join(tmp, 'star.mjs');
    writeFileSync(star, `export * from ${JSON.stringify(pathToFileURL(none).href)};\n`);
    await expect(loadAgentModule('users', star)).rejects.toThrow(/neither a default export nor an export named "agent" \(it exports x\)/);
    const num = join(tmp, 'number.mjs');
    writeFileSync(num, 'export default 42;\n');
    await expect(loadAgentModule('users', num)).rejects.toThrow(/the default export of .* is a number; export an Agent/);
    const fn = join(tmp, 'first-n.mjs');
    writeFileSync(fn, 'export const agent = (obs) => Int32Array.from({ length: obs.lastFeedback.length }, (_, i) => i);\n');
    const m = await loadAgentModule('users', fn);
    expect(m).toMatchObject({ kind: 'function', exportName: 'agent', perAgent: false, batched: false });
    const txt = join(tmp, 'agent.txt');
    writeFileSync(txt, '');
    await expect(loadAgentModule('users', txt)).rejects.toThrow(/cannot load a "\.txt" file/);
  });

  it('the act adapter plays exactly like the batched form, and resets each agent every episode', async () => {
    await selectBackend('cpu');
    const o = { envId: ID, envOptions: ENV_OPTIONS, episodes: 3, numEnvs: 2, rounds: 4, seed: 11 };
    const actOnly = <T extends Agent>(a: T): Agent => ({ name: a.name, act: (obs, ctx) => a.act(obs, ctx) });
    const batched = evaluateMatchup(new AgentActor(new HonestGoal()), new AgentActor(new GreedyUser()), o);
    const adapted = evaluateMatchup(new AgentActorFromAct('honest', () => actOnly(new HonestGoal()), 4), new AgentActorFromAct('greedy', () => actOnly(new GreedyUser()), 4), o);
    expect(adapted.regret).toEqual(batched.regret);
    expect(adapted.goalUtility).toEqual(batched.goalUtility);
    expect(adapted.welfare).toEqual(batched.welfare);

    const made: { resets: number; acts: number; ids: Set<string> }[] = [];
    class Counting implements Agent<UserObservation, Int32Array> {
      readonly name = 'counting';
      readonly s = { resets: 0, acts: 0, ids: new Set<string>() };
      constructor() {
        made.push(this.s);
      }
      reset(): void {
        this.s.resets++;
      }
      act(obs: UserObservation, ctx: AgentContext): Int32Array {
        this.s.acts++;
        this.s.ids.add(ctx.agent);
        expect(ctx.env.observationSpace(ctx.agent).contains(obs)).toBe(true);
        return Int32Array.from({ length: obs.lastFeedback.length }, (_, i) => i);
      }
    }
    evaluateMatchup(new AgentActor(new HonestGoal()), new AgentActorFromAct('counting', () => new Counting(), 4), o);
    expect(made).toHaveLength(2 * 2); // copies x users
    for (const s of made) expect(s).toMatchObject({ resets: 3, acts: 3 * 4 });
    expect(made.map((s) => [...s.ids][0]).sort()).toEqual(['user_0', 'user_0', 'user_1', 'user_1']);
  });
});

describe('buddy-gym info', () => {
  it('prints the manifest summary', async () => {
    const r = await cli('info', ckpt);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`checkpoint: ${ckpt}`);
    expect(r.out).toMatch(/^format: buddy-gym-checkpoint v2, written \S+; \d+ files, [\d,]+ bytes, every sha256 verified \(the manifest's own included\), fields checked against the env$/m);
    expect(r.out).toMatch(/^env: attention-market-v0$/m);
    expect(r.out).toMatch(/^options: rounds=4, users=2, goals=3, dim=4, slots=2, /m);
    expect(r.out).toMatch(/^goal\s+[\d,]+\s+[\d,]+\s+residual-goal, obs \d+, hidden 8x8\s+gaussian/m);
    expect(r.out).toMatch(/^user\s+[\d,]+\s+[\d,]+\s+pool-scorer, obs \d+, hidden 8x8\s+plackett-luce \(n 6, k 2\)/m);
    expect(r.out).toMatch(/^optimizers: goal Adam \(learning rate 0\.001\), user Adam/m);
    expect(r.out).toMatch(/^trainer: step 16 of 16, iteration 2, 2 episodes$/m);
    expect(r.out).toMatch(/^ {2}not default: centralCritic=true, gamma=0, minibatchSize=8, learningRate=0.001, steps=16, numEnvs=2, hidden=8, epochs=1$/m);
    expect(r.out).toMatch(/^population: none$/m);
    expect(r.out).toMatch(/^ {2}meanRegret\s+\d+\.\d{4}$/m);
  });

  it('prints JSON with --json', async () => {
    const r = await cli('info', ckpt, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as InfoJson;
    expect(j).toMatchObject({ path: ckpt, env: ID, format: { name: 'buddy-gym-checkpoint', version: 2 }, files: { verified: true } });
    // The checkpoint records the options as train parsed them (every option, defaults filled in).
    expect(j.envOptions.given).toMatchObject(ENV_OPTIONS);
    expect(j.envOptions.given).toEqual(j.envOptions.full);
    expect(j.envOptions.full).toMatchObject({ ...ENV_OPTIONS, creationsPerGoal: 2 });
    expect(j.policies.map((p) => p.name).sort()).toEqual(['goal', 'user']);
    for (const p of j.policies) expect(p.parameters).toBeGreaterThan(0);
    expect(j.trainer).toMatchObject({ step: 16, iteration: 2, population: null, settings: { hidden: 8, numEnvs: 2 } });
    expect(typeof j.trainer?.summary.meanRegret).toBe('number');
  });
});

describe('--help', () => {
  it.each([trainSpec, evalSpec, infoSpec])('documents every flag of $name', async (spec) => {
    const r = await cli(spec.name, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`buddy-gym ${spec.name}: ${spec.summary}`);
    for (const f of spec.flags) expect(r.out).toMatch(new RegExp(`--${f.name}\\b.*\\S`));
    expect((await cli('help', spec.name)).out).toBe(r.out);
  });

  it('train documents every setting for --set and --config, eval every baseline', async () => {
    const train = (await cli('train', '--help')).out;
    for (const name of ['steps', 'numEnvs', 'learningRate', 'populationSize', 'metaSolver', 'keepLast']) {
      expect(train).toMatch(new RegExp(`^ {2}${name}\\s+(an integer|a finite number|one of|true or false)`, 'm'));
    }
    for (const name of ['train', 'opponents', 'entropyCoef']) expect(train).toMatch(new RegExp(`^ {2}${name}\\s+.*side`, 'm'));
    for (const flag of ['--steps', '--seed', '--backend', '--out', '--resume', '--config', '--schedule', '--population', '--num-envs', '--learner', '--option', '--set', '--quiet', '--exploitability', '--eval-episodes', '--json']) {
      expect(train).toContain(flag);
    }
    const ev = (await cli('eval', '--help')).out;
    for (const name of ['greedy', 'softmax', 'random', 'oracle\\*', 'honest', 'exaggerate']) expect(ev).toMatch(new RegExp(`^ {4}${name}\\s+\\S`, 'm'));
    const program = (await cli('--help')).out;
    for (const name of ['train', 'eval', 'info']) expect(program).toMatch(new RegExp(`^ {2}${name}\\s+\\S`, 'm'));
  });
});

describe('the real bin/buddy-gym.js', () => {
  beforeAll(() => {
    const build = inject('distBuild');
    if (build.error) throw new Error(build.error);
  });

  it('loads a TypeScript agent module in plain Node (through tsx) for eval', () => {
    const r = spawnSync(process.execPath, ['bin/buddy-gym.js', 'eval', ckpt, '--vs', 'none', '--agent', `users=${AGENT}`, '--episodes', '2', '--backend', 'cpu', '--json'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, VITEST: '', VITEST_WORKER_ID: '', NODE_OPTIONS: '' },
    });
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as EvalJson;
    expect(j.players.user.map((p) => p.label)).toEqual(['run/step-16', 'sticky-greedy']);
  });
});
