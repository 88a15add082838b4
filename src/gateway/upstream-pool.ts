// Keep-alive connections to upstreams, pooled per checked address (and TLS server name): a
// request takes the most recently used idle one, or opens one, or, when an origin already has
// UPSTREAM_CONNECTIONS_PER_ORIGIN open, waits for one to come back. One request at a time per
// connection (no pipelining), so a slow response never holds up another.
//
//   idle: key ─► [conn, conn, conn]   (a stack: the warmest connection is reused first;
//                                      the coldest, at the bottom, idle out first)
import net from 'node:net';
import tls from 'node:tls';

/** Where a request goes: the address the guard checked, never a name resolved again. */
export interface UpstreamTarget {
  readonly key: string;
  readonly address: string;
  readonly family: 4 | 6;
  readonly port: number;
  /** For https:// targets: the name the certificate must carry (undefined for an IP literal). */
  readonly tls: { readonly servername: string | undefined } | null;
}

/** The request using a connection gets its events. */
export interface UpstreamUser {
  onUpstreamData(chunk: Buffer): void;
  /** The upstream ended its side (FIN). */
  onUpstreamEnd(): void;
  /** The connection failed or closed without an end. */
  onUpstreamError(error: Error): void;
}

// Pooled connections are closed after this idle time: below the 5 s keep-alive of Node
// origins and the 75 s of nginx, so the gateway, not the origin, closes an idle socket.
export const UPSTREAM_IDLE_MS = 4_000;
// Per origin and worker: more requests than this wait for a free connection instead of
// opening one socket (and its buffers) each; a browser uses 6.
export const UPSTREAM_CONNECTIONS_PER_ORIGIN = 256;

// Plain-TCP upstream sockets read into this one buffer (net's `onread`) and each read is
// copied out of it at once. Read as a stream instead, every read is an ArrayBuffer of its own
// (allocated, then freed when a young-generation collection sweeps it) and a trip through the
// stream machinery ('data', a nextTick); copied out, a response of up to 4 KiB lands in
// Buffer's shared 8 KiB pool. One buffer serves every socket of the process: a read is handed
// to its callback before the next read starts. TLS sockets read as streams.
const READ_BUFFER = Buffer.allocUnsafeSlow(64 * 1024);

export class UpstreamConnection {
  readonly socket: net.Socket;
  readonly target: UpstreamTarget;
  readonly #pool: UpstreamPool;
  user: UpstreamUser | null = null;
  /** It has carried a request before: the origin may have closed it meanwhile. */
  reused = false;
  idleSince = 0;
  closed = false;

  /** `readsIntoBuffer`: the socket was opened with `onread` and delivers through received(). */
  constructor(socket: net.Socket, target: UpstreamTarget, pool: UpstreamPool, readsIntoBuffer: boolean) {
    this.socket = socket;
    this.target = target;
    this.#pool = pool;
    if (!readsIntoBuffer) socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('end', () => {
      if (this.user !== null) this.user.onUpstreamEnd();
      this.destroy();
    });
    socket.on('error', (error: Error) => this.#lost(error));
    socket.on('close', () => this.#lost(new UpstreamClosedError()));
  }

  /** Bytes from the upstream; `chunk` is the connection's own (never the shared buffer). */
  received(chunk: Buffer): void {
    if (this.user !== null) this.user.onUpstreamData(chunk);
    else this.destroy(); // an idle connection has nothing to say: it is not usable
  }

  #lost(error: Error): void {
    const user = this.user;
    this.user = null;
    this.destroy();
    user?.onUpstreamError(error);
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.user = null;
    this.socket.destroy();
    this.#pool.forget(this);
  }
}

/** The upstream closed the connection without ending it properly (reset, or closed mid-way). */
export class UpstreamClosedError extends Error {
  readonly code = 'ECONNRESET';
  constructor() {
    super('upstream connection closed');
  }
}

export class UpstreamConnectTimeoutError extends Error {
  readonly code = 'CLAWGRESS_CONNECT_TIMEOUT';
  constructor() {
    super('upstream connect timeout');
  }
}

interface Waiter {
  readonly user: UpstreamUser;
  readonly done: (result: UpstreamConnection | Error) => void;
}

export class UpstreamPool {
  readonly #idle = new Map<string, UpstreamConnection[]>();
  readonly #open = new Map<string, number>();
  readonly #waiters = new Map<string, Waiter[]>();
  readonly #connectTimeoutMs: number;
  readonly #now: () => number;
  #closed = false;

  constructor(options: { connectTimeoutMs: number; now: () => number }) {
    this.#connectTimeoutMs = options.connectTimeoutMs;
    this.#now = options.now;
  }

