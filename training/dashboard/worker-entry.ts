/**
 * The dashboard server of `train --dashboard`, in a worker thread (see worker.ts): it answers
 * while the trainer's synchronous iterations hold the main thread. Live events arrive as
 * messages and are replayed to new streams as the bus would.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ReplaySubject } from 'rxjs';
import type { TrainEvent } from '../metrics/events.js';
import { startDashboard, type DashboardOptions } from './server.js';
import type { WorkerData, ToWorker } from './worker.js';

const data = workerData as WorkerData;
const live = new Map<string, ReplaySubject<TrainEvent>>();
const options: DashboardOptions = {
  ...data.options,
  runs: data.runs.map((r) => {
    if (!r.live) return { name: r.name, dir: r.dir };
    const subject = new ReplaySubject<TrainEvent>(data.replay);
    live.set(r.name, subject);
    return { name: r.name, dir: r.dir, live: subject.asObservable() };
  }),
};

startDashboard(options).then(
  (dash) => {
    parentPort!.on('message', (m: ToWorker) => {
      if (m.kind === 'event') live.get(m.run)?.next(m.event);
      else if (m.kind === 'complete') live.forEach((s) => s.complete());
      else if (m.kind === 'close') void dash.close().then(() => process.exit(0)); // in a worker: ends this thread only
    });
    parentPort!.postMessage({ kind: 'listening', url: dash.url, host: dash.host, port: dash.port });
  },
  (e: NodeJS.ErrnoException) => {
    parentPort!.postMessage({ kind: 'error', code: e.code ?? null, message: e.message });
    process.exit(1);
  },
);
