// The listening side of the gateway: plain TCP listeners whose connections become
// ClientConnections (the HTTP/1.1 handling is ours: client-connection.ts), and a graceful
// drain on shutdown.
import net, { type AddressInfo, type Socket } from 'node:net';
import { ClientConnection } from './client-connection.js';
import type { GatewayContext } from './context.js';

/** Connections the kernel queues before the gateway accepts them (capped by net.core.somaxconn). */
const BACKLOG = 4096;
/** While draining, idle keep-alive connections are closed on this interval. */
const DRAIN_SWEEP_MS = 100;

export class ProxyListener {
  readonly #ctx: GatewayContext;
  readonly #servers: net.Server[] = [];
  readonly #connections = new Set<ClientConnection>();

  constructor(ctx: GatewayContext) {
    this.#ctx = ctx;
  }

  /**
   * Listens on handles of one bound socket, from a cluster primary or made by a gateway without
   * workers (cli/listen-handle.ts says why there are several): libuv accepts one connection per
   * listening handle per loop turn, so each handle is a listener of its own, all feeding the
   * same connection handling.
   */
  async listenOnHandles(handles: readonly object[]): Promise<AddressInfo> {
    if (handles.length === 0) throw new Error('gateway: no listening handle to listen on');
    const addresses = await Promise.all(handles.map((handle) => {
      const server = this.#newServer();
      return listening(server, (done) => server.listen(handle, BACKLOG, done));
    }));
    return addresses[0] as AddressInfo;
  }

  /** Stop accepting, let in-flight requests finish (answers say `Connection: close`), close
   *  idle connections as they become idle, then cut whatever is left when the grace ends. */
  async drain(graceMs: number): Promise<void> {
    const ctx = this.#ctx;
    ctx.draining = true;
    // Stop accepting. (close()'s callback would wait for every connection to end: the drain
    // below is what ends them.)
    for (const server of this.#servers) server.close();
    await new Promise<void>((resolve) => {
      const sweep = (): void => {
        for (const connection of this.#connections) connection.closeIfIdle();
        if (this.#connections.size === 0) finish();
      };
      const idleSweep = setInterval(sweep, DRAIN_SWEEP_MS);
      const deadline = setTimeout(() => {
        for (const connection of this.#connections) connection.destroy();
        for (const tunnel of ctx.tunnels) tunnel.destroy();
        finish();
      }, graceMs);
      const finish = (): void => {
        clearInterval(idleSweep);
        clearTimeout(deadline);
        resolve();
      };
      sweep();
    });
    ctx.upstream.close();
    ctx.sweeper.stop();
  }

  #newServer(): net.Server {
    // allowHalfOpen: an agent may send its request and then end its side; the answer still
    // has to go out (the connection handles `end` itself).
    const server = net.createServer({ allowHalfOpen: true, noDelay: true }, this.#onConnection);
    this.#servers.push(server);
    return server;
  }

  readonly #onConnection = (socket: Socket): void => {
    const ctx = this.#ctx;
    ctx.clientConnections++;
    ctx.metrics.activeConnections.inc({ kind: 'client' });
    const connection = new ClientConnection(ctx, socket);
    this.#connections.add(connection);
    socket.once('close', () => {
      ctx.clientConnections--;
      ctx.metrics.activeConnections.dec({ kind: 'client' });
      this.#connections.delete(connection);
    });
    if (ctx.draining) connection.closeIfIdle();
  };
}

/** The server's address once `start` has it listening; rejects on the error that stops it. */
function listening(server: net.Server, start: (done: () => void) => void): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    start(() => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