  /** A connection for `user`, now or once one is free; `done` is called exactly once.
   *  `fresh`: not an idle one (a retry after a pooled connection turned out closed). */
  acquire(target: UpstreamTarget, user: UpstreamUser, done: (result: UpstreamConnection | Error) => void, options?: { fresh: boolean }): void {
    const idle = options?.fresh === true ? null : this.#takeIdle(target.key);
    if (idle !== null) {
      idle.user = user;
      return done(idle);
    }
    if (this.#closed) return done(new Error('gateway is shutting down'));
    const open = this.#open.get(target.key) ?? 0;
    if (open >= UPSTREAM_CONNECTIONS_PER_ORIGIN) {
      const waiters = this.#waiters.get(target.key);
      if (waiters === undefined) this.#waiters.set(target.key, [{ user, done }]);
      else waiters.push({ user, done });
      return;
    }
    this.#connect(target, { user, done });
  }

  /** Back to the pool after a complete exchange (or to the next waiter). */
  release(connection: UpstreamConnection): void {
    connection.user = null;
    if (connection.closed) return;
    if (this.#closed) return connection.destroy();
    // An idle connection must be read, so that a close or a stray byte is seen at once.
    if (connection.socket.isPaused()) connection.socket.resume();
    connection.reused = true;
    const waiter = this.#waiters.get(connection.target.key)?.shift();
    if (waiter !== undefined) {
      connection.user = waiter.user;
      return waiter.done(connection);
    }
    connection.idleSince = this.#now();
    const idle = this.#idle.get(connection.target.key);
    if (idle === undefined) this.#idle.set(connection.target.key, [connection]);
    else idle.push(connection);
  }

  /** Called by a connection as it closes: its slot may go to a waiter. */
  forget(connection: UpstreamConnection): void {
    this.#slotFreed(connection.target);
  }

  /** Drop a waiter whose request went away before it got a connection. */
  cancel(target: UpstreamTarget, user: UpstreamUser): void {
    const waiters = this.#waiters.get(target.key);
    const index = waiters?.findIndex((w) => w.user === user) ?? -1;
    if (waiters !== undefined && index >= 0) waiters.splice(index, 1);
  }

  /** Close connections idle for longer than UPSTREAM_IDLE_MS (the oldest sit at the bottom). */
  sweep(now: number): void {
    for (const [key, idle] of this.#idle) {
      let expired = 0;
      while (expired < idle.length && (idle[expired] as UpstreamConnection).idleSince + UPSTREAM_IDLE_MS <= now) expired++;
      const gone = idle.splice(0, expired);
      for (const connection of gone) connection.destroy();
      if (idle.length === 0) this.#idle.delete(key);
    }
  }

  /** Shut down: idle connections close now, busy ones when their exchange ends. */
  close(): void {
    this.#closed = true;
    for (const idle of this.#idle.values()) for (const connection of idle) connection.destroy();
    this.#idle.clear();
    for (const waiters of this.#waiters.values()) for (const waiter of waiters) waiter.done(new Error('gateway is shutting down'));
    this.#waiters.clear();
  }

  #takeIdle(key: string): UpstreamConnection | null {
    const idle = this.#idle.get(key);
    if (idle === undefined) return null;
    let connection = idle.pop();
    while (connection !== undefined && connection.closed) connection = idle.pop();
    if (idle.length === 0) this.#idle.delete(key);
    return connection ?? null;
  }

  #connect(target: UpstreamTarget, waiter: Waiter): void {
    this.#open.set(target.key, (this.#open.get(target.key) ?? 0) + 1);
    // Reading starts once 'connect' has been emitted, and by then `connection` is set; bytes
    // without one would have no request to go to, so the socket is closed rather than read on.
    let connection: UpstreamConnection | null = null;
    const onread = {
      buffer: READ_BUFFER,
      // true: keep reading (a request pauses its upstream with socket.pause(), as before).
      callback: (length: number): boolean => {
        if (connection === null) {
          socket.destroy();
          return false;
        }
        // allocUnsafe takes a read of under 4 KiB from Buffer's pool; copy() needs no view.
        const chunk = Buffer.allocUnsafe(length);
        READ_BUFFER.copy(chunk, 0, 0, length);
        connection.received(chunk);
        return true;
      },
    };
    const socket = target.tls === null
      ? net.connect({ host: target.address, port: target.port, family: target.family, noDelay: true, onread })
      : tls.connect({
          host: target.address, port: target.port, ALPNProtocols: ['http/1.1'],
          ...(target.tls.servername === undefined ? {} : { servername: target.tls.servername }),
        });
    const ready = target.tls === null ? 'connect' : 'secureConnect';
    let settled = false;
    const settle = (result: UpstreamConnection | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener('error', onError);
      if (result instanceof Error) {
        socket.destroy();
        this.#slotFreed(target);
      }
      waiter.done(result);
    };
    const onError = (error: Error): void => settle(error);
    const timer = setTimeout(() => settle(new UpstreamConnectTimeoutError()), this.#connectTimeoutMs);
    socket.once('error', onError);
    socket.once(ready, () => {
      if (target.tls !== null) socket.setNoDelay(true);
      connection = new UpstreamConnection(socket, target, this, target.tls === null);
      connection.user = waiter.user;
      settle(connection);
    });
  }

  /** A closed connection or a failed connect frees its slot; the next waiter may take it. */
  #slotFreed(target: UpstreamTarget): void {
    const open = (this.#open.get(target.key) ?? 1) - 1;
    if (open > 0) this.#open.set(target.key, open);
    else this.#open.delete(target.key);
    const waiters = this.#waiters.get(target.key);
    const waiter = waiters?.shift();
    if (waiters !== undefined && waiters.length === 0) this.#waiters.delete(target.key);
    if (waiter !== undefined) this.#connect(target, waiter);
  }
}
