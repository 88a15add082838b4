// CONNECT host:port. The tunnel is authorised like any request (policy's CONNECT rule decides
// whether method/path rules allow a tunnel at all), then the gateway dials the checked address
// and copies bytes both ways until either side closes or the tunnel idles out.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { destinationFromAuthority } from '../policy/index.js';
import type { ResolvedAddress } from './address-guard.js';
import type { GatewayContext } from './context.js';
import { Exchange } from './exchange.js';
import type { Verdict } from './pipeline.js';
import { sendAnswerOnSocket, tunnelEstablished, type GatewayAnswer } from './respond.js';
import { applyVerdict, startDecision } from './verdict.js';
import { classifyUpstreamError, connectTimeout, type UpstreamFailure } from './upstream-errors.js';

export interface ConnectRequest {
  /** The agent's connection, no longer read by the HTTP side. */
  readonly socket: Duplex;
  /** Bytes the agent sent after the CONNECT head (the start of its TLS handshake, say). */
  readonly head: Buffer;
  readonly authorization: string | undefined;
  /** The authority-form target, `host:port`. */
  readonly target: string;
}

export function handleConnect(ctx: GatewayContext, request: ConnectRequest): void {
  const { socket, head } = request;
  const exchange = new Exchange(ctx.sinks);
  socket.on('error', () => socket.destroy());
  ctx.tunnels.add(socket);
  socket.once('close', () => {
    ctx.tunnels.delete(socket);
    exchange.record();
  });
  const target = destinationFromAuthority(request.target);
  const unready = startDecision(
    ctx,
    exchange,
    { authorization: request.authorization, target, badTarget: target.ok ? '' : `connect target: ${target.error}` },
    (verdict) => onVerdict(ctx, { socket, exchange, head }, verdict),
  );
  if (unready !== null) refuse(socket, exchange, unready);
}

interface Tunnel {
  readonly socket: Duplex;
  readonly exchange: Exchange;
  readonly head: Buffer;
}

function onVerdict(ctx: GatewayContext, tunnel: Tunnel, verdict: Verdict): void {
  const { exchange, socket } = tunnel;
  if (socket.destroyed) return;
  const answer = applyVerdict(ctx, exchange, verdict);
  if (verdict.ok) return open(ctx, tunnel, verdict.address);
  if (answer !== null) refuse(socket, exchange, answer);
}

function refuse(socket: Duplex, exchange: Exchange, answer: GatewayAnswer): void {
  exchange.bytesOut += sendAnswerOnSocket(socket, answer);
  exchange.markHandedOff();
}

function open(ctx: GatewayContext, tunnel: Tunnel, address: ResolvedAddress): void {
  const { exchange, socket } = tunnel;
  const authority = `${address.family === 6 ? `[${exchange.destination.host}]` : exchange.destination.host}:${exchange.destination.port}`;
  const upstream = net.connect({ host: address.address, port: exchange.destination.port, family: address.family });
  exchange.markHandedOff();
  let failure: UpstreamFailure | null = null;
  let established = false;
  const connectTimer = setTimeout(() => {
    failure = connectTimeout(authority, ctx.timeouts.upstreamConnectMs);
    upstream.destroy();
  }, ctx.timeouts.upstreamConnectMs);
  upstream.once('connect', () => {
    clearTimeout(connectTimer);
    established = true;
    splice(ctx, tunnel, upstream);
  });
  upstream.once('error', (error) => {
    clearTimeout(connectTimer);
    // Once the tunnel is open, a reset is just the end of the tunnel, not a failure to report.
    if (established) return void socket.destroy();
    const why = failure ?? classifyUpstreamError(authority, error);
    ctx.metrics.upstreamErrors.inc({ reason: why.metricReason });
    exchange.reason = `${exchange.reason}: ${why.reason}`;
    if (socket.destroyed) return;
    refuse(socket, exchange, { status: why.status, error: why.reason, decision: null, policyId: null, requestId: exchange.requestId });
  });
  socket.once('close', () => upstream.destroy());
}

function splice(ctx: GatewayContext, tunnel: Tunnel, upstream: net.Socket): void {
  const { exchange, socket, head } = tunnel;
  ctx.metrics.activeConnections.inc({ kind: 'tunnel' });
  upstream.once('close', () => {
    ctx.metrics.activeConnections.dec({ kind: 'tunnel' });
    socket.destroy();
  });
  socket.write(tunnelEstablished(exchange.requestId));
  if (head.length > 0) {
    exchange.bytesIn += head.length;
    upstream.write(head);
  }
  socket.on('data', (chunk: Buffer) => {
    exchange.bytesIn += chunk.length;
  });
  upstream.on('data', (chunk: Buffer) => {
    exchange.bytesOut += chunk.length;
  });
  socket.pipe(upstream);
  upstream.pipe(socket);
  (socket as net.Socket).setTimeout(ctx.timeouts.tunnelIdleMs, () => socket.destroy());
  upstream.setTimeout(ctx.timeouts.tunnelIdleMs, () => upstream.destroy());
}
