// The generator against real loopback servers: it must count what the server did.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { OpenLoop } from './open-loop-engine.js';

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const REQUEST = Buffer.from('GET /1k HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
const options = { host: '127.0.0.1', requests: [REQUEST], conns: 20, rate: 200, durationS: 0.5, warmupS: 0, timeoutS: 5, connectBatch: 10 };

test('every scheduled request is answered and counted, over all connections', async () => {
  let served = 0;
  const server = createServer((_request, response) => {
    served += 1;
    response.writeHead(200, { 'content-length': 3 }).end('abc');
  });
  const port = await listening(server);
  const result = await new OpenLoop({ ...options, port }).run();
  server.close();
  assert.equal(result.scheduled, 100);
  assert.equal(result.completed, 100);
  assert.equal(served, 100);
  assert.equal(result.error_total, 0);
  assert.equal(result.latency_ms.count, 100);
  assert.equal(result.conns_used, 20);
  assert.ok((result.latency_ms.p50 ?? -1) >= (result.service_ms.p50 ?? Infinity) - 1e-9);
});

test('the warm-up phase is not counted, and the measured phase is announced around it', async () => {
  let served = 0;
  const events: string[] = [];
  const server = createServer((_request, response) => {
    served += 1;
    events.push(`request ${served}`);
    response.writeHead(200, { 'content-length': 0 }).end();
  });
  const port = await listening(server);
  const onPhase = (phase: string): number => events.push(phase);
  const result = await new OpenLoop({ ...options, port, warmupS: 0.25, onPhase }).run();
  server.close();
  assert.equal(served, 150);
  assert.equal(result.completed, 100);
  assert.equal(events.indexOf('measuring'), 50);
  assert.equal(events.indexOf('measured'), 151);
});

test('error statuses and dropped connections are errors, and the connections are replaced', async () => {
  let n = 0;
  const server = createServer((request, response) => {
    n += 1;
    if (n % 10 === 0) return void request.socket.destroy();
    response.writeHead(n % 10 === 5 ? 503 : 200, { 'content-length': 0 }).end();
  });
  const port = await listening(server);
  const result = await new OpenLoop({ ...options, port }).run();
  server.close();
  assert.equal(result.errors.socket, 10);
  assert.equal(result.errors.status, 10);
  assert.equal(result.completed, 90);
  assert.equal(result.reconnects, 10);
  assert.equal(result.error_total, 20);
});

test('several requests are sent in turn, each as often as the others', async () => {
  const seen = new Map<string, number>();
  const server = createServer((request, response) => {
    seen.set(request.url ?? '', (seen.get(request.url ?? '') ?? 0) + 1);
    response.writeHead(200, { 'content-length': 0 }).end();
  });
  const port = await listening(server);
  const requests = ['/a', '/b', '/c', '/d'].map((path) => Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`));
  const result = await new OpenLoop({ ...options, port, requests }).run();
  server.close();
  assert.equal(result.completed, 100);
  assert.deepEqual(Object.fromEntries(seen), { '/a': 25, '/b': 25, '/c': 25, '/d': 25 });
});
