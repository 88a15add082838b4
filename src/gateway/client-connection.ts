// One agent connection: request heads are cut from its bytes and parsed (http1), each request
// runs to its end before the next pipelined one starts, and the connection is kept alive,
// closed, or handed to a CONNECT tunnel. Timeouts are deadlines the gateway's sweep checks
// (deadlines.ts), not timers.
//
//   HEAD ──head parsed──► ACTIVE ──response done, keep-alive──► HEAD
//     │                     └──close (asked, unread body, draining)──► CLOSING ──► CLOSED
//     ├──CONNECT──► handed to tunnel.ts
//     └──malformed / too large / too slow──► answered (not audited: no decision) ──► CLOSING
import type { Socket } from 'node:net';
import { findHeadEnd, parseRequestHead, skipEmptyLines, type RequestHead } from '../http1/index.js';
import { newRequestId } from '../core/index.js';
import type { GatewayContext } from './context.js';
import type { Expiring } from './deadlines.js';
import { ProxyRequest } from './forward.js';
import type { BodySource } from './request-body.js';
import { answerText, sendAnswerOnSocket, type GatewayAnswer } from './respond.js';
import { handleConnect } from './tunnel.js';

const HEAD = 0;
const ACTIVE = 1;
const CLOSING = 2;
const DONE = 3; // closed, or handed to a tunnel

/** Pipelined bytes held while a request runs, beyond which the agent is paused. */
export const PAUSED_FOR_PIPELINE = 2;
/** After the gateway closes its side, how long the agent has to close its own. */
const LINGER_MS = 2_000;

export class ClientConnection implements Expiring, BodySource {
  readonly socket: Socket;
  readonly #ctx: GatewayContext;
  #state = HEAD;
  /** Bytes read and not yet taken: a head still arriving, or pipelined requests. */
  #pending: Buffer | null = null;
  #searchFrom = 0;
  #request: ProxyRequest | null = null;
  #headDeadline: number;
  #idleDeadline = 0;
  #lingerDeadline = 0;
  #lastActivity: number;
  #paused = 0;
  #peerEnded = false;
  #serving = false;

  constructor(ctx: GatewayContext, socket: Socket) {
    this.#ctx = ctx;
    this.socket = socket;
    this.#lastActivity = ctx.sweeper.now;
    this.#headDeadline = this.#deadline(ctx.limits.headerTimeoutMs);
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
    ctx.sweeper.add(this);
  }

  // ── what a request uses ──────────────────────────────────────────────────────

