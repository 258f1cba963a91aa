/**
 * What the CLI prints for people fits a terminal and speaks the games' words: lines fitted to
 * the terminal's width (JSON never), and no internal per-step fields or camelCase names in
 * the summaries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wrapLine } from '../cli/format.js';
import { captureIO, type CliIO } from '../cli/io.js';
import { runCli } from '../cli/program.js';

const tmp = mkdtempSync(join(tmpdir(), 'bg-cli-fit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TINY = ['--backend', 'cpu', '--quiet', '--set', 'numEnvs=2', '--set', 'hidden=8', '--set', 'epochs=1', '--set', 'minibatchSize=8', '--eval-episodes', '1'];

async function cli(columns: number | undefined, ...argv: string[]) {
  const io = captureIO();
  const code = await runCli(argv, columns === undefined ? io : ({ ...io, columns } satisfies CliIO));
  return { code, lines: io.stdout, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

/** The words of a text, whatever its line breaks. */
const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('wrapLine', () => {
  it('breaks at spaces under the cell the break falls in, and never inside a word', () => {
    const row = "  greedy      baseline  top N of the pool by q·e, the env's estimate q of its preference";
    expect(wrapLine(row, 60)).toEqual(["  greedy      baseline  top N of the pool by q·e, the env's", '                        estimate q of its preference']);
    const path = `  checkpoint: /${'x'.repeat(90)}/step-000000000016`;
    expect(wrapLine(path, 60)).toEqual(['  checkpoint:', `    /${'x'.repeat(90)}/step-000000000016`]);
    expect(wrapLine('short', 60)).toEqual(['short']);
  });
});

describe('output fits the terminal', () => {
  it.each([
    [['train', '--help']],
    [['eval', '--help']],
    [['play', '--help']],
    [['list', 'attention-market-v0']],
    [['play', 'consensus-game-v0', '--episodes', '2']],
    [['play', 'attention-market-v0', '--users', 'greedy:2,oracle:2', '--episodes', '2']],
  ])('%j: every line within 80 columns, every word kept', async (argv) => {
    const whole = await cli(undefined, ...argv);
    expect(whole.lines.some((l) => l.length > 80)).toBe(true); // there was something to fit
    const fitted = await cli(80, ...argv);
    expect(fitted.code).toBe(0);
    for (const l of fitted.lines) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(words(fitted.out)).toEqual(words(whole.out));
  });

  it("a train summary fits, and JSON is never broken", async () => {
    const r = await cli(80, 'train', 'attention-market-v0', ...TINY, '--option', 'rounds=4', '--steps', '8', '--out', join(tmp, 'run'));
    expect(r.code, r.err).toBe(0);
    for (const l of r.lines) if (!/\/\S{70,}/.test(l)) expect(l.length, l).toBeLessThanOrEqual(80);
    const j = await cli(80, 'list', '--json');
    expect(() => JSON.parse(j.out)).not.toThrow();
  });
});

describe('summaries speak the games\' words', () => {
  it("persuasion's last iteration leaves out per-step records; trade's rows have no camelCase names", async () => {
    const persuasion = await cli(undefined, 'train', 'emergent-alignment-v0', ...TINY, '--option', 'rounds=4', '--steps', '8', '--out', join(tmp, 'persuasion'));
    expect(persuasion.code, persuasion.err).toBe(0);
    const table = persuasion.out.slice(persuasion.out.indexOf('last training iteration'), persuasion.out.indexOf('last update'));
    expect(table).toMatch(/user's gap V\* - utility/);
    expect(table).toMatch(/provider reward per agent per round/);
    expect(table).not.toMatch(/^ {2}(userType|state|action|consulted|evaluating)\s/m);
    const trade = await cli(undefined, 'play', 'trade-market-v0', '--episodes', '1', '--num-envs', '2');
    expect(trade.code).toBe(0);
    expect(trade.out).toMatch(/excess demand/);
    for (const l of trade.lines.slice(2)) expect(l, l).not.toMatch(/^ {2}\S*[a-z][A-Z]/);
  });
});
