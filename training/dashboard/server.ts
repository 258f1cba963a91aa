/**
 * The dashboard's HTTP server (node:http, no framework). Routes, all GET or HEAD:
 * - `/`: the live page (renderPage in live mode, with each run's config read afresh);
 * - `/events`: server-sent events, one `data: {"run": name, "event": {...}}` message per
 *   event: first an `event: reset`, then every run's past events (a finished run's
 *   `metrics.jsonl`; a live run's bus, which replays its buffered past to a new
 *   subscriber), then new ones as they come (a live bus, or new lines of the JSONL file,
 *   polled, for a run written by another process), the file read 64 KiB at a time and paused
 *   while the client is not reading; at most `maxStreams` (32) at once, 503 past that;
 * - `/assets/<file>`: a flat file name in the package's own assets folder, nothing else
 *   (`..`, encoded dots or slashes, backslashes, NUL, absolute paths: 400/404).
 * `/favicon.ico` is 204 (the page inlines its icon). Any other method: 405 with `Allow: GET, HEAD`; any other path: 404. It binds to
 * 127.0.0.1 unless a host is given, and when bound to loopback it answers only requests
 * whose Host header names a loopback address (against DNS rebinding). Run folders are only
 * read.
 */
import { existsSync, openSync, readSync, closeSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Observable } from 'rxjs';
import type { TrainEvent } from '../metrics/events.js';
import { renderPage } from './page.js';
import { METRICS_FILE, parseEventLines, readRunInfo, readRunTables, type RunData } from './run-data.js';

export interface DashboardRun {
  /** Shown in the page and in each SSE message's `run`. */
  name: string;
  /** The run folder (read only). */
  dir: string;
  /** The live events of a run trained in this process (a MetricBus's `events$`); else the folder's metrics.jsonl is read and polled. */
  live?: Observable<TrainEvent>;
}

export interface DashboardOptions {
  runs: readonly DashboardRun[];
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Page title. */
  title?: string;
  /** How often a run's metrics.jsonl is polled for new lines, ms (default 500). */
  pollMs?: number;
  /** The folder /assets/ serves (default: the package's training/dashboard/assets). */
  assetsDir?: string;
  /** Most /events streams open at once (default MAX_STREAMS); past it a request gets 503. */
  maxStreams?: number;
}

/** Event streams served at once by default: a few browser tabs, not a crowd of idle sockets. */
export const MAX_STREAMS = 32;
/** Bytes of a run's metrics.jsonl read at a time for one stream. */
const CHUNK_BYTES = 64 * 1024;
/** A line longer than this (no newline in sight) is not an event: it is dropped, not kept growing. */
const MAX_LINE_BYTES = 1 << 20;

export interface Dashboard {
  /** "http://127.0.0.1:PORT/" */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly server: import('node:http').Server;
  /** Ends every event stream and stops the server. */
  close(): Promise<void>;
}

/** The package's assets folder: <package root>/training/dashboard/assets, found from this module (source or dist). */
export function defaultAssetsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'training', 'dashboard', 'assets');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    if (existsSync(join(dir, 'assets')) && dir.endsWith(`${sep}dashboard`)) return join(dir, 'assets');
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), 'assets');
}

const MIME: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Whether `host` is a loopback address or name. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The file an `/assets/<rest>` request names, or an error status: only a flat file name
 * (letters, digits, ".", "_", "-", not starting with "."), decoded, resolved inside `dir`.
 */
export function resolveAsset(dir: string, rest: string): { file: string } | { status: 400 | 404 } {
  if (rest.includes('\\') || rest.includes('\0') || /%5c|%00/i.test(rest)) return { status: 400 };
  let name: string;
  try {
    name = decodeURIComponent(rest);
  } catch {
    return { status: 400 };
  }
  if (name.includes('\0') || name.includes('\\')) return { status: 400 };
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name) || name.includes('..') || isAbsolute(name)) return { status: 404 };
  const root = resolve(dir);
  const file = resolve(root, name);
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.includes(sep)) return { status: 404 };
  try {
    const real = realpathSync(file);
    const realRel = relative(realpathSync(root), real);
    if (realRel.startsWith('..') || isAbsolute(realRel) || !statSync(real).isFile()) return { status: 404 };
    return { file: real };
  } catch {
    return { status: 404 };
  }
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers });
  res.end(text);
}

/**
 * Follows a JSONL file that another process may still append to, handing each new complete
 * line's event to `send` (one call per chunk read). The file is read 64 KiB at a time, never whole, and when `send`
 * says the stream is full (a slow or idle client) reading waits for `drain`: a stream costs
 * one chunk and its socket's buffer, whatever the size of the run.
 */
