import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHART_IDS, FIGURE_IDS } from '../training/dashboard/charts.js';
import { renderPage, uplotAssets } from '../training/dashboard/page.js';
import { writeReport } from '../training/dashboard/report.js';
import { startDashboard, type Dashboard } from '../training/dashboard/server.js';
import { dashboardCommand } from '../cli/dashboard.js';
import { captureIO } from '../cli/io.js';
import { runCli } from '../cli/program.js';
import type { TrainEvent } from '../training/metrics/events.js';

const EVENTS: TrainEvent[] = [
  { kind: 'backend', time: 1, step: 0, iteration: 0, backend: 'wasm', detail: 'WebAssembly with SIMD' },
  { kind: 'episode', time: 2, step: 64, iteration: 1, metrics: { meanRegret: 0.5, welfare: 3, goalReward: 0.2, meanGenerationCost: 0.1, honesty: 0.3 } },
  { kind: 'update', time: 3, step: 64, iteration: 1, policy: 'user', policyLoss: 0.1, valueLoss: 0.2, entropy: 1.3, approxKl: 0.01, clipFraction: 0, gradNorm: 1, explainedVariance: 0.1 },
  { kind: 'episode', time: 4, step: 128, iteration: 2, metrics: { meanRegret: 0.4, welfare: 3.2, goalReward: 0.25, meanGenerationCost: 0.1, honesty: 0.2 } },
  { kind: 'evaluation', time: 5, step: 128, iteration: 2, label: 'exploitability (lower bound)', metrics: { nashConv: 0.3 } },
  { kind: 'done', time: 6, step: 128, iteration: 2, summary: { meanRegret: 0.4 } },
];

let tmp: string;
let runDir: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'buddy-dash-'));
  runDir = join(tmp, 'run-a');
  mkdirSync(runDir);
  writeFileSync(join(runDir, 'metrics.jsonl'), EVENTS.map((e) => JSON.stringify(e)).join('\n') + '\n');
  writeFileSync(join(runDir, 'run.json'), JSON.stringify({ env: 'attention-market-v0', envOptions: { goals: 4 }, settings: { steps: 128, seed: 3 }, backend: { name: 'wasm', detail: 'x' } }));
  writeFileSync(
    join(runDir, 'summary.json'),
    JSON.stringify({ evaluation: [{ label: 'trained users vs exaggerate goals', metric: 'regret', stat: { mean: 0.25, ci95: 0.01, n: 8 } }], exploitability: null }),
  );
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A raw HTTP request: the path is sent as written (no URL normalisation of "..", as fetch would do). */
function raw(url: string, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** Reads an SSE stream until `until(text)` holds, then aborts it. */
function readSse(url: string, until: (text: string) => boolean, timeoutMs = 5000): Promise<{ status: number; type: string; text: string }> {
  const u = new URL(url);
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`SSE timeout; got: ${text}`)), timeoutMs);
    let text = '';
    const req = request({ host: u.hostname, port: u.port, path: '/events' }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
        if (until(text)) {
          clearTimeout(timer);
          ok({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text });
          req.destroy();
        }
      });
    });
    req.on('error', () => undefined);
    req.end();
  });
}

const dataLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l !== 'data: {}')
    .map((l) => JSON.parse(l.slice(6)) as { run: string; event: TrainEvent });

describe('page', () => {
  const html = renderPage({ mode: 'static', title: 't <x>', runs: [{ name: 'a', info: { env: 'attention-market-v0', backend: 'wasm' }, events: EVENTS }] });

  it('is self-contained: no remote script or stylesheet, uPlot inlined', () => {
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
    expect(html).toContain(uplotAssets().js.slice(0, 200));
    expect(html).toContain('uPlot');
    expect(html).toContain('<title>t &lt;x&gt;</title>');
  });

  it('has every chart container of the contract and the embedded data', () => {
    for (const id of CHART_IDS) expect(html).toContain(`<div class="chart" data-chart="${id}" data-points="0">`);
    expect(CHART_IDS).toEqual(['regret', 'visibility', 'losses', 'kl-entropy', 'exploitability']);
    const m = /<script type="application\/json" id="buddy-data">([\s\S]*?)<\/script>/.exec(html);
    expect(m).not.toBeNull();
    const data = JSON.parse(m![1]) as { runs: { name: string; events: TrainEvent[] }[] };
    expect(data.runs[0].events).toHaveLength(EVENTS.length);
    expect(html).toContain('document.body.dataset.ready');
    expect(html).toContain("new EventSource('/events')");
  });

  it('escapes data that could close the script element', () => {
    const evil = renderPage({ mode: 'static', title: 'x', runs: [{ name: '</script><script>alert(1)</script>', info: {}, events: [] }] });
    expect(evil).not.toContain('</script><script>alert(1)');
  });
});

