/**
 * The training dashboard and the HTML report in a real headless Chromium (Debian's
 * /usr/bin/chromium, driven by playwright-core): `train --dashboard` serves a live page whose
 * charts grow from the /events stream, and `report` writes a self-contained file that renders
 * with the network cut off. Page contract: every chart is `<div class="chart" data-chart="<id>"
 * data-points="<n>">`, and `document.body.dataset.ready === "1"` after the first render.
 *
 * Without /usr/bin/chromium the suite fails when CI is set, and is skipped (saying why) otherwise.
 * UPDATE_SCREENSHOT=1 also copies the live page's screenshot to docs/dashboard.png.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = Boolean(process.env.CI);
const OUT_DIR = join(root, '.tmp', 'dashboard-browser');
const CHART_IDS = ['regret', 'visibility', 'losses', 'kl-entropy', 'exploitability'];

/** Tiny settings: 2 copies x 4 rounds = 8 env steps per iteration; 2000 steps run for about 15-20 s. */
const STEPS = 2000;
const TRAIN_ARGS = [
  'train', 'attention-market-v0', '--dashboard', '--backend', 'cpu', '--quiet', '--steps', String(STEPS),
  // engine tfjs: the fused engine runs these tiny iterations in a few ms each, and the run could
  // end before the page has drawn its first points; with tfjs it lasts long enough to watch
  '--set', 'numEnvs=2', '--set', 'hidden=8', '--set', 'epochs=1', '--set', 'minibatchSize=8', '--set', 'engine=tfjs',
  '--option', 'rounds=4', '--option', 'users=2', '--option', 'goals=3', '--option', 'dim=4', '--option', 'slots=2',
  '--eval-episodes', '2',
];

if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(`dashboard-browser.test.ts: skipped, ${CHROMIUM} is missing (apt-get install chromium); with CI set it fails instead`);
}

const cli = (args: string[]) => [...['--import', 'tsx', join(root, 'cli', 'main.ts')], ...args];

let tmp: string;
let runDir: string;
let browser: Browser | undefined;
let child: ChildProcess | undefined;
let childOut = '';
let childErr = '';
let dashboardUrl: string;

const childExited = () => !child || child.exitCode !== null || child.signalCode !== null;

async function stopChild(): Promise<void> {
  if (!child || childExited()) return;
  const c = child;
  const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
  c.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (!childExited()) c.kill('SIGKILL');
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

/** Collects console errors and uncaught page errors. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

const pointsOf = async (page: Page, id: string) => Number(await page.getAttribute(`.chart[data-chart="${id}"]`, 'data-points'));

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)('dashboard and report in headless Chromium', () => {
  beforeAll(async () => {
    if (!HAVE_CHROMIUM) {
      throw new Error(`${CHROMIUM} is missing: the dashboard browser tests need Debian's chromium (apt-get install chromium; .ci/run installs it)`);
    }
    mkdirSync(OUT_DIR, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'bg-dashboard-'));
    runDir = join(tmp, 'run');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    child = spawn(process.execPath, cli([...TRAIN_ARGS, '--out', runDir]), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (childOut += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (childErr += d));
    const c = child;
    dashboardUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`train --dashboard printed no "dashboard: http://127.0.0.1:PORT/" line in 30 s; stderr:\n${childErr}`)), 30_000);
      const check = () => {
        const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(childErr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      c.stderr!.on('data', check);
      check();
      c.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`train --dashboard exited (${code ?? signal}) before printing the dashboard URL; stderr:\n${childErr}\nstdout:\n${childOut}`));
      });
    });
  }, 60_000);

  afterAll(async () => {
    await stopChild();
    await browser?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('serves a live page whose charts grow from the /events stream, without console errors', async () => {
    const context: BrowserContext = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(dashboardUrl);
      await page.waitForFunction('document.body.dataset.ready === "1"', null, { timeout: 30_000 });

      const ids = await page.locator('.chart[data-chart]').evaluateAll((els) => els.map((e) => e.getAttribute('data-chart')));
      expect(ids.sort()).toEqual([...CHART_IDS].sort());
      const before = { regret: await pointsOf(page, 'regret'), losses: await pointsOf(page, 'losses') };
      expect(Number.isInteger(before.regret) && Number.isInteger(before.losses), JSON.stringify(before)).toBe(true);

      // New points arrive while training runs: both counts grow.
      const grew = (id: string, n: number) =>
        `Number(document.querySelector('.chart[data-chart="${id}"]').getAttribute('data-points')) > ${n}`;
      await page.waitForFunction(`(${grew('regret', before.regret)}) && (${grew('losses', before.losses)})`, null, { timeout: 20_000 }).catch(async () => {
        const now = { regret: await pointsOf(page, 'regret'), losses: await pointsOf(page, 'losses') };
        throw new Error(`chart points did not grow from the live stream in 20 s: before ${JSON.stringify(before)}, now ${JSON.stringify(now)}; train stderr:\n${childErr}`);
      });
      const after = { regret: await pointsOf(page, 'regret'), losses: await pointsOf(page, 'losses') };
      expect(after.regret).toBeGreaterThan(before.regret);
      expect(after.losses).toBeGreaterThan(before.losses);

      await page.waitForTimeout(1_500); // a few more points for the screenshot
      const shot = join(OUT_DIR, 'dashboard.png');
      await page.screenshot({ path: shot, fullPage: true });
      if (process.env.UPDATE_SCREENSHOT) {
        mkdirSync(join(root, 'docs'), { recursive: true });
        copyFileSync(shot, join(root, 'docs', 'dashboard.png'));
      }
      expect(errors).toEqual([]);
    } finally {
      await context.close(); // before the server goes away, so its loss is not an error here
    }
  }, 120_000);

  it('writes a self-contained HTML report that renders offline, without console errors', async () => {
    // Let the run finish (its metrics end with a "done" event), then stop the dashboard.
    const metrics = join(runDir, 'metrics.jsonl');
    const deadline = Date.now() + 90_000;
    while (!childExited() && !(existsSync(metrics) && readFileSync(metrics, 'utf8').includes('"kind":"done"'))) {
      if (Date.now() > deadline) throw new Error(`the training run did not finish in 90 s; stderr:\n${childErr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    await stopChild();

    const html = join(tmp, 'report.html');
    const r = spawnSync(process.execPath, cli(['report', runDir, '--out', html]), { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, `report failed:\n${r.stderr}\n${r.stdout}`).toBe(0);
    expect(existsSync(html)).toBe(true);

    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const blocked: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
        blocked.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(pathToFileURL(html).href);
      await page.waitForFunction('document.body.dataset.ready === "1"', null, { timeout: 30_000 });
      expect(await pointsOf(page, 'regret')).toBeGreaterThan(0);
      expect(await pointsOf(page, 'losses')).toBeGreaterThan(0);
      await page.screenshot({ path: join(OUT_DIR, 'report.png'), fullPage: true });
      expect(blocked, 'the report fetched from the network').toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
