// Absolute-URI HTTP requests (explicit proxy): authorise, then send the request to the
// checked address over a pooled keep-alive connection and stream the response back. Bodies
// are never buffered whole: both directions move with backpressure. One ProxyRequest per
// request; it answers exactly once and records exactly one audit event.
import { isIP } from 'node:net';
import type { Destination } from '../core/index.js';
import { interimResponseHead, clientResponseHead, upstreamRequestHead, type RequestHead, type ResponseHead } from '../http1/index.js';
import { destinationFromTarget, type DestinationResult } from '../policy/index.js';
import type { ResolvedAddress } from './address-guard.js';
import type { ClientConnection } from './client-connection.js';
import type { GatewayContext } from './context.js';
import { Exchange } from './exchange.js';
import type { Verdict } from './pipeline.js';
import { RequestBody } from './request-body.js';
import { ResponseReader, type ResponseEvents } from './response-reader.js';
import type { GatewayAnswer } from './respond.js';
import { classifyUpstreamError, invalidResponse, responseTimeout, type UpstreamFailure } from './upstream-errors.js';
import type { UpstreamConnection, UpstreamTarget, UpstreamUser } from './upstream-pool.js';
import { applyVerdict, startDecision } from './verdict.js';

const NOT_ABSOLUTE = 'request target must be an absolute http:// or https:// url (this is a forward proxy)';
const IDEMPOTENT_WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

export class ProxyRequest implements UpstreamUser, ResponseEvents {
  readonly exchange: Exchange;
  readonly body: RequestBody;
  readonly #ctx: GatewayContext;
  readonly #client: ClientConnection;
  readonly #head: RequestHead;
  #query = '';
  #target: UpstreamTarget | null = null;
  #upstream: UpstreamConnection | null = null;
  #reader: ResponseReader | null = null;
  #attempt = 0;
  #waitingForConnection = false;
  /** The response head went to the agent: from here a failure can only cut the connection. */
  #answered = false;
  #closeAfter = false;
  /** Monotonic ms by which the upstream's response head must arrive; 0 when none is awaited. */
  #responseDeadline = 0;
  #lastUpstreamActivity = 0;
  /** The connection in use had carried a request before (the origin may have closed it). */
  #connectionWasReused = false;
  /** The final response head allows another request on its connection. */
  #headReusable = false;
  /** The upstream socket is paused until the agent's socket drains. */
  #upstreamPaused = false;
  #finished = false;

  constructor(ctx: GatewayContext, client: ClientConnection, head: RequestHead) {
    this.#ctx = ctx;
    this.#client = client;
    this.#head = head;
    this.exchange = new Exchange(ctx.sinks);
    this.body = new RequestBody(head, client, ctx.limits.maxHeaderSize);
  }

