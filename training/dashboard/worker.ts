/**
 * `train --dashboard` serves its page from a worker thread: a trainer iteration is synchronous
 * work of up to seconds, and a server on the main thread could answer only between them. The
 * run's events cross over as messages (structured clones of plain JSON); the worker keeps
 * the recent ones for streams that connect later, as the bus does.
 */
import { Worker } from 'node:worker_threads';
import type { Observable, Subscription } from 'rxjs';
import type { TrainEvent } from '../metrics/events.js';
import type { DashboardOptions } from './server.js';

/** What the worker is started with. */
export interface WorkerData {
  runs: { name: string; dir: string; live: boolean }[];
  options: Omit<DashboardOptions, 'runs'>;
  /** Past events a new stream of a live run gets first. */
  replay: number;
}

export type ToWorker = { kind: 'event'; run: string; event: TrainEvent } | { kind: 'complete' } | { kind: 'close' };
type FromWorker = { kind: 'listening'; url: string; host: string; port: number } | { kind: 'error'; code: string | null; message: string };

export interface WorkerDashboard {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stops the server and the worker. */
  close(): Promise<void>;
}

/** The worker: the bundle's own file in dist/; from source, a bootstrap that loads the TypeScript through tsx. */
function makeWorker(data: WorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./dashboard-worker.js', import.meta.url), { workerData: data });
  const source = new URL('./worker-entry.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(source)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(bootstrap, { eval: true, workerData: data });
}

/**
 * Starts the dashboard in a worker; `live` runs get their events from `events` (each keyed by
 * run name). Rejects like startDashboard (an Error with the listen error's `code`).
 */
export function startDashboardWorker(
  runs: readonly { name: string; dir: string; live?: Observable<TrainEvent> }[],
  options: Omit<DashboardOptions, 'runs'> = {},
  replay = 1000,
): Promise<WorkerDashboard> {
  const data: WorkerData = { runs: runs.map((r) => ({ name: r.name, dir: r.dir, live: r.live !== undefined })), options, replay };
  const worker = makeWorker(data);
  worker.unref();
  return new Promise((resolve, reject) => {
    const failed = (e: Error) => reject(e);
    worker.once('error', failed);
    worker.once('message', (m: FromWorker) => {
      worker.off('error', failed);
      if (m.kind === 'error') {
        void worker.terminate();
        return reject(Object.assign(new Error(m.message), { code: m.code ?? undefined }));
      }
      const subs: Subscription[] = runs.flatMap((r) =>
        r.live
          ? [
              r.live.subscribe({
                next: (event) => worker.postMessage({ kind: 'event', run: r.name, event } satisfies ToWorker),
                complete: () => worker.postMessage({ kind: 'complete' } satisfies ToWorker),
              }),
            ]
          : [],
      );
      let closed: Promise<void> | undefined;
      resolve({
        url: m.url,
        host: m.host,
        port: m.port,
        close() {
          closed ??= new Promise<void>((done) => {
            subs.forEach((s) => s.unsubscribe());
            worker.ref(); // wait for it to stop
            worker.once('exit', () => done());
            worker.postMessage({ kind: 'close' } satisfies ToWorker);
            setTimeout(() => void worker.terminate(), 2000).unref();
          });
          return closed;
        },
      });
    });
  });
}
