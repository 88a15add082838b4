// Open-loop load: requests are scheduled in advance at a fixed total rate, spread evenly
// (request i is due at start + i / rate), and each one's latency is measured from the time it
// was DUE, not from when it was sent. A stalled target therefore shows up in the latency of
// every request that had to wait for it, instead of silently lowering the load
// (coordinated omission, which closed-loop tools like wrk have by design).
//
//   timer ──due──► idle connection? ──yes──► write the pre-built request
//                                    └─no──► pending (FIFO), sent by the next connection freed
//   response complete ──► latency = now - due ──► connection back to the idle FIFO
//
// The idle queue is FIFO, so at low latency the requests rotate over every connection: all
// N connections stay open and in use (2,000 connections at 2,000 req/s: one request per
// connection per second). A warm-up phase on the same connections comes first, unmeasured.

import { connect, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Fifo } from './fifo.js';
import { PhaseStats, type OpenLoopErrors, type OpenLoopResult } from './open-loop-stats.js';
import { ResponseParser, type ResponseHandlers } from './response-parser.js';

export interface OpenLoopOptions {
  readonly host: string;
  readonly port: number;
  /** Sent in turn, one per scheduled request (several: each from the next agent). */
  readonly requests: readonly Buffer[];
  readonly conns: number;
  readonly rate: number; // requests per second, all connections together
  readonly durationS: number;
  readonly warmupS: number; // unmeasured phase at the same rate first; 0: none
  readonly timeoutS: number;
  readonly connectBatch: number; // connections opened at once while setting up
  /** Told when the measured phase starts and when it (and its stragglers) ended. */
  readonly onPhase?: (phase: 'measuring' | 'measured') => void;
}

const IDLE = -1;
const SWEEP_INTERVAL_MS = 100;

class Connection {
  socket = new Socket(); // replaced by a connected one in #open
  dueAt = IDLE; // IDLE when no request is outstanding
  sentAt = 0;
  used = false;
  readonly parser: ResponseParser;

  constructor(handlersFor: (connection: Connection) => ResponseHandlers) {
    this.parser = new ResponseParser(handlersFor(this));
  }
}

export class OpenLoop {
  readonly #options: OpenLoopOptions;
  readonly #idle: Fifo<Connection>;
  readonly #pending = new Fifo<number>(1024);
  readonly #connections: Connection[] = [];
  #stats = new PhaseStats(0);
  #outstanding = 0;
  #sent = 0;
  #stopping = false;

  constructor(options: OpenLoopOptions) {
    if (options.requests.length === 0) throw new RangeError('open loop: no request to send');
    this.#options = options;
    this.#idle = new Fifo<Connection>(options.conns);
  }

  async run(): Promise<OpenLoopResult> {
    const connectStarted = performance.now();
    await this.#openAll();
    const connectS = (performance.now() - connectStarted) / 1000;
    const sweeper = setInterval(() => this.#sweepTimeouts(performance.now()), SWEEP_INTERVAL_MS);
    if (this.#options.warmupS > 0) await this.#phase(this.#options.warmupS);
    for (const connection of this.#connections) connection.used = false;
    this.#options.onPhase?.('measuring');
    const cpuBefore = process.cpuUsage();
    const wallMs = await this.#phase(this.#options.durationS);
    const cpu = process.cpuUsage(cpuBefore);
    this.#options.onPhase?.('measured');
    clearInterval(sweeper);
    this.#closeAll();
    return this.#stats.result({
      durationS: this.#options.durationS,
      connectS,
      cpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      connsUsed: this.#connections.filter((connection) => connection.used).length,
    });
  }

  /** One schedule of `seconds` at the rate, then its stragglers; resolves with the wall time in ms. */
  async #phase(seconds: number): Promise<number> {
    this.#stats = new PhaseStats(Math.round(this.#options.rate * seconds));
    const startAt = performance.now() + 20;
    await this.#schedule(startAt, this.#stats.scheduled);
    await this.#drain();
    return performance.now() - startAt;
  }

  async #openAll(): Promise<void> {
    const { conns, connectBatch } = this.#options;
    for (let opened = 0; opened < conns; opened += connectBatch) {
      const batch = Array.from({ length: Math.min(connectBatch, conns - opened) }, () => this.#open());
      for (const connection of await Promise.all(batch)) {
        this.#connections.push(connection);
        this.#idle.push(connection);
      }
    }
  }

