import { createServer, type Server, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { FrameReader, lengthPrefix } from './framing.js';
import type { Session } from './session.js';

/** Why a connection ended: the client's `close`, a fatal protocol error, or the stream's end. */
export type Ending = 'close' | 'fatal' | 'eof';

/**
 * Serves one connection: frames in from `input`, one reply frame out to `output` per request,
 * until `close`, a fatal error or the end of `input`. The session is closed either way.
 */
export function serveConnection(input: Readable, output: Writable, session: Session): Promise<Ending> {
  return new Promise((resolve) => {
    const reader = new FrameReader();
    let ended = false;
    const finish = (why: Ending) => {
      if (ended) return;
      ended = true;
      input.off('data', onData);
      input.off('end', onEof);
      input.off('error', onEof);
      session.close();
      resolve(why);
    };
    const onEof = () => finish('eof');
    const onData = (chunk: Buffer) => {
      if (ended) return;
      let frames: Uint8Array[];
      try {
        frames = reader.push(chunk);
      } catch (e) {
        writeFrame(output, session.fail(e).reply);
        finish('fatal');
        return;
      }
      for (const frame of frames) {
        const { reply, end } = session.handle(frame);
        writeFrame(output, reply);
        if (end !== null) {
          finish(end);
          return;
        }
      }
    };
    input.on('data', onData);
    input.on('end', onEof);
    input.on('error', onEof);
  });
}

function writeFrame(output: Writable, payload: Uint8Array): void {
  output.cork();
  output.write(lengthPrefix(payload.byteLength));
  output.write(payload);
  output.uncork();
}

export interface TcpServer {
  readonly server: Server;
  readonly host: string;
  readonly port: number;
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}

/** Listens on host:port (port 0: a free one); every connection gets its own session. */
export function listenTcp(host: string, port: number, newSession: () => Session): Promise<TcpServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    void serveConnection(socket, socket, newSession()).then(() => socket.end());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      resolve({
        server,
        host,
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
