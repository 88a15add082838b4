// Absolute-URI HTTP requests (explicit proxy): authorise, then stream the request to the
// checked address over a pooled keep-alive connection (undici: far less work per request than
// node:http's client) and stream the response back. Bodies are never buffered whole: both
// directions move with backpressure.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Destination } from '../core/index.js';
import { destinationFromUrl } from '../policy/index.js';
import type { ResolvedAddress } from './address-guard.js';
import type { GatewayContext } from './context.js';
import { Exchange } from './exchange.js';
import { endToEndHeaders } from './headers.js';
import type { Verdict } from './pipeline.js';
import { sendAnswer } from './respond.js';
import { applyVerdict, startDecision } from './verdict.js';
import { classifyUpstreamError, type UpstreamFailure } from './upstream-errors.js';

const NOT_ABSOLUTE = 'request target must be an absolute http:// or https:// url (this is a forward proxy)';
const IDEMPOTENT_WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

export function handleRequest(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse): void {
  const exchange = new Exchange(ctx.sinks);
  res.once('close', () => exchange.record());
  if (ctx.draining) res.shouldKeepAlive = false;
  else if (ctx.shedConnections > 0) {
    ctx.shedConnections--;
    res.shouldKeepAlive = false;
  }
  const target = parseTarget(req);
  const unready = startDecision(
    ctx,
    exchange,
    { authorization: req.headers['proxy-authorization'], target, badTarget: target.ok ? '' : target.error },
    (verdict) => onVerdict(ctx, { req, res, exchange, verdict, query: target.ok ? target.query : '' }),
  );
  if (unready !== null) exchange.bytesOut = sendAnswer(res, unready, { close: hasUnreadBody(req) });
}

function parseTarget(req: IncomingMessage): ReturnType<typeof destinationFromUrl> {
  const url = req.url ?? '';
  if (!url.startsWith('http://') && !url.startsWith('https://')) return { ok: false, error: NOT_ABSOLUTE };
  return destinationFromUrl(req.method ?? 'GET', url);
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
  // RFC 9112 §3.2.2: a proxy replaces Host with the authority of the absolute URI. undici
  // takes the TLS server name from it too, so an https upstream is verified by its name.
  headers['host'] = authority;
  const origin = `${destination.scheme}://${address.family === 6 ? `[${address.address}]` : address.address}:${destination.port}`;
  const hasBody = requestHasBody(req);
  let aborted = false;
  let controller: Dispatcher.DispatchController | null = null;
  res.once('close', () => {
    aborted = !res.writableFinished;
    if (aborted) controller?.abort(new Error('client closed the connection'));
  });
  if (attempt === 0 && req.headers.expect?.toLowerCase() === '100-continue') res.writeContinue();
  exchange.markHandedOff();
  ctx.upstream.dispatch(
    {
      origin,
      path: destination.path + flow.query,
      method: destination.method as Dispatcher.HttpMethod,
      headers: headers as Record<string, string | string[]>,
      body: hasBody ? Readable.from(countedBody(flow), { objectMode: false }) : null,
      headersTimeout: ctx.timeouts.upstreamResponseMs,
      bodyTimeout: ctx.timeouts.tunnelIdleMs,
    },
    {
      onRequestStart(ctl) {
        controller = ctl;
        if (aborted) ctl.abort(new Error('client closed the connection'));
      },
      onResponseStart(_ctl, statusCode, upstreamHeaders, statusMessage) {
        exchange.status = statusCode;
        res.writeHead(statusCode, statusMessage ?? '', endToEndHeaders(upstreamHeaders));
      },
      onResponseData(ctl, chunk) {
        exchange.bytesOut += chunk.length;
        // Backpressure: a slow agent pauses the upstream read instead of buffering the body.
        if (!res.write(chunk)) {
          ctl.pause();
          res.once('drain', () => ctl.resume());
        }
      },
      onResponseEnd() {
        res.end();
      },
      onResponseError(_ctl, error) {
        if (aborted) return;
        if (shouldRetry(error, flow, attempt, hasBody)) return dispatch(ctx, flow, address, attempt + 1);
        onUpstreamFailure(ctx, flow, classifyUpstreamError(authority, error, ctx.timeouts));
      },
    },
  );
}

function requestHasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return length !== undefined ? length !== '0' : req.headers['transfer-encoding'] !== undefined;
}

/** The request body as undici pulls it, counted on the way. Pulled, not listened to: a
 *  'data' listener would start the stream flowing before undici reads it, and lose chunks. */
async function* countedBody(flow: Flow): AsyncGenerator<Buffer> {
  for await (const chunk of flow.req as AsyncIterable<Buffer>) {
    flow.exchange.bytesIn += chunk.length;
    yield chunk;
  }
}

/** A pooled connection the origin closed while idle fails on first use; one retry on a fresh
 *  connection is safe only for a bodiless idempotent request that got no answer yet. */
function shouldRetry(error: Error, flow: Flow, attempt: number, hasBody: boolean): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return attempt === 0 && !hasBody && (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET')
    && IDEMPOTENT_WITHOUT_BODY.has(flow.exchange.destination.method) && !flow.res.headersSent;
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
