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
//
// A gateway without workers (`--workers 1`) has the same limit and no primary to hand it
// copies: it was measured accepting ~100 connections a second while serving 500 (wrk, c=500,
// p90 1.2 s, p99 3.1 s, all of it in the accept queue). Node 20 can neither duplicate a
// descriptor nor bind with SO_REUSEPORT, so such a gateway has a short-lived node child echo
// its bound handle back over IPC, each copy arriving as a descriptor of its own.
import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { getSystemErrorName } from 'node:util';
import { formatHostPort, type HostPort } from '../config/index.js';
import type { Logger } from '../observe/index.js';

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

/** How long the echoing child may take before the gateway makes do with one handle. */
const COPY_TIMEOUT_MS = 10_000;

// Plain CommonJS run by `node -e`, so it needs nothing of the project (nor its loader in tests).
// Its 'message' listener keeps the IPC channel open until every copy has been taken (Node sends
// a handle only once the last was acknowledged); the gateway then ends it, and if the gateway
// goes first the channel closes and so does the child.
const ECHO_SOURCE = `
process.on('message', (message, handle) => {
  for (let i = 0; i < message.count; i++) process.send({ copy: i }, handle);
});
`;

/**
 * `count` more handles of the bound socket `handle`, for listeners in this same process.
 * Rejects if the child cannot be started or does not answer in time; `handle` stays open
 * either way and remains the caller's to listen on.
 */
export function copyListenHandle(handle: ListenHandle, count: number, timeoutMs = COPY_TIMEOUT_MS): Promise<ListenHandle[]> {
  if (count <= 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const copies: ListenHandle[] = [];
    const child = spawn(process.execPath, ['-e', ECHO_SOURCE], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let settled = false;
    const finish = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Its work is done (or given up): every copy sent is already a descriptor here.
      if (child.exitCode === null && child.signalCode === null) child.kill();
      if (error === null) return resolve(copies);
      for (const copy of copies) copy.close();
      reject(error);
    };
    const timer = setTimeout(() => finish(new Error(`no copies of the listening socket after ${timeoutMs} ms`)), timeoutMs);
    child.on('message', (_message: unknown, copy: unknown) => {
      if (typeof copy !== 'object' || copy === null) return;
      // One that arrives after a timeout is nobody's: close it rather than leak the descriptor.
      if (settled) return (copy as ListenHandle).close();
      copies.push(copy as ListenHandle);
      if (copies.length === count) finish(null);
    });
    child.on('error', (error) => finish(error));
    child.on('exit', (code, signal) => finish(new Error(`the copying process ended early (${signal ?? `exit code ${code}`})`)));
    try {
      child.send({ count }, handle as never, {}, (error: Error | null) => error && finish(error));
    } catch (error) {
      finish(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/**
 * The proxy port of a gateway without workers: bound here, as `count` handles. If copies
 * cannot be made it listens on the one handle, told to `onCopyFailed`, and accepts as Node
 * does by itself.
 */
export async function bindListenHandles(
  at: HostPort, count: number, onCopyFailed: (error: Error) => void, copyTimeoutMs = COPY_TIMEOUT_MS,
): Promise<ListenHandle[]> {
  const handle = await bindListenHandle(at);
  try {
    return [handle, ...(await copyListenHandle(handle, count - 1, copyTimeoutMs))];
  } catch (error) {
    onCopyFailed(error instanceof Error ? error : new Error(String(error)));
    return [handle];
  }
}

/** The proxy port of a gateway without workers (`serve --workers 1`, `gateway`), as
 *  ACCEPTORS_PER_WORKER handles: a port that cannot be bound rejects, as a plain listen would. */
export function bindSingleListener(at: HostPort, logger: Logger): Promise<ListenHandle[]> {
  return bindListenHandles(at, ACCEPTORS_PER_WORKER, (error) =>
    logger.warn({ err: error }, 'the proxy port is listened on once: a burst of new connections is then accepted one per event-loop turn'));
}
