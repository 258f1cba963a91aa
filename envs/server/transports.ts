import { createServer, type Server, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { FrameReader, lengthPrefix } from './framing.js';
import type { Session } from './session.js';

/** Why a connection ended: the client's `close`, a fatal protocol error, or the stream's end. */
export type Ending = 'close' | 'fatal' | 'eof';

/**
 * Serves one connection: frames in from `input`, one reply frame out to `output` per request,
 * until `close`, a fatal error or the end of `input`. The session is closed either way.
 * Requests are handled one at a time, each once the previous reply has been written: a reply
 * is a view of the session's buffer, which the next request reuses.
 */
export function serveConnection(input: Readable, output: Writable, session: Session): Promise<Ending> {
  return new Promise((resolve) => {
    const reader = new FrameReader();
    const queue: Uint8Array[] = [];
    /** A bad length prefix: answered after the frames before it, then the end. */
    let broken: unknown = null;
    let writing = false;
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
    const reply = (payload: Uint8Array, end: Ending | null) => {
      writing = true;
      writeFrame(output, payload, () => {
        writing = false;
        if (end !== null) finish(end);
        else pump();
      });
    };
    const pump = () => {
      if (writing || ended) return;
      const frame = queue.shift();
      if (frame === undefined) {
        if (broken !== null) reply(session.fail(broken).reply, 'fatal');
        else if (inputEnded) finish('eof');
        return;
      }
      const { reply: payload, end } = session.handle(frame);
      reply(payload, end);
    };
    let inputEnded = false;
    const onEof = () => {
      inputEnded = true;
      pump();
    };
    const onData = (chunk: Buffer) => {
      if (ended || broken !== null) return;
      queue.push(...reader.push(chunk));
      broken = reader.failure;
      pump();
    };
    input.on('data', onData);
    input.on('end', onEof);
    input.on('error', onEof);
  });
}

function writeFrame(output: Writable, payload: Uint8Array, done: () => void): void {
  output.cork();
  output.write(lengthPrefix(payload.byteLength));
  output.write(payload, () => done());
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
    const session = newSession();
    // A socket torn down mid-write never finishes its write: release the env all the same.
    socket.on('close', () => {
      sockets.delete(socket);
      session.close();
    });
    void serveConnection(socket, socket, session).then(() => socket.end());
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
