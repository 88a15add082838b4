// Garbage in: clear errors out, and the process stays up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServe, TEST_ADMIN_TOKEN, type ServeProcess } from '../helpers/serve.js';

let serve: ServeProcess;

before(async () => {
  serve = await startServe({ args: ['--max-header-size', '16KiB', '--admin-body-limit', '64KiB'] });
});

after(async () => {
  await serve.stop();
});

/** Write raw bytes to the proxy port and read until the gateway closes. */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(serve.proxyPort, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (data += d));
    socket.on('close', () => resolve(data));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(data) : reject(e)));
    socket.end(bytes);
  });
}

const malformed: [string, string, RegExp][] = [
  ['a method with characters no token allows', 'G@T http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n', /^HTTP\/1\.1 400 /],
  ['an unknown HTTP version (505, RFC 9110 §15.6.6)', 'GET http://example.com/ HTTP/7.3\r\nHost: example.com\r\n\r\n', /^HTTP\/1\.1 505 /],
  ['a request line of garbage bytes', '\x01\x02\x03 nonsense\r\n\r\n', /^HTTP\/1\.1 400 /],
  ['a header without a colon', 'GET http://example.com/ HTTP/1.1\r\nHost example.com\r\n\r\n', /^HTTP\/1\.1 400 /],
  ['both Content-Length and Transfer-Encoding (smuggling shape)', 'POST http://example.com/ HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', /^HTTP\/1\.1 400 /],
  ['headers larger than --max-header-size', `GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`, /^HTTP\/1\.1 431 /],
];

for (const [name, bytes, expected] of malformed) {
  test(`proxy: ${name} gets a clear error`, async () => {
    const answer = await raw(bytes);
    assert.match(answer, expected);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    assert.equal(typeof body.error, 'string');
    assert.match(answer.toLowerCase(), /x-clawgress-request-id: [0-9a-f-]{36}/);
  });
}

test('proxy: an origin-form request (not a proxy request) is refused with 407 before anything else', async () => {
  const answer = await raw('GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(answer, /^HTTP\/1\.1 407 /);
});

async function admin(path: string, init: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(`${serve.adminUrl}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
  });
  return { status: res.status, body: await res.json() };
}

test('admin: invalid JSON is a 400 that says so', async () => {
  const res = await admin('/agents', { method: 'POST', body: '{"agent_id": ' });
  assert.equal(res.status, 400);
  assert.equal(res.body.code, 'CLAWGRESS_ERR_VALIDATION');
  assert.match(res.body.error, /json/i);
});

test('admin: an unknown field is a 400 naming it, and nothing is written', async () => {
  const res = await admin('/agents', { method: 'POST', body: JSON.stringify({ agent_id: 'x1', team_id: 't', project_id: 'p', environment: 'e', auth_type: 'api_key', colour: 'red' }) });
  assert.equal(res.status, 400);
  assert.match(res.body.error, /colour/);
  assert.equal((await admin('/agents/x1', { method: 'GET' })).status, 404);
});

test('admin: a body over --admin-body-limit is a 413', async () => {
  const res = await admin('/policies', { method: 'POST', body: JSON.stringify({ description: 'x'.repeat(200 * 1024) }) });
  assert.equal(res.status, 413);
  assert.equal(res.body.code, 'CLAWGRESS_ERR_PAYLOAD_TOO_LARGE');
});

test('the process is still up and serving after all of it', async () => {
  assert.equal(serve.child.exitCode, null);
  assert.equal((await fetch(`${serve.adminUrl}/healthz`)).status, 200);
  const answer = await raw('GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n');
  assert.match(answer, /^HTTP\/1\.1 407 /);
});
