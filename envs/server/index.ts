/** The env server: any registered env behind a small stepped protocol (docs/protocol.md). */
export { PROTOCOL_VERSION, MAX_REQUEST_BYTES, ProtocolError, bytesOf, type Handshake, type RoleDescription, type ErrorBody, type Mode } from './protocol.js';
export { FrameReader, lengthPrefix } from './framing.js';
export { roleDescription } from './describe.js';
export type { ServedEnv, ResetRequest, ReplyBody } from './served-env.js';
export { VecServed, type VecServedArgs } from './vec-served.js';
export { Session, type Outcome } from './session.js';
export { serveConnection, listenTcp, type Ending, type TcpServer } from './transports.js';