describe('server', () => {
  let dash: Dashboard;
  beforeAll(async () => {
    dash = await startDashboard({ runs: [{ name: 'run-a', dir: runDir }], pollMs: 50 });
  });
  afterAll(() => dash.close());

  it('binds 127.0.0.1 by default, on a free port', () => {
    const a = dash.server.address() as AddressInfo;
    expect(a.address).toBe('127.0.0.1');
    expect(a.port).toBeGreaterThan(0);
    expect(dash.url).toBe(`http://127.0.0.1:${a.port}/`);
  });

  it('GET / is the live page with the run config', async () => {
    const r = await raw(dash.url, '/');
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toMatch(/text\/html/);
    expect(r.body).toContain('data-chart="regret"');
    expect(r.body).toContain('attention-market-v0');
    expect(r.body).toContain('trained users vs exaggerate goals');
  });

  it('GET /events streams the past events of a finished run, then new lines of its file', async () => {
    const first = await readSse(dash.url, (t) => dataLines(t).length >= EVENTS.length);
    expect(first.status).toBe(200);
    expect(first.type).toMatch(/text\/event-stream/);
    expect(first.text.startsWith('retry: 2000\n\nevent: reset\n')).toBe(true);
    const got = dataLines(first.text);
    expect(got.map((d) => d.run)).toEqual(EVENTS.map(() => 'run-a'));
    expect(got.map((d) => d.event)).toEqual(EVENTS);

    // a line appended later (a run written by another process) is pushed too
    const extra: TrainEvent = { kind: 'episode', time: 9, step: 192, iteration: 3, metrics: { meanRegret: 0.3 } };
    const p = readSse(dash.url, (t) => dataLines(t).some((d) => d.event.step === 192));
    setTimeout(() => appendFileSync(join(runDir, 'metrics.jsonl'), JSON.stringify(extra) + '\n'), 150);
    const second = await p;
    expect(dataLines(second.text).at(-1)!.event).toEqual(extra);
  });

  it('serves its own assets only: no path traversal', async () => {
    expect((await raw(dash.url, '/assets/favicon.svg')).status).toBe(200);
    const secret = readFileSync('package.json', 'utf8');
    for (const path of [
      '/assets/../package.json',
      '/assets/%2e%2e/package.json',
      '/assets/%2e%2e%2fpackage.json',
      '/assets/%2E%2E%2Fpackage.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets//etc/passwd',
      '/assets/%2fetc%2fpasswd',
      '/assets/..%5c..%5cpackage.json',
      '/assets/..\\..\\package.json',
      '/assets/favicon.svg%00.js',
      '/assets/',
      '/assets/.',
      '/../package.json',
      '/package.json',
      '/etc/passwd',
    ]) {
      const r = await raw(dash.url, path);
      expect([400, 404], path).toContain(r.status);
      expect(r.body).not.toContain('"name": "buddy-gym"');
      expect(r.body).not.toContain(secret.slice(0, 40));
      expect(r.body).not.toContain('root:');
    }
  });

  it('answers GET and HEAD only', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const r = await raw(dash.url, '/', method);
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    }
    const head = await raw(dash.url, '/', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('rejects a foreign Host header when bound to loopback (DNS rebinding)', async () => {
    expect((await raw(dash.url, '/', 'GET', { host: 'evil.example:80' })).status).toBe(403);
    expect((await raw(dash.url, '/', 'GET', { host: `localhost:${dash.port}` })).status).toBe(200);
  });

  it('caps the event streams: past maxStreams a request gets 503 with Retry-After, and a closed stream frees its place', async () => {
    const d = await startDashboard({ runs: [{ name: 'run-a', dir: runDir }], pollMs: 50, maxStreams: 2 });
    const u = new URL(d.url);
    const open = () =>
      new Promise<{ status: number; retry: unknown; close(): void }>((ok) => {
        const req = request({ host: u.hostname, port: u.port, path: '/events' }, (res) => {
          res.resume();
          ok({ status: res.statusCode ?? 0, retry: res.headers['retry-after'], close: () => req.destroy() });
        });
        req.on('error', () => undefined);
        req.end();
      });
    try {
      const a = await open();
      const b = await open();
      const c = await open();
      expect([a.status, b.status, c.status]).toEqual([200, 200, 503]);
      expect(c.retry).toBe('5');
      a.close();
      await new Promise((r) => setTimeout(r, 100));
      const again = await open();
      expect(again.status).toBe(200);
      b.close();
      again.close();
    } finally {
      await d.close();
    }
  });

  it("streams a run's file in chunks: thousands of events, multi-byte characters across chunk boundaries, in order", async () => {
    const big = join(tmp, 'big-run');
    mkdirSync(big);
    const many: TrainEvent[] = Array.from({ length: 3000 }, (_, i) => ({ kind: 'evaluation', time: i, step: i, iteration: i, label: `θ±π ${'é'.repeat(i % 7)}`, metrics: { nashConv: i / 3 } }));
    writeFileSync(join(big, 'metrics.jsonl'), many.map((e) => JSON.stringify(e)).join('\n') + '\n');
    expect(readFileSync(join(big, 'metrics.jsonl')).length).toBeGreaterThan(3 * 64 * 1024);
    const d = await startDashboard({ runs: [{ name: 'big', dir: big }], pollMs: 50 });
    try {
      const whole = (t: string) => t.endsWith('\n\n') && (t.match(/^data: \{"run"/gm) ?? []).length >= many.length; // chunks end mid-line
      const got = dataLines((await readSse(d.url, whole, 20_000)).text);
      expect(got.map((x) => x.event)).toEqual(many);
    } finally {
      await d.close();
    }
  });

  it('streams a live run from its observable, replaying the past', async () => {
    const { ReplaySubject } = await import('rxjs');
    const live = new ReplaySubject<TrainEvent>(100);
    live.next(EVENTS[1]);
    const d2 = await startDashboard({ runs: [{ name: 'live', dir: join(tmp, 'nowhere'), live }] });
    try {
      const p = readSse(d2.url, (t) => dataLines(t).length >= 2);
      setTimeout(() => live.next(EVENTS[3]), 100);
      const got = dataLines((await p).text);
      expect(got.map((d) => d.event.step)).toEqual([64, 128]);
      expect(got[0].run).toBe('live');
    } finally {
      await d2.close();
    }
  });
});

describe('report', () => {
  it('writes one self-contained file with the data, uPlot and the evaluation table', () => {
    const out = join(tmp, 'r.html');
    const r = writeReport(runDir, { out });
    expect(r.html).toBe(out);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('id="buddy-data"');
    expect(html).toContain('"meanRegret":0.5');
    expect(html).toContain(uplotAssets().js.slice(0, 200));
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
    expect(html).toContain('trained users vs exaggerate goals');
    expect(html).toContain('attention-market-v0');
  });

  it('shows the cross-play table of <run>/eval.json', () => {
    const dir = join(tmp, 'run-eval');
    mkdirSync(dir);
    writeFileSync(join(dir, 'metrics.jsonl'), JSON.stringify(EVENTS[1]) + '\n');
    const stat = { mean: 0.1, ci95: 0.02, n: 3 };
    writeFileSync(join(dir, 'eval.json'), JSON.stringify({ cells: [{ users: 'greedy', goals: 'honest', regret: stat, goalUtility: stat, welfare: stat }] }));
    const html = readFileSync(writeReport(dir).html, 'utf8');
    expect(html).toContain('cross-play (eval.json)');
    expect(html).toContain('<td>greedy</td><td>honest</td>');
  });

  it('buddy-gym report writes <run>/report.html and, with --png and --svg, charts/<figure>.png and .svg', () => {
    const io = captureIO();
    expect(runCli(['report', runDir, '--png', '--svg'], io)).toBe(0);
    expect(existsSync(join(runDir, 'report.html'))).toBe(true);
    for (const id of FIGURE_IDS) {
      const png = readFileSync(join(runDir, 'charts', `${id}.png`));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(readFileSync(join(runDir, 'charts', `${id}.svg`), 'utf8')).toMatch(/^<svg /);
    }
    expect(readFileSync(join(runDir, 'charts', 'round-metrics.svg'), 'utf8')).toContain('USER REGRET PER ROUND (MEAN OVER USERS)');
  });
});

describe('CLI errors', () => {
  afterEach(() => undefined);

  it('report: a missing run folder is exit 2 naming it', () => {
    const io = captureIO();
    const missing = join(tmp, 'no-such-run');
    expect(runCli(['report', missing], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(missing);
    expect(runCli(['report'], captureIO())).toBe(2);
  });

  it('dashboard: a missing run folder, a bad port: exit 2', async () => {
    const io = captureIO();
    const missing = join(tmp, 'no-such-run');
    expect(await runCli(['dashboard', missing], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(missing);
    expect(await runCli(['dashboard', runDir, '--port', '70000'], captureIO())).toBe(2);
    expect(await runCli(['dashboard'], captureIO())).toBe(2);
  });

  it('train: --port without --dashboard is exit 2', async () => {
    const io = captureIO();
    expect(await runCli(['train', 'attention-market-v0', '--port', '8080'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--dashboard/);
  });

  it('dashboard serves until aborted, printing the URL', async () => {
    const io = captureIO();
    const ac = new AbortController();
    const done = dashboardCommand([runDir], io, ac.signal);
    for (let i = 0; i < 100 && !io.stderr.some((l) => l.startsWith('dashboard: http')); i++) await new Promise((r) => setTimeout(r, 20));
    const url = io.stderr.find((l) => l.startsWith('dashboard: http'))!.slice('dashboard: '.length);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await raw(url, '/')).status).toBe(200);
    ac.abort();
    expect(await done).toBe(0);
  });

  it('train --dashboard prints the URL (also with --quiet), writes run.json and summary.json, and closes at the end', async () => {
    const out = join(tmp, 'trained');
    const io = captureIO();
    const tiny = ['--backend', 'cpu', '--quiet', '--set', 'numEnvs=2', '--set', 'hidden=8', '--set', 'epochs=1', '--set', 'minibatchSize=8', '--eval-episodes', '1'];
    const opts = ['--option', 'rounds=4', '--option', 'users=2', '--option', 'goals=3', '--option', 'dim=4', '--option', 'slots=2'];
    expect(await runCli(['train', 'attention-market-v0', ...tiny, ...opts, '--steps', '16', '--out', out, '--dashboard'], io)).toBe(0);
    const line = io.stderr.find((l) => l.startsWith('dashboard: http'));
    expect(line).toMatch(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/$/);
    const info = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { env: string; backend: { name: string }; settings: { steps: number } };
    expect(info.env).toBe('attention-market-v0');
    expect(info.backend.name).toBe('cpu');
    expect(info.settings.steps).toBe(16);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { steps: number; evaluation: unknown[] };
    expect(summary.steps).toBe(16);
    expect(summary.evaluation.length).toBeGreaterThan(0);
    await expect(raw(line!.slice('dashboard: '.length), '/')).rejects.toThrow();
    const r = writeReport(out, { out: join(tmp, 'trained.html') });
    expect(r.events).toBeGreaterThan(0);
    expect(readFileSync(r.html, 'utf8')).toContain('final evaluation (train summary)');
  });

  it('help lists dashboard and report', () => {
    const io = captureIO();
    expect(runCli(['--help'], io)).toBe(0);
    expect(io.text()).toMatch(/dashboard/);
    expect(io.text()).toMatch(/report/);
    expect(io.text()).not.toMatch(/later issues/);
  });
});