  write(data: string | Buffer): boolean {
    return typeof data === 'string' ? this.socket.write(data, 'latin1') : this.socket.write(data);
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  onceDrained(listener: () => void): void {
    this.socket.once('drain', listener);
  }

  /** The gateway's own answer; returns its body length (bytes_out). */
  answer(answer: GatewayAnswer, options: { close: boolean; keepAliveOneZero: boolean }): number {
    const { text, bodyBytes } = answerText(answer, options);
    this.socket.write(text);
    return bodyBytes;
  }

  /** Whether the answer to `head` ends the connection: the agent asked, it is leaving, the
   *  gateway is draining, or this connection is one the cluster asked to shed. */
  shouldCloseAfter(head: RequestHead): boolean {
    const ctx = this.#ctx;
    if (!head.keepAlive || this.#peerEnded || ctx.draining) return true;
    if (ctx.shedConnections > 0) {
      ctx.shedConnections--;
      return true;
    }
    return false;
  }

  pauseFor(reason: number): void {
    if (this.#paused === 0) this.socket.pause();
    this.#paused |= reason;
  }

  resumeFor(reason: number): void {
    if ((this.#paused & reason) === 0) return;
    this.#paused &= ~reason;
    if (this.#paused === 0 && this.#state !== DONE) this.socket.resume();
  }

  requestDone(request: ProxyRequest, close: boolean): void {
    if (this.#request !== request) return;
    this.#request = null;
    if (this.#state !== ACTIVE) return;
    if (close || this.#ctx.draining || (this.#peerEnded && this.#pending === null)) return this.#closeGracefully();
    this.#state = HEAD;
    this.resumeFor(PAUSED_FOR_PIPELINE);
    if (this.#pending === null) this.#idleDeadline = this.#deadline(this.#ctx.limits.idleTimeoutMs);
    else this.#headDeadline = this.#deadline(this.#ctx.limits.headerTimeoutMs);
    this.#serve();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** True when no request is running and no bytes wait: safe to close at once (drain). */
  get idle(): boolean {
    return this.#state === HEAD && this.#pending === null;
  }

  /** Close now if idle; otherwise after the current answer (which then says close). */
  closeIfIdle(): void {
    if (this.idle) this.#closeGracefully();
  }

  checkDeadlines(now: number): void {
    if (this.#state === ACTIVE) {
      const request = this.#request as ProxyRequest;
      request.checkDeadlines(now);
      // An agent that stopped sending its body mid-way holds an upstream connection too.
      if (this.#request === request && !request.body.complete && now - this.#lastActivity > this.#ctx.limits.idleTimeoutMs) {
        request.clientGone();
      }
    } else if (this.#state === HEAD) {
      if (this.#headDeadline !== 0 && now >= this.#headDeadline) this.#refuse(408, 'header_timeout', 'request headers not received in time');
      else if (this.#idleDeadline !== 0 && now >= this.#idleDeadline) this.socket.destroy();
    } else if (this.#state === CLOSING && now >= this.#lingerDeadline) {
      this.socket.destroy();
    }
  }

  // ── socket events ────────────────────────────────────────────────────────────

  readonly #onData = (chunk: Buffer): void => {
    this.#lastActivity = this.#ctx.sweeper.now;
    if (this.#state === HEAD) {
      if (this.#pending === null && this.#idleDeadline !== 0) {
        this.#idleDeadline = 0;
        this.#headDeadline = this.#deadline(this.#ctx.limits.headerTimeoutMs);
      }
      this.#hold(chunk);
      this.#serve();
    } else if (this.#state === ACTIVE) {
      this.#readDuringRequest(chunk, this.#request as ProxyRequest);
    }
    // CLOSING: what arrives after the gateway closed its side is read and dropped, so the
    // kernel does not answer it with a reset that could destroy the answer in flight.
  };

  readonly #onEnd = (): void => {
    this.#peerEnded = true;
    if (this.#state === ACTIVE) {
      const request = this.#request as ProxyRequest;
      if (!request.body.complete) request.clientGone(); // the body can never complete now
    } else if (this.#state === HEAD && this.#pending === null) {
      this.#closeGracefully();
    } else if (this.#state !== DONE) {
      this.socket.destroy(); // a half-sent head, or the agent answering our close
    }
  };

  readonly #onError = (): void => {
    this.socket.destroy();
  };

  readonly #onClose = (): void => {
    if (this.#state === DONE) return;
    this.#state = DONE;
    this.#ctx.sweeper.delete(this);
    this.#pending = null;
    this.#request?.clientGone();
    this.#request = null;
  };

  // ── requests ─────────────────────────────────────────────────────────────────

  #readDuringRequest(chunk: Buffer, request: ProxyRequest): void {
    if (!request.body.complete) {
      const taken = request.body.take(chunk);
      if (taken < 0) return request.bodyFailed();
      if (request.body.complete) request.bodyCompleted();
      if (taken === chunk.length) return;
      chunk = chunk.subarray(taken);
    }
    this.#hold(chunk);
    if ((this.#pending as Buffer).length > this.#ctx.limits.maxHeaderSize) this.pauseFor(PAUSED_FOR_PIPELINE);
  }

  #hold(chunk: Buffer): void {
    this.#pending = this.#pending === null ? chunk : Buffer.concat([this.#pending, chunk]);
  }

  /** Start every complete request head waiting, one at a time (a loop, not recursion: a
   *  refusal answered at once comes back here through requestDone). */
  #serve(): void {
    if (this.#serving) return;
    this.#serving = true;
    try {
      while (this.#state === HEAD && this.#pending !== null && this.#nextRequest());
    } finally {
      this.#serving = false;
    }
  }

  /** Parse one head from the pending bytes and start its request; false if it is incomplete. */
  #nextRequest(): boolean {
    const buffer = this.#pending as Buffer;
    const start = skipEmptyLines(buffer, 0, buffer.length);
    const max = this.#ctx.limits.maxHeaderSize;
    const end = findHeadEnd(buffer, start, this.#searchFrom);
    if (end < 0 || end - start > max) {
      if (buffer.length - start > max) this.#refuse(431, 'header_overflow', 'request headers too large');
      else this.#searchFrom = buffer.length;
      return false;
    }
    this.#searchFrom = 0;
    this.#pending = end < buffer.length ? buffer.subarray(end) : null;
    this.#headDeadline = 0;
    const parsed = parseRequestHead(buffer.toString('latin1', start, end));
    if (!parsed.ok) {
      this.#refuse(parsed.status, parsed.code, `malformed request: ${parsed.error}`);
      return false;
    }
    this.#start(parsed.head);
    return true;
  }

  #start(head: RequestHead): void {
    if (head.method === 'CONNECT') return this.#startTunnel(head);
    if (head.upgrade !== null) return this.#refuse(400, 'upgrade', `upgrade to \`${head.upgrade.slice(0, 64)}\` is not supported: use CONNECT`);
    if (head.expect !== undefined && head.expect !== '100-continue') {
      return this.#refuse(417, 'expectation', `expectation \`${head.expect.slice(0, 64)}\` is not supported`);
    }
    const request = new ProxyRequest(this.#ctx, this, head);
    this.#state = ACTIVE;
    this.#request = request;
    request.start();
    // Body bytes that came with the head go to the request once it runs (unless it already
    // ended: a refusal closes a connection whose body was not read).
    const rest = this.#pending;
    if (this.#request !== request || request.body.complete || rest === null) return;
    this.#pending = null;
    this.#readDuringRequest(rest, request);
  }

  #startTunnel(head: RequestHead): void {
    this.#state = DONE;
    this.#ctx.sweeper.delete(this);
    const socket = this.socket;
    socket.removeListener('data', this.#onData);
    socket.removeListener('end', this.#onEnd);
    socket.removeListener('error', this.#onError);
    socket.removeListener('close', this.#onClose);
    const early = this.#pending ?? Buffer.alloc(0);
    this.#pending = null;
    handleConnect(this.#ctx, { socket, head: early, authorization: head.proxyAuthorization, target: head.target });
  }

  /** A request refused before any decision (malformed, too large, too slow): answered and
   *  counted, not audited, and the connection closed. */
  #refuse(status: number, code: string, error: string): void {
    this.#ctx.metrics.clientErrors.inc({ reason: code });
    this.#pending = null;
    sendAnswerOnSocket(this.socket, { status, error, decision: null, policyId: null, requestId: newRequestId() });
    this.#enterClosing();
  }

  #closeGracefully(): void {
    this.socket.end();
    this.#enterClosing();
  }

  #enterClosing(): void {
    if (this.#state === DONE) return;
    this.#state = CLOSING;
    this.#lingerDeadline = this.#deadline(LINGER_MS);
    if (this.#peerEnded) this.socket.destroySoon();
  }

  /** A deadline `ms` from now on the coarse clock, never early (a tick is added). */
  #deadline(ms: number): number {
    return this.#ctx.sweeper.now + this.#ctx.sweeper.tickMs + ms;
  }
}
