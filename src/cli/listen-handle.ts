// The proxy port of a gateway cluster: one listening socket, bound by the primary and handed
// to every worker several times over IPC, each copy a descriptor of its own.
//
// Why several: libuv (1.45+, so Node 20) accepts one connection per listening handle per
// event-loop turn (libuv#3696). A worker serving 1,000 connections turns its loop every
// 20–45 ms, so with one handle a burst of 2,000 new connections was accepted at ~50 a second
// per worker: seconds in the accept queue, and timeouts (seen in back-to-back wrk runs at
// c=2000: 1,900 connections queued, p99 4.8 s). With ACCEPTORS_PER_WORKER handles a turn
// accepts that many. Node's own cluster sharing (SharedHandle) gives each worker one handle,
// and cannot give it a second for the same port, so the primary binds the socket itself, as
// that code does, with the same net._createServerHandle. It never listens on it: only the
// workers accept.
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { getSystemErrorName } from 'node:util';
import { formatHostPort, type HostPort } from '../config/index.js';

export const ACCEPTORS_PER_WORKER = 32;

/** A bound TCP server handle (Node's internal TCP wrap), sendable over IPC as 'net.Native'. */
export interface ListenHandle {
  close(): void;
}

interface NetInternals {
  _createServerHandle(address: string, port: number, addressType: number): ListenHandle | number;
}

export async function bindListenHandle(at: HostPort): Promise<ListenHandle> {
  const { address, family } = await lookup(at.host);
  const created = (net as unknown as NetInternals)._createServerHandle(address, at.port, family);
  if (typeof created === 'number') {
    const code = getSystemErrorName(created);
    throw Object.assign(new Error(`gateway listen ${formatHostPort(at)}: ${code}`), { code });
  }
  return created;
}
