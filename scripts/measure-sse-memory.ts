/**
 * The dashboard server's memory with 200 idle event streams on a 0.28 MB run (issue 14):
 * node --import tsx scripts/measure-sse-memory.ts [server module, default training/dashboard/server.ts]
 * Prints one JSON line: streams served (200) and refused (503), RSS before and after.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, writeFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
if (process.argv[2] === 'serve') {
  const { startDashboard } = (await import(process.argv[3])) as typeof import('../training/dashboard/server.js');
  const d = await startDashboard({ runs: [{ name: 'r', dir: process.argv[4] }] });
  process.send!({ url: d.url });
  process.on('message', (m: string) => {
    if (m !== 'rss') return;
    (globalThis as { gc?: () => void }).gc?.();
    process.send!({ rss: process.memoryUsage().rss });
  });
} else {
  const dir = mkdtempSync(join(tmpdir(), 'sse-mem-'));
  const lines: string[] = [];
  for (let i = 0; lines.join('\n').length < 280_000; i++) lines.push(JSON.stringify({ kind: 'episode', time: i, step: i * 64, iteration: i, metrics: { meanRegret: 0.4 + i * 1e-4, welfare: 2.01, goalReward: 0.5, meanGenerationCost: 0.1, honesty: 0.3, estimateError: 0.2 } }));
  writeFileSync(join(dir, 'metrics.jsonl'), lines.join('\n') + '\n');
  const server = process.argv[2] ?? new URL('../training/dashboard/server.ts', import.meta.url).pathname;
  const child = fork(new URL(import.meta.url).pathname, ['serve', server, dir], { execArgv: ['--import', 'tsx', '--expose-gc'] });
  const ask = <T,>(m?: string) => new Promise<T>((ok) => { child.once('message', (x) => ok(x as T)); if (m) child.send(m); });
  const { url } = await ask<{ url: string }>();
  const u = new URL(url);
  await new Promise((r) => setTimeout(r, 500));
  const before = (await ask<{ rss: number }>('rss')).rss;
  const statuses: number[] = [];
  const reqs = [];
  for (let i = 0; i < 200; i++) {
    reqs.push(new Promise<void>((ok) => {
      const req = request({ host: u.hostname, port: u.port, path: '/events' }, (res) => { statuses.push(res.statusCode ?? 0); res.pause(); ok(); });
      req.on('error', () => ok());
      req.end();
    }));
  }
  await Promise.all(reqs);
  await new Promise((r) => setTimeout(r, 3000));
  const after = (await ask<{ rss: number }>('rss')).rss;
  const count = (s: number) => statuses.filter((x) => x === s).length;
  console.log(JSON.stringify({ server: server.split('/').pop(), runBytes: statSync(join(dir, 'metrics.jsonl')).size, connections: 200, ok200: count(200), busy503: count(503), rssBeforeMB: +(before / 2 ** 20).toFixed(1), rssAfterMB: +(after / 2 ** 20).toFixed(1), deltaMB: +((after - before) / 2 ** 20).toFixed(1) }));
  child.kill();
  process.exit(0);
}
