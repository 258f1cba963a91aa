/**
 * The README must stay true: its first code block holds exactly the two fresh-machine
 * commands, its tables are what the registry generates, and its TypeScript examples
 * (marked `<!-- readme-test: NAME -->`) type-check under strict settings and run, importing
 * the built package by name as a user's own file would.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registeredIds } from '../envs/registry.js';
import { envInfo, envTableMarkdown, optionsTableMarkdown } from '../cli/env-info.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** Fenced code blocks in order: their info string and body. */
function codeBlocks(md: string): { lang: string; body: string; index: number }[] {
  const out: { lang: string; body: string; index: number }[] = [];
  const re = /^```(\S*)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(md); m; m = re.exec(md)) out.push({ lang: m[1], body: m[2], index: m.index });
  return out;
}

/** The ```ts block right after `<!-- readme-test: name -->`. */
function example(name: string): string {
  const m = new RegExp(`<!-- readme-test: ${name} -->\\n\`\`\`ts\\n([\\s\\S]*?)^\`\`\`$`, 'm').exec(readme);
  if (!m) throw new Error(`README.md has no \`\`\`ts block marked <!-- readme-test: ${name} -->`);
  return m[1];
}

describe('README.md', () => {
  it('opens with exactly the two fresh-machine commands in its first code block', () => {
    const first = codeBlocks(readme)[0];
    const lines = first.body.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toEqual([
      'npm ci && npx buddy-gym train attention-market-v0',
      'npm ci && npm test',
    ]);
    // ... and it is on the first screen: within the first 30 lines.
    expect(readme.slice(0, first.index).split('\n').length).toBeLessThan(30);
  });

  it('says what is not there yet, and where the benchmarks are', () => {
    expect(readme).toMatch(/Not there yet/);
    for (const word of ['training', 'checkpoints', 'eval', 'dashboard', 'other games']) expect(readme).toContain(word);
    expect(readme).toMatch(/\[BENCHMARKS\.md\]\(BENCHMARKS\.md\)/);
  });

  it('has the env table and the options table that the registry generates', () => {
    for (const line of envTableMarkdown(registeredIds().map(envInfo))) expect(readme).toContain(line);
    for (const line of optionsTableMarkdown('attention-market-v0')) expect(readme).toContain(line);
  });

  it(".ci/run installs, runs the README's test command and checks every env", () => {
    const ci = readFileSync(join(root, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/^set -euo pipefail$/m);
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
    expect(ci).toMatch(/^npx buddy-gym check --all$/m);
  });
});

describe("README.md's TypeScript examples", () => {
  const dir = join(root, '.tmp');
  const files: Record<string, string> = {};

  beforeAll(() => {
    const build = inject('distBuild');
    if (build.error) throw new Error(build.error);
    mkdirSync(dir, { recursive: true });
    for (const name of ['api', 'custom-agent']) {
      files[name] = join(dir, `readme-${name}-${process.pid}.ts`);
      writeFileSync(files[name], example(name));
    }
  });
  afterAll(() => {
    for (const f of Object.values(files)) rmSync(f, { force: true });
  });

  const run = (name: string) => execFileSync(process.execPath, ['--import', 'tsx', files[name]], { cwd: root, encoding: 'utf8', timeout: 120_000 });

  it('type-check under strict settings against the built package', () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', '--skipLibCheck'];
    try {
      execFileSync(process.execPath, [tsc, ...args, ...Object.values(files)], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    } catch (e) {
      throw new Error(`the README examples do not type-check:\n${(e as { stdout?: string }).stdout ?? String(e)}`);
    }
  });

  it('the API example runs', () => {
    const out = run('api');
    expect(out).toMatch(/^one episode, total regret per user: \d+\.\d{3}$/m);
    expect(out).toMatch(/^copy 0, last round: meanRegret \d+\.\d{3}, meanNormalizedRegret .*estimateError \d+\.\d{3}$/m);
  });

  it('the custom agent runs against the baselines and prints what the README shows', () => {
    const out = run('custom-agent');
    // "  name   mean ± ci   vs greedy, paired: Δ ± ci" (the paired part for every user but greedy)
    const rows = (text: string) => {
      const found = new Map<string, { mean: number; ci: number; delta?: number; deltaCi?: number }>();
      for (const m of text.matchAll(/^ {2}(\S.*?)\s+(-?\d+\.\d{3}) ± (\d+\.\d{3})(?:\s+vs greedy, paired:\s+(-?\d+\.\d{3}) ± (\d+\.\d{3}))?$/gm)) {
        found.set(m[1], { mean: Number(m[2]), ci: Number(m[3]), ...(m[4] ? { delta: Number(m[4]), deltaCi: Number(m[5]) } : {}) });
      }
      return found;
    };
    const got = rows(out);
    expect([...got.keys()]).toEqual(['click-memory (mine)', 'greedy', 'random', 'oracle (cheats)']);
    // The README's claims, on the paired differences: the custom user beats greedy beyond the CI,
    // random loses to it, the oracle beats it.
    const mine = got.get('click-memory (mine)')!;
    expect(mine.delta! + mine.deltaCi!).toBeLessThan(0);
    expect(got.get('random')!.delta! - got.get('random')!.deltaCi!).toBeGreaterThan(0);
    expect(got.get('oracle (cheats)')!.delta! + got.get('oracle (cheats)')!.deltaCi!).toBeLessThan(0);
    // The printed output in the README is what it prints (to 0.005: the worlds are seeded).
    const shown = codeBlocks(readme).find((b) => b.lang === 'text' && b.body.includes('click-memory (mine)'));
    expect(shown, 'README shows the output of the custom-agent example').toBeDefined();
    expect(shown!.body.split('\n')[0]).toBe(out.split('\n')[0]);
    for (const [name, v] of rows(shown!.body)) {
      expect(Math.abs(got.get(name)!.mean - v.mean), name).toBeLessThan(0.005);
      if (v.delta !== undefined) expect(Math.abs(got.get(name)!.delta! - v.delta), name).toBeLessThan(0.005);
    }
  }, 150_000);

  it('the custom agent is also an --agent module: play runs its class and none of its script part', () => {
    const out = execFileSync(
      process.execPath,
      ['bin/buddy-gym.js', 'play', 'attention-market-v0', '--goals', 'exaggerate', '--agent', `users=${files['custom-agent']}`, '--episodes', '2', '--json'],
      { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, VITEST: '', VITEST_WORKER_ID: '', NODE_OPTIONS: '' } },
    );
    const j = JSON.parse(out) as { groups: { user: { type: string }[] } }; // the script part would have printed its table first
    expect(j.groups.user.map((u) => u.type)).toEqual(['click-memory']);
  });
});
