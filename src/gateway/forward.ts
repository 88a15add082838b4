// Absolute-URI HTTP requests (explicit proxy): authorise, then stream the request to the
// checked address over a pooled keep-alive connection and stream the response back.
// Bodies are never buffered whole: both directions are piped with backpressure.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Destination } from '../core/index.js';
import { destinationFromUrl } from '../policy/index.js';
import type { ResolvedAddress } from './address-guard.js';
import type { GatewayContext } from './context.js';
import { Exchange } from './exchange.js';
import { endToEndHeaders } from './headers.js';
import { authorize, type Verdict } from './pipeline.js';
import { sendAnswer } from './respond.js';
import { applyVerdict } from './verdict.js';
import { classifyUpstreamError, connectTimeout, responseTimeout, type UpstreamFailure } from './upstream-errors.js';

const NOT_ABSOLUTE = 'request target must be an absolute http:// or https:// url (this is a forward proxy)';
const IDEMPOTENT_WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

export function handleRequest(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse): void {
  const exchange = new Exchange(ctx.sinks);
  res.once('close', () => exchange.record());
  if (ctx.draining) res.shouldKeepAlive = false;
  const bundle = ctx.holder.current;
  if (bundle === null) return answerUnready(req, res, exchange);
  exchange.bundleVersion = bundle.version;
  const target = parseTarget(req);
  if (target.ok) exchange.destination = target.destination;
  authorize(
    {
      bundle,
      guard: ctx.guard,
      quota: ctx.quota,
      authorization: req.headers['proxy-authorization'],
      destination: target.ok ? target.destination : null,
      badTarget: target.ok ? '' : target.error,
    },
    (verdict) => onVerdict(ctx, { req, res, exchange, verdict, query: target.ok ? target.query : '' }),
  );
}

function parseTarget(req: IncomingMessage): ReturnType<typeof destinationFromUrl> {
  const url = req.url ?? '';
  if (!url.startsWith('http://') && !url.startsWith('https://')) return { ok: false, error: NOT_ABSOLUTE };
  return destinationFromUrl(req.method ?? 'GET', url);
}

function answerUnready(req: IncomingMessage, res: ServerResponse, exchange: Exchange): void {
  exchange.reason = 'gateway has no verified policy bundle';
  exchange.bytesOut = sendAnswer(
    res,
    { status: 503, error: exchange.reason, decision: 'deny', policyId: null, requestId: exchange.requestId },
    { close: hasUnreadBody(req) },
  );
}

/** A denied request's body is not read; the connection is closed rather than drained. */
function hasUnreadBody(req: IncomingMessage): boolean {
  return !req.complete && (req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined);
}

interface Flow {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly exchange: Exchange;
  readonly verdict: Verdict;
  readonly query: string;
}

function onVerdict(ctx: GatewayContext, flow: Flow): void {
  const { exchange, verdict, res, req } = flow;
  if (res.destroyed) return; // the agent left while the verdict was pending; record() already ran
  const answer = applyVerdict(ctx, exchange, verdict);
  if (verdict.ok) return dispatch(ctx, flow, verdict.address, 0);
  if (answer !== null) exchange.bytesOut = sendAnswer(res, answer, { close: hasUnreadBody(req) });
  exchange.markHandedOff();
}

function authorityOf(destination: Destination): string {
  const host = isIP(destination.host) === 6 ? `[${destination.host}]` : destination.host;
  const defaultPort = destination.scheme === 'https' ? 443 : 80;
  return destination.port === defaultPort ? host : `${host}:${destination.port}`;
}

function dispatch(ctx: GatewayContext, flow: Flow, address: ResolvedAddress, attempt: number): void {
  const { req, res, exchange } = flow;
  const destination = exchange.destination;
  const authority = authorityOf(destination);
  const headers = endToEndHeaders(req.headers);
  // RFC 9112 §3.2.2: a proxy replaces Host with the authority of the absolute URI.
  headers['host'] = authority;
  const secure = destination.scheme === 'https';
  const upstream = (secure ? https : http).request({
    host: address.address,
    family: address.family,
    port: destination.port,
    method: destination.method,
    path: destination.path + flow.query,
    headers,
    setHost: false,
    agent: secure ? ctx.upstreamAgents.https : ctx.upstreamAgents.http,
    ...(secure && isIP(destination.host) === 0 ? { servername: destination.host } : {}),
  });
  exchange.markHandedOff();
  let failure: UpstreamFailure | null = null;
  const responseTimer = setTimeout(() => {
    failure = responseTimeout(authority, ctx.timeouts.upstreamResponseMs);
    upstream.destroy();
  }, ctx.timeouts.upstreamResponseMs);
  upstream.once('socket', (socket) => {
    if (!socket.connecting) return;
    const connectTimer = setTimeout(() => {
      failure = connectTimeout(authority, ctx.timeouts.upstreamConnectMs);
      upstream.destroy();
    }, ctx.timeouts.upstreamConnectMs);
    socket.once('connect', () => clearTimeout(connectTimer));
    socket.once('close', () => clearTimeout(connectTimer));
  });
  upstream.once('response', (upstreamRes) => {
    clearTimeout(responseTimer);
    relayResponse(flow, upstreamRes);
  });
  upstream.once('error', (error) => {
    clearTimeout(responseTimer);
    if (failure === null && shouldRetry(upstream, flow, attempt)) return dispatch(ctx, flow, address, attempt + 1);
    onUpstreamFailure(ctx, flow, failure ?? classifyUpstreamError(authority, error));
  });
  res.once('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  if (attempt === 0) startBody(flow, upstream);
  else upstream.end();
}

/** A pooled connection the origin closed while idle fails on first use; Node's documented
 *  remedy is one retry on a fresh connection, safe only for a bodiless idempotent request. */
function shouldRetry(upstream: http.ClientRequest, flow: Flow, attempt: number): boolean {
  return attempt === 0 && upstream.reusedSocket && IDEMPOTENT_WITHOUT_BODY.has(flow.exchange.destination.method)
    && flow.exchange.bytesIn === 0 && flow.req.complete && !flow.res.headersSent;
}

function startBody(flow: Flow, upstream: http.ClientRequest): void {
  const { req, res, exchange } = flow;
  if (req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();
  req.on('data', (chunk: Buffer) => {
    exchange.bytesIn += chunk.length;
  });
  req.pipe(upstream);
}

function relayResponse(flow: Flow, upstreamRes: IncomingMessage): void {
  const { res, exchange } = flow;
  exchange.status = upstreamRes.statusCode ?? null;
  res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, endToEndHeaders(upstreamRes.headers));
  upstreamRes.on('data', (chunk: Buffer) => {
    exchange.bytesOut += chunk.length;
  });
  upstreamRes.once('aborted', () => res.destroy());
  upstreamRes.once('error', () => res.destroy());
  upstreamRes.pipe(res);
}

function onUpstreamFailure(ctx: GatewayContext, flow: Flow, failure: UpstreamFailure): void {
  const { res, exchange } = flow;
  ctx.metrics.upstreamErrors.inc({ reason: failure.metricReason });
  exchange.reason = `${exchange.reason}: ${failure.reason}`;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  exchange.bytesOut += sendAnswer(
    res,
    { status: failure.status, error: failure.reason, decision: null, policyId: null, requestId: exchange.requestId },
    { close: !flow.req.complete },
  );
}
