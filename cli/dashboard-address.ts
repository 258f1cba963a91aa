/** Where a dashboard listens (--host, --port), shared by `dashboard` and `train --dashboard`, and its start with a busy port explained. */
import { startDashboard, type Dashboard } from '../training/dashboard/server.js';
import { intFlag, stringFlag, type FlagSpec, type FlagValues } from './args.js';
import { UsageError } from './errors.js';

export const PORT_FLAG: FlagSpec = { name: 'port', type: 'string', value: '<P>', doc: 'port of the dashboard, an integer in [1, 65535] (default a free port)' };
export const HOST_FLAG: FlagSpec = {
  name: 'host',
  type: 'string',
  value: '<H>',
  doc: 'address to bind the dashboard to (default 127.0.0.1, loopback only; another address exposes it to the network: read only, but unauthenticated)',
};

/** --host and --port of the dashboard flags. */
export function dashboardAddress(values: FlagValues): { host: string; port: number } {
  const host = stringFlag(values, 'host') ?? '127.0.0.1';
  if (host.trim() === '') throw new UsageError('--host needs an address, e.g. 127.0.0.1 or 0.0.0.0');
  return { host, port: intFlag(values, 'port', 0, 1, 65_535) };
}

/** Starts the server (by `start`: in this thread by default), turning a busy port or a bad address into a usage error. */
export async function startOrExplain<D = Dashboard>(o: Parameters<typeof startDashboard>[0], start: (o: Parameters<typeof startDashboard>[0]) => Promise<D> = startDashboard as never): Promise<D> {
  try {
    return await start(o);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new UsageError(`--port ${o.port}: the port is in use; give another, or leave --port out for a free one`);
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EACCES') throw new UsageError(`cannot listen on ${o.host}:${o.port ?? 0}: ${err.code}`);
    throw e;
  }
}
