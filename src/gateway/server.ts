// The listening side of the gateway: one node:http server for absolute-URI requests and
// CONNECT, with the client-facing limits (header size and time, keep-alive idle) and a
// graceful drain on shutdown.
import http from 'node:http';
import { Agent } from 'undici';
import net, { type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { newRequestId } from '../core/index.js';
import type { GatewayContext } from './context.js';
import { handleRequest } from './forward.js';
import { sendAnswerOnSocket } from './respond.js';
import { handleConnect } from './tunnel.js';

export interface ClientLimits {
  readonly maxHeaderSize: number;
  readonly headerTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

// Pooled upstream connections are closed after this idle time: below the 5 s keep-alive of
// Node origins and the 75 s of nginx, so the gateway, not the origin, closes an idle socket.
const UPSTREAM_IDLE_MS = 4_000;
const UPSTREAM_CONNECTIONS_PER_ORIGIN = 256;
/** Connections the kernel queues before the gateway accepts them (capped by net.core.somaxconn). */
const BACKLOG = 4096;

export function createUpstreamDispatcher(options: { connectTimeoutMs: number }): Agent {
  return new Agent({
    keepAliveTimeout: UPSTREAM_IDLE_MS,
    keepAliveMaxTimeout: UPSTREAM_IDLE_MS,
    connectTimeout: options.connectTimeoutMs,
    // One request per connection at a time: no pipelining, so one slow response never holds up another.
    pipelining: 1,
    // Per origin and worker: more requests than this wait for a free connection instead of
    // opening one socket (and its buffers) each; a browser uses 6.
    connections: UPSTREAM_CONNECTIONS_PER_ORIGIN,
  });
}

export function createProxyServer(ctx: GatewayContext, limits: ClientLimits): http.Server {
  const server = http.createServer({
    maxHeaderSize: limits.maxHeaderSize,
    headersTimeout: limits.headerTimeoutMs,
    // Bodies stream for as long as they move; idleness is bounded by the socket timeout below.
    requestTimeout: 0,
    keepAliveTimeout: limits.idleTimeoutMs,
    // Node checks header timeouts on this interval (30 s by default), so a shorter
    // --client-header-timeout would otherwise be enforced late.
    connectionsCheckingInterval: Math.max(250, Math.min(1_000, Math.floor(limits.headerTimeoutMs / 2))),
    noDelay: true,
  });
  server.timeout = limits.idleTimeoutMs;
  server.on('request', (req, res) => handleRequest(ctx, req, res));
  // Expect: 100-continue is answered only after the request is authorised (see forward.ts).
  server.on('checkContinue', (req, res) => handleRequest(ctx, req, res));
  server.on('connect', (req, socket, head) => handleConnect(ctx, req, socket, head));
  server.on('upgrade', (req, socket: Duplex) => refuseUpgrade(socket, req.headers.upgrade));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(ctx, error, socket));
  server.on('connection', (socket: Socket) => {
    ctx.clientConnections++;
    ctx.metrics.activeConnections.inc({ kind: 'client' });
    socket.once('close', () => {
      ctx.clientConnections--;
      ctx.metrics.activeConnections.dec({ kind: 'client' });
    });
  });
  return server;
}

function refuseUpgrade(socket: Duplex, protocol: string | undefined): void {
  const requestId = newRequestId();
  sendAnswerOnSocket(socket, {
    status: 400,
    error: `upgrade to \`${protocol ?? ''}\` is not supported: use CONNECT`,
    decision: null,
    policyId: null,
    requestId,
  });
}

/** A request Node's parser refused never reached a decision: it is answered and counted, not audited. */
function answerClientError(ctx: GatewayContext, error: NodeJS.ErrnoException, socket: Duplex): void {
  const code = error.code ?? 'unknown';
  ctx.metrics.clientErrors.inc({ reason: code.toLowerCase() });
  if (code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const error_ = status === 431 ? 'request headers too large' : status === 408 ? 'request headers not received in time' : `malformed request: ${code.toLowerCase()}`;
  sendAnswerOnSocket(socket, { status, error: error_, decision: null, policyId: null, requestId: newRequestId() });
}

export function listen(server: http.Server, host: string, port: number): Promise<AddressInfo> {
  return listening(server, (done) => server.listen({ host, port, backlog: BACKLOG }, done));
}

/** The server's address once `start` has it listening; rejects on the error that stops it. */
function listening(server: http.Server, start: (done: () => void) => void): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    start(() => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Listens on handles of one shared socket a cluster primary sent (cli/listen-handle.ts says
 * why there are several): the server on the first, and on each other a plain acceptor that
 * hands its connections to the server, as Node documents for injecting them ('connection').
 * The acceptors take the options the server applies to the sockets it accepts itself.
 */
export function listenOnHandles(server: http.Server, handles: readonly object[], acceptors: net.Server[]): Promise<AddressInfo> {
  const [first, ...rest] = handles;
  if (first === undefined) return Promise.reject(new Error('gateway: no listening handle to listen on'));
  for (const handle of rest) {
    const acceptor = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => server.emit('connection', socket));
    acceptor.listen(handle, BACKLOG);
    acceptors.push(acceptor);
  }
  return listening(server, (done) => server.listen(first, BACKLOG, done));
}

/** Stop accepting, let in-flight requests finish (answers say `Connection: close`), then cut
 *  whatever is left when the grace period ends. */
export function drain(ctx: GatewayContext, server: http.Server, graceMs: number, acceptors: readonly net.Server[] = []): Promise<void> {
  ctx.draining = true;
  // Connections an acceptor handed over are the server's: its sweeps below close them too.
  const acceptorsClosed = Promise.all(acceptors.map((acceptor) => new Promise<void>((resolve) => acceptor.close(() => resolve()))));
  return new Promise((resolve) => {
    const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => {
      server.closeAllConnections();
      for (const tunnel of ctx.tunnels) tunnel.destroy();
    }, graceMs);
    server.close(() => {
      void acceptorsClosed.then(() => {
        clearInterval(idleSweep);
        clearTimeout(deadline);
        void (ctx.upstream as Agent).close().finally(resolve);
      });
    });
    server.closeIdleConnections();
  });
}
