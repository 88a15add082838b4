// HTTPS through CONNECT tunnels, with a test CA made at run time: curl and undici ProxyAgent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ProxyAgent, request } from 'undici';
import { startHttpsOrigin, type Origin } from '../helpers/origin.js';
import { createKeyAgent, publishPolicies, startServe, type ServeProcess } from '../helpers/serve.js';
import { makeTestPki, type TestPki } from '../helpers/test-ca.js';

const run = promisify(execFile);
let serve: ServeProcess;
let origin: Origin;
let pki: TestPki;
let caFile: string;
let key: string;

before(async () => {
  pki = await makeTestPki();
  caFile = join(mkdtempSync(join(tmpdir(), 'clawgress-ca-')), 'ca.pem');
  writeFileSync(caFile, pki.caPem);
  origin = await startHttpsOrigin(pki);
  serve = await startServe({ args: ['--allow-internal', '127.0.0.1/32'] });
  key = await createKeyAgent(serve, 'agent-tls');
  await publishPolicies(serve, [
    { policy_id: 'allow-tls-origin', action: 'allow', priority: 10, match: { agents: ['agent-tls'], domains: ['127.0.0.1'], ports: [origin.port] } },
    // A path rule on a host: a tunnel there could not enforce it, so CONNECT must be refused.
    { policy_id: 'get-only-localhost', action: 'allow', priority: 10, match: { domains: ['localhost'], methods: ['GET'] } },
  ]);
});

after(async () => {
  await serve.stop();
  await origin.close();
  rmSync(dirname(caFile), { recursive: true, force: true });
});

/** Send a raw CONNECT and read the gateway's answer (status line, headers, JSON body). */
function rawConnect(authority: string, auth: string | null): Promise<{ status: number; head: string; body: any }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(serve.proxyPort, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (data += d));
    socket.on('end', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), head: head.toLowerCase(), body: body === '' ? null : JSON.parse(body) });
    });
    socket.on('error', reject);
    const authLine = auth === null ? '' : `Proxy-Authorization: Basic ${Buffer.from(auth).toString('base64')}\r\n`;
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${authLine}\r\n`);
  });
}

test('curl through an allowed CONNECT tunnel verifies the origin with the test CA', async () => {
  const { stdout } = await run('curl', ['-sS', '--max-time', '10', '--cacert', caFile, '-x', serve.proxyUrl('agent-tls', key), `https://127.0.0.1:${origin.port}/secure`]);
  assert.equal(JSON.parse(stdout).url, '/secure');
});

test('undici ProxyAgent over CONNECT with the test CA', async () => {
  const dispatcher = new ProxyAgent({
    uri: serve.proxyUrl('agent-tls', key),
    requestTls: { ca: pki.caPem },
  });
  const res = await request(`https://127.0.0.1:${origin.port}/undici`, { dispatcher });
  assert.equal(res.statusCode, 200);
  assert.equal(((await res.body.json()) as { url: string }).url, '/undici');
  await dispatcher.close();
});

test('CONNECT to a port no policy allows: 403 default-deny', async () => {
  const res = await rawConnect('127.0.0.1:1', `agent-tls:${key}`);
  assert.equal(res.status, 403);
  assert.match(res.head, /x-clawgress-request-id: [0-9a-f-]{36}/);
  assert.equal(res.body.policy_id, 'default-deny');
});

test('CONNECT where a method rule applies: the tunnel is refused with the tunnel reason', async () => {
  const res = await rawConnect('localhost:443', `agent-tls:${key}`);
  assert.equal(res.status, 403);
  assert.equal(res.body.policy_id, 'get-only-localhost');
  assert.equal(res.body.error, 'connect to `localhost:443`: policy `get-only-localhost` restricts methods or paths, which a tunnel cannot enforce');
});

test('CONNECT without credentials: 407 with Proxy-Authenticate', async () => {
  const res = await rawConnect(`127.0.0.1:${origin.port}`, null);
  assert.equal(res.status, 407);
  assert.match(res.head, /proxy-authenticate: basic realm="clawgress"/);
  assert.equal(res.body.decision, 'unauthenticated');
});

test('curl reports the tunnel refusal status', async () => {
  const result = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_connect}', '--max-time', '10', '-x', serve.proxyUrl('agent-tls', key), 'https://localhost:443/']).catch((e: { stdout: string }) => e);
  assert.equal(result.stdout, '403');
});