  #open(connection = new Connection((self) => this.#handlersFor(self))): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.#options.host, port: this.#options.port, noDelay: true });
      connection.socket = socket;
      connection.parser.reset();
      socket.once('connect', () => {
        socket.off('error', reject);
        socket.on('error', () => undefined); // 'close' follows and handles it
        socket.on('close', () => this.#onClose(connection, socket));
        socket.on('data', (chunk: Buffer) => connection.parser.feed(chunk));
        resolve(connection);
      });
      socket.once('error', reject);
    });
  }

  #handlersFor(connection: Connection): ResponseHandlers {
    return {
      onResponse: (status, closes) => this.#onResponse(connection, status, closes),
      onError: (reason) => this.#onBroken(connection, 'protocol', reason),
    };
  }

  /** Dispatch every request that is due, then sleep until the next one is. */
  #schedule(startAt: number, total: number): Promise<void> {
    const intervalMs = 1000 / this.#options.rate;
    let next = 0;
    return new Promise((resolve) => {
      const tick = (): void => {
        const now = performance.now();
        while (next < total && startAt + next * intervalMs <= now) this.#dispatch(startAt + next++ * intervalMs);
        if (next >= total) return resolve();
        setTimeout(tick, Math.max(0, startAt + next * intervalMs - performance.now()));
      };
      setTimeout(tick, Math.max(0, startAt - performance.now()));
    });
  }

  #dispatch(dueAt: number): void {
    const connection = this.#idle.shift();
    if (connection === undefined) this.#pending.push(dueAt);
    else this.#send(connection, dueAt);
  }

  #send(connection: Connection, dueAt: number): void {
    connection.dueAt = dueAt;
    connection.used = true;
    connection.sentAt = performance.now();
    this.#stats.recordSend(connection.sentAt - dueAt);
    this.#outstanding += 1;
    this.#stats.maxOutstanding = Math.max(this.#stats.maxOutstanding, this.#outstanding + this.#pending.size);
    const { requests } = this.#options;
    connection.socket.write(requests[this.#sent++ % requests.length] as Buffer);
  }

  #onResponse(connection: Connection, status: number, closes: boolean): void {
    if (connection.dueAt === IDLE) return this.#onBroken(connection, 'protocol', 'a response nobody asked for');
    const now = performance.now();
    this.#stats.recordResponse(now - connection.dueAt, now - connection.sentAt);
    if (status >= 400) this.#stats.noteError('status', `status ${status}`);
    this.#finishRequest(connection);
    if (closes) connection.socket.destroy(); // #onClose reconnects it
    else this.#release(connection);
  }

  #finishRequest(connection: Connection): void {
    connection.dueAt = IDLE;
    this.#outstanding -= 1;
  }

  #release(connection: Connection): void {
    const dueAt = this.#pending.shift();
    if (dueAt === undefined) this.#idle.push(connection);
    else this.#send(connection, dueAt);
  }

  /** A request outstanding on a connection that failed is an error; the connection is replaced. */
  #onBroken(connection: Connection, kind: keyof OpenLoopErrors, reason: string): void {
    if (connection.dueAt !== IDLE) {
      this.#stats.noteError(kind, reason);
      this.#finishRequest(connection);
    }
    connection.socket.destroy();
  }

  #onClose(connection: Connection, socket: Socket): void {
    // An older socket of this connection, or the end of the run (closeAll counted what was left).
    if (connection.socket !== socket || this.#stopping) return;
    if (connection.dueAt !== IDLE) this.#onBroken(connection, 'socket', 'connection closed with a request outstanding');
    this.#stats.reconnects += 1;
    this.#open(connection).then(
      () => this.#release(connection),
      (error: unknown) => this.#stats.noteError('socket', `reconnect failed: ${String(error)}`),
    );
  }

  #sweepTimeouts(now: number): void {
    const limitMs = this.#options.timeoutS * 1000;
    for (const connection of this.#connections) {
      if (connection.dueAt !== IDLE && now - connection.dueAt > limitMs) {
        this.#onBroken(connection, 'timeout', `no response within ${this.#options.timeoutS} s`);
      }
    }
  }

  /** After the last request is due: wait for the outstanding ones, up to the timeout. */
  async #drain(): Promise<void> {
    const deadline = performance.now() + this.#options.timeoutS * 1000;
    while ((this.#outstanding > 0 || this.#pending.size > 0) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  #closeAll(): void {
    this.#stopping = true;
    this.#stats.errors.unfinished = this.#outstanding + this.#pending.size;
    for (const connection of this.#connections) connection.socket.destroy();
  }
}