  start(): void {
    const ctx = this.#ctx;
    const target = parseTarget(this.#head, ctx);
    if (target.ok) this.#query = target.query;
    const unready = startDecision(
      ctx,
      this.exchange,
      { authorization: this.#head.proxyAuthorization, target, badTarget: target.ok ? '' : target.error },
      (verdict) => this.#onVerdict(verdict),
    );
    if (unready !== null) this.#answer(unready);
  }

  /** Deadlines, checked on the gateway's sweep. */
  checkDeadlines(now: number): void {
    if (this.#responseDeadline !== 0 && now >= this.#responseDeadline) {
      this.#responseDeadline = 0;
      return this.#fail(responseTimeout(this.#authority(), this.#ctx.timeouts.upstreamResponseMs));
    }
    if (this.#upstream !== null && this.#answered && now - this.#lastUpstreamActivity > this.#ctx.timeouts.tunnelIdleMs) {
      this.#abort(); // the body stalled as long as an idle tunnel may: give up on both sides
    }
  }

  /** The agent's connection closed before the exchange ended. */
  clientGone(): void {
    if (this.#finished) return;
    this.#abort();
  }

  /** The agent's chunked body was malformed after the request went on. */
  bodyFailed(): void {
    this.exchange.reason = `${this.exchange.reason}: request body: ${this.body.error ?? 'malformed'}`;
    if (this.#answered) return this.#abort();
    this.#dropUpstream();
    this.#answer({ status: 400, error: `malformed request body: ${this.body.error ?? 'chunked coding'}`, decision: null, policyId: null, requestId: this.exchange.requestId });
  }

  #onVerdict(verdict: Verdict): void {
    if (this.#finished) return; // the agent left while the verdict was pending; the event is recorded
    const answer = applyVerdict(this.#ctx, this.exchange, verdict);
    if (answer !== null) return this.#answer(answer);
    if (!verdict.ok) return;
    if (this.#head.expect === '100-continue' && !this.body.complete) this.#client.write(CONTINUE);
    this.#dispatch(verdict.address);
  }

  #dispatch(address: ResolvedAddress): void {
    const destination = this.exchange.destination;
    const servername = destination.scheme === 'https' && isIP(destination.host) === 0 ? destination.host : undefined;
    this.#target = {
      key: `${destination.scheme}|${address.address}|${destination.port}|${servername ?? ''}`,
      address: address.address,
      family: address.family,
      port: destination.port,
      tls: destination.scheme === 'https' ? { servername } : null,
    };
    this.#waitingForConnection = true;
    this.#ctx.upstream.acquire(this.#target, this, (result) => this.#onConnection(result));
  }

  #onConnection(result: UpstreamConnection | Error): void {
    this.#waitingForConnection = false;
    if (this.#finished) {
      if (!(result instanceof Error)) this.#ctx.upstream.release(result);
      return;
    }
    if (result instanceof Error) return this.#fail(classifyUpstreamError(this.#authority(), result, this.#ctx.timeouts));
    this.#upstream = result;
    this.#connectionWasReused = result.reused;
    const destination = this.exchange.destination;
    this.#reader = new ResponseReader({ method: destination.method, maxHeaderSize: this.#ctx.limits.maxHeaderSize, events: this });
    const head = upstreamRequestHead({ head: this.#head, method: destination.method, pathAndQuery: destination.path + this.#query, authority: this.#authority() });
    result.socket.write(head);
    this.body.attach(result.socket);
    this.exchange.markHandedOff();
    this.#lastUpstreamActivity = this.#ctx.sweeper.now;
    if (this.body.complete) this.#awaitResponse();
  }

  /** The whole request is on its way: the upstream's response head is due within
   *  --upstream-response-timeout (a slow upload is the agent's, not the upstream's, time). */
  #awaitResponse(): void {
    if (this.#upstream === null || this.#reader?.started === true) return;
    this.#responseDeadline = this.#ctx.sweeper.now + this.#ctx.sweeper.tickMs + this.#ctx.timeouts.upstreamResponseMs;
  }

  /** The agent's body has arrived whole (called by the connection). */
  bodyCompleted(): void {
    this.#awaitResponse();
  }

  // ── upstream events ──────────────────────────────────────────────────────────

  onUpstreamData(chunk: Buffer): void {
    this.#lastUpstreamActivity = this.#ctx.sweeper.now;
    // One write to the agent per read from the upstream: head and body leave together.
    this.#client.cork();
    this.#reader?.read(chunk);
    this.#client.uncork();
  }

  onUpstreamEnd(): void {
    this.#reader?.end();
  }

  onUpstreamError(error: Error): void {
    const reader = this.#reader;
    this.#upstream = null;
    this.body.detach();
    if (this.#finished || reader === null || reader.ended) return;
    if (this.#shouldRetry(reader)) return this.#retry();
    if (this.#answered) return this.#abort();
    this.#fail(classifyUpstreamError(this.#authority(), error, this.#ctx.timeouts));
  }

  // ── response events (ResponseReader) ─────────────────────────────────────────

  onInterim(head: ResponseHead): void {
    // 100 Continue is the gateway's own to give (after authorising); other 1xx go on to
    // agents that can read them (RFC 9110 §15.2: never to HTTP/1.0).
    if (head.status !== 100 && this.#head.minorVersion === 1) this.#client.write(interimResponseHead(head));
  }

  onHead(head: ResponseHead): void {
    this.#responseDeadline = 0;
    this.#headReusable = head.reusable;
    this.exchange.status = head.status;
    const oneZero = this.#head.minorVersion === 0;
    const chunked = head.body === 'chunked' && !oneZero;
    if (head.body === 'chunked' && oneZero) (this.#reader as ResponseReader).decodeChunked = true;
    this.#closeAfter = head.body === 'close' || (oneZero && head.body === 'chunked') || this.#client.shouldCloseAfter(this.#head);
    this.#answered = true;
    this.#client.write(clientResponseHead({ head, chunked, close: this.#closeAfter, keepAliveOneZero: oneZero }));
  }

  onBody(buffer: Buffer, start: number, end: number): void {
    if (start === end) return;
    const piece = start === 0 && end === buffer.length ? buffer : buffer.subarray(start, end);
    if (this.#client.write(piece) || this.#upstreamPaused) return;
    // Backpressure: a slow agent pauses the upstream read instead of buffering the body.
    const upstream = this.#upstream;
    if (upstream === null) return;
    this.#upstreamPaused = true;
    upstream.socket.pause();
    this.#client.onceDrained(this.#onClientDrained);
  }

  readonly #onClientDrained = (): void => {
    this.#upstreamPaused = false;
    this.#upstream?.socket.resume();
  };

  /** The upstream connection leaves this request: it must not stay paused for this agent, and
   *  this agent's drain must not resume it for the next request that uses it. */
  #releasePause(upstream: UpstreamConnection): void {
    if (!this.#upstreamPaused) return;
    this.#upstreamPaused = false;
    this.#client.socket.removeListener('drain', this.#onClientDrained);
    upstream.socket.resume();
  }

  onEnd(trailing: boolean): void {
    const upstream = this.#upstream;
    this.exchange.bytesOut = (this.#reader as ResponseReader).bodyBytes;
    this.#upstream = null;
    this.body.detach();
    if (upstream !== null) {
      this.#releasePause(upstream);
      // Reusable only when the exchange ended cleanly on both sides.
      if (!trailing && this.body.complete && this.#headReusable) this.#ctx.upstream.release(upstream);
      else upstream.destroy();
    }
    this.#finish(this.#closeAfter || !this.body.complete);
  }

  onInvalid(error: string): void {
    const reader = this.#reader as ResponseReader;
    if (this.#shouldRetry(reader)) return this.#retry();
    this.#dropUpstream();
    if (this.#answered) return this.#abort();
    this.#fail(invalidResponse(this.#authority(), error));
  }

  // ── endings ──────────────────────────────────────────────────────────────────

  /** A pooled connection the origin closed while idle fails on first use; one retry on a fresh
   *  connection is safe only for a bodiless idempotent request that got no answer yet. */
  #shouldRetry(reader: ResponseReader): boolean {
    return this.#attempt === 0 && !reader.started && this.#head.body === 'none' && this.#connectionWasReused
      && IDEMPOTENT_WITHOUT_BODY.has(this.exchange.destination.method) && !this.#answered;
  }

  #retry(): void {
    this.#attempt++;
    this.#dropUpstream();
    this.#reader = null;
    this.#responseDeadline = 0;
    this.#waitingForConnection = true;
    this.#ctx.upstream.acquire(this.#target as UpstreamTarget, this, (result) => this.#onConnection(result), { fresh: true });
  }

  #fail(failure: UpstreamFailure): void {
    this.#ctx.metrics.upstreamErrors.inc({ reason: failure.metricReason });
    this.exchange.reason = `${this.exchange.reason}: ${failure.reason}`;
    this.#dropUpstream();
    if (this.#answered) return this.#abort();
    this.#answer({ status: failure.status, error: failure.reason, decision: null, policyId: null, requestId: this.exchange.requestId });
  }

  /** The gateway's own answer (a refusal or a failure), then the exchange ends. */
  #answer(answer: GatewayAnswer): void {
    if (this.#finished) return;
    const close = !this.body.complete || this.#client.shouldCloseAfter(this.#head);
    this.exchange.bytesOut += this.#client.answer(answer, { close, keepAliveOneZero: this.#head.minorVersion === 0 });
    this.exchange.markHandedOff();
    this.#answered = true;
    this.#finish(close);
  }

  /** Cut both sides: the agent sees its connection close (nothing else can be said mid-response). */
  #abort(): void {
    this.#dropUpstream();
    if (!this.#finished) {
      this.#finished = true;
      this.#record();
    }
    this.#client.destroy();
  }

  #dropUpstream(): void {
    this.#responseDeadline = 0;
    this.body.detach();
    if (this.#waitingForConnection && this.#target !== null) this.#ctx.upstream.cancel(this.#target, this);
    this.#waitingForConnection = false;
    const upstream = this.#upstream;
    this.#upstream = null;
    if (upstream === null) return;
    this.#releasePause(upstream);
    upstream.destroy();
  }

  #finish(close: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#record();
    this.#client.requestDone(this, close);
  }

  #record(): void {
    this.exchange.bytesIn = this.body.bytes;
    this.exchange.record();
  }

  #authority(): string {
    return authorityOf(this.exchange.destination);
  }
}

function parseTarget(head: RequestHead, ctx: GatewayContext): DestinationResult {
  const url = head.target;
  if (!url.startsWith('http://') && !url.startsWith('https://')) return { ok: false, error: NOT_ABSOLUTE };
  return destinationFromTarget(head.method, ctx.targets.parse(url));
}

export function authorityOf(destination: Destination): string {
  const host = isIP(destination.host) === 6 ? `[${destination.host}]` : destination.host;
  const defaultPort = destination.scheme === 'https' ? 443 : 80;
  return destination.port === defaultPort ? host : `${host}:${destination.port}`;
}
