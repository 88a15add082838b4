// The listening side of the gateway: one node:http server for absolute-URI requests and
// CONNECT, with the client-facing limits (header size and time, keep-alive idle) and a
// graceful drain on shutdown.
import http from 'node:http';
import { Agent } from 'undici';
import type { AddressInfo, Socket } from 'node:net';
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
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stop accepting, let in-flight requests finish (answers say `Connection: close`), then cut
 *  whatever is left when the grace period ends. */
export function drain(ctx: GatewayContext, server: http.Server, graceMs: number): Promise<void> {
  ctx.draining = true;
  return new Promise((resolve) => {
    const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => {
      server.closeAllConnections();
      for (const tunnel of ctx.tunnels) tunnel.destroy();
    }, graceMs);
    server.close(() => {
      clearInterval(idleSweep);
      clearTimeout(deadline);
      void (ctx.upstream as Agent).close().finally(resolve);
    });
    server.closeIdleConnections();
  });
}