function followFile(file: string, pollMs: number, send: (events: readonly TrainEvent[]) => boolean, drain: (resume: () => void) => void): () => void {
  let offset = 0;
  let carry = '';
  let decoder = new StringDecoder('utf8');
  let stopped = false;
  let waiting = false; // for drain
  const chunk = Buffer.alloc(CHUNK_BYTES);
  const read = () => {
    if (stopped || waiting) return;
    let fd: number | undefined;
    try {
      const size = statSync(file).size;
      if (size < offset) {
        offset = 0; // truncated: read again
        carry = '';
        decoder = new StringDecoder('utf8');
      }
      if (size === offset) return;
      fd = openSync(file, 'r');
      while (offset < size && !stopped) {
        const n = readSync(fd, chunk, 0, Math.min(CHUNK_BYTES, size - offset), offset);
        if (n <= 0) break;
        offset += n;
        const text = carry + decoder.write(chunk.subarray(0, n));
        const cut = text.lastIndexOf('\n') + 1;
        carry = text.slice(cut);
        if (carry.length > MAX_LINE_BYTES) carry = '';
        const events = parseEventLines(text.slice(0, cut));
        if (events.length > 0 && !send(events)) {
          waiting = true;
          drain(() => {
            waiting = false;
            read();
          });
          return;
        }
      }
    } catch {
      // not there yet
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
  read();
  const timer = setInterval(read, pollMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** Starts the dashboard server; resolves once it listens. */
export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const host = o.host ?? '127.0.0.1';
  const pollMs = o.pollMs ?? 500;
  const assetsDir = o.assetsDir ?? defaultAssetsDir();
  const title = o.title ?? `buddy-gym dashboard: ${o.runs.map((r) => r.name).join(', ')}`;
  const streams = new Set<() => void>();
  const loopbackOnly = isLoopback(host);

  const maxStreams = o.maxStreams ?? MAX_STREAMS;
  const events = (req: IncomingMessage, res: ServerResponse) => {
    if (streams.size >= maxStreams) {
      return plain(res, 503, `too many event streams: ${maxStreams} are open; close a dashboard tab and reload\n`, { 'retry-after': '5' });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    if (req.method === 'HEAD') return void res.end();
    res.write('retry: 2000\n\nevent: reset\ndata: {}\n\n');
    const message = (run: string, event: TrainEvent) => `data: ${JSON.stringify({ run, event })}\n\n`;
    const send = (run: string, events: readonly TrainEvent[]): boolean => res.write(events.map((e) => message(run, e)).join(''));
    const drain = (resume: () => void) => res.once('drain', resume);
    const stops: (() => void)[] = [];
    for (const run of o.runs) {
      if (run.live) {
        const sub = run.live.subscribe({ next: (e) => void res.write(message(run.name, e)), error: () => undefined });
        stops.push(() => sub.unsubscribe());
      } else {
        stops.push(followFile(join(run.dir, METRICS_FILE), pollMs, (es) => send(run.name, es), drain));
      }
    }
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    heartbeat.unref();
    const stop = () => {
      clearInterval(heartbeat);
      stops.forEach((s) => s());
      streams.delete(stop);
      res.end();
    };
    streams.add(stop);
    req.on('close', stop);
  };

  const server = createServer((req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed: the dashboard is read only\n', { allow: 'GET, HEAD' });
      if (loopbackOnly) {
        const h = (req.headers.host ?? '').replace(/:\d+$/, '');
        if (!isLoopback(h)) return plain(res, 403, 'forbidden host\n');
      }
      const raw = req.url ?? '/';
      const path = raw.split('?')[0];
      if (path === '/' || path === '/index.html') {
        const runs: RunData[] = o.runs.map((r) => ({ name: r.name, info: readRunInfo(r.dir), tables: readRunTables(r.dir) }));
        const html = renderPage({ mode: 'live', title, runs });
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
        return void res.end(req.method === 'HEAD' ? undefined : html);
      }
      if (path === '/events') return events(req, res);
      if (path === '/favicon.ico') return void res.writeHead(204).end();
      if (path.startsWith('/assets/')) {
        const r = resolveAsset(assetsDir, path.slice('/assets/'.length));
        if ('status' in r) return plain(res, r.status, r.status === 400 ? 'bad request\n' : 'not found\n');
        const body = readFileSync(r.file);
        res.writeHead(200, { 'content-type': MIME[extname(r.file)] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' });
        return void res.end(req.method === 'HEAD' ? undefined : body);
      }
      return plain(res, 404, 'not found\n');
    } catch (e) {
      if (!res.headersSent) plain(res, 500, `error: ${(e as Error).message}\n`);
      else res.end();
    }
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port ?? 0, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${shown}:${addr.port}/`,
    host: addr.address,
    port: addr.port,
    server,
    close() {
      closed ??= new Promise<void>((ok) => {
        [...streams].forEach((s) => s());
        server.close(() => ok());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
