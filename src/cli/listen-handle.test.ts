import { it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { bindListenHandle, bindListenHandles, copyListenHandle, type ListenHandle } from './listen-handle.js';

const LOOPBACK = { host: '127.0.0.1', port: 0 };

function listenOn(handle: ListenHandle, onConnection: (socket: net.Socket) => void): Promise<net.Server> {
  const server = net.createServer(onConnection);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(handle, () => resolve(server));
  });
}

function close(servers: readonly net.Server[]): Promise<unknown> {
  return Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
}

/** Opens `count` connections and blocks this thread while the kernel completes them all into
 *  the accept queue, so the next event-loop turn finds every one waiting. */
function queueConnections(port: number, count: number): net.Socket[] {
  const clients = Array.from({ length: count }, () => net.connect(port, '127.0.0.1').on('error', () => undefined));
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  return clients;
}

/** How many connections the listeners accept in the event-loop turn of the first one. */
async function acceptedInOneTurn(handles: readonly ListenHandle[], queued: number): Promise<number> {
  let accepted = 0;
  let counted: (count: number) => void = () => undefined;
  const firstTurn = new Promise<number>((resolve) => (counted = resolve));
  const servers = await Promise.all(handles.map((handle) => listenOn(handle, (socket) => {
    socket.destroy();
    // setImmediate runs after the poll phase that is accepting now, before the next one.
    if (accepted++ === 0) setImmediate(() => counted(accepted));
  })));
  const clients = queueConnections((servers[0]?.address() as net.AddressInfo).port, queued);
  const count = await firstTurn;
  for (const client of clients) client.destroy();
  await close(servers);
  return count;
}

it('copies of a bound socket are handles of their own that all accept on its port', async () => {
  const handle = await bindListenHandle(LOOPBACK);
  const copies = await copyListenHandle(handle, 3);
  assert.equal(copies.length, 3);
  const accepted: number[] = [0, 0, 0, 0];
  const servers = await Promise.all([handle, ...copies].map((h, i) => listenOn(h, (socket) => {
    accepted[i] = (accepted[i] ?? 0) + 1;
    socket.end('hi');
  })));
  const ports = new Set(servers.map((server) => (server.address() as net.AddressInfo).port));
  assert.equal(ports.size, 1, 'every copy listens on the one port');
  const port = (servers[0]?.address() as net.AddressInfo).port;
  const replies = await Promise.all(Array.from({ length: 20 }, () => new Promise<string>((resolve, reject) => {
    let text = '';
    net.connect(port, '127.0.0.1').setEncoding('utf8').on('data', (chunk) => (text += chunk)).on('end', () => resolve(text)).on('error', reject);
  })));
  assert.deepEqual(replies, Array.from({ length: 20 }, () => 'hi'));
  assert.equal(accepted.reduce((a, b) => a + b, 0), 20);
  await close(servers);
});

it('an event-loop turn accepts one queued connection per handle: the reason for the copies', async () => {
  const one = await bindListenHandle(LOOPBACK);
  assert.equal(await acceptedInOneTurn([one], 40), 1, 'libuv accepts one connection per handle and turn');
  const many = await bindListenHandles(LOOPBACK, 16, (error) => assert.fail(error));
  assert.equal(many.length, 16);
  assert.equal(await acceptedInOneTurn(many, 40), 16);
});

it('without copies in time the socket is listened on once, and the caller is told', async () => {
  const failures: Error[] = [];
  const handles = await bindListenHandles(LOOPBACK, 8, (error) => failures.push(error), 0);
  assert.equal(handles.length, 1);
  assert.match(String(failures[0]?.message), /no copies of the listening socket after 0 ms/);
  const server = await listenOn(handles[0] as ListenHandle, (socket) => socket.end('still here'));
  const reply = await new Promise<string>((resolve, reject) => {
    let text = '';
    net.connect((server.address() as net.AddressInfo).port, '127.0.0.1').setEncoding('utf8')
      .on('data', (chunk) => (text += chunk)).on('end', () => resolve(text)).on('error', reject);
  });
  assert.equal(reply, 'still here');
  await close([server]);
});

it('a port already taken fails when listened on, as a plain listen would', async () => {
  const taken = await bindListenHandle(LOOPBACK);
  const server = await listenOn(taken, (socket) => socket.destroy());
  const port = (server.address() as net.AddressInfo).port;
  // libuv reports a bind error at listen().
  const handles = await bindListenHandles({ host: '127.0.0.1', port }, 4, () => undefined);
  await assert.rejects(listenOn(handles[0] as ListenHandle, () => undefined), { code: 'EADDRINUSE' });
  for (const handle of handles) handle.close();
  await close([server]);
});
