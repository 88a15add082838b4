// Upstream failures map to 502/504 with a clear reason; slow clients are cut at the header timeout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ProxyAgent, request } from 'undici';
import { createKeyAgent, publishPolicies, startServe, type ServeProcess } from '../helpers/serve.js';
import { freePort } from '../helpers/wait.js';

let serve: ServeProcess;
let key: string;
let silent: net.Server; // accepts connections and never answers
let silentPort: number;
let closedPort: number; // nothing listens here

before(async () => {
  silent = net.createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as net.AddressInfo).port;
  closedPort = await freePort();
  serve = await startServe({
    args: ['--allow-internal', '127.0.0.1/32', '--upstream-response-timeout', '500ms', '--client-header-timeout', '1s'],
  });
  key = await createKeyAgent(serve, 'agent-fail');
  await publishPolicies(serve, [{ policy_id: 'allow-local', action: 'allow', priority: 1, match: { domains: ['127.0.0.1'] } }]);
});

after(async () => {
  await serve.stop();
  silent.close();
});

async function get(url: string): Promise<{ status: number; body: any; requestId: string | undefined }> {
  const dispatcher = new ProxyAgent({ proxyTunnel: false, uri: serve.proxyUrl('agent-fail', key) });
  try {
    const res = await request(url, { dispatcher });
    return { status: res.statusCode, body: await res.body.json(), requestId: res.headers['x-clawgress-request-id'] as string | undefined };
  } finally {
    await dispatcher.close();
  }
}

test('connection refused: 502 naming the upstream', async () => {
  const res = await get(`http://127.0.0.1:${closedPort}/x`);
  assert.equal(res.status, 502);
  assert.equal(res.body.error, `upstream \`127.0.0.1:${closedPort}\`: connection refused`);
  assert.equal(res.body.request_id, res.requestId);
});

test('no response within --upstream-response-timeout: 504', async () => {
  const res = await get(`http://127.0.0.1:${silentPort}/x`);
  assert.equal(res.status, 504);
  assert.equal(res.body.error, `upstream \`127.0.0.1:${silentPort}\`: no response within 500 ms`);
});

test('the audit event of a failed upstream is an allow with the failure in its reason', async () => {
  const events = await serve.waitForAudit(2);
  const refused = events.find((e) => e.destination.port === closedPort);
  assert.equal(refused?.decision, 'allow');
  assert.equal(refused?.status, null);
  assert.equal(refused?.reason, `allowed by policy \`allow-local\`: upstream \`127.0.0.1:${closedPort}\`: connection refused`);
});

test('a client that never finishes its headers is answered 408 and closed', async () => {
  const started = Date.now();
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(serve.proxyPort, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8').on('data', (d: string) => (data += d));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
    socket.write('GET http://127.0.0.1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // and never the blank line
  });
  assert.match(answer, /^HTTP\/1\.1 408 /);
  assert.ok(Date.now() - started < 5_000, 'cut within a few seconds of the 1 s timeout');
});
