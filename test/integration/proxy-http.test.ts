// Plain HTTP through the real gateway process with real clients: curl, Python urllib, undici.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { ProxyAgent, request } from 'undici';
import { patternChunk, patternHash, startHttpOrigin, type Origin } from '../helpers/origin.js';
import { createKeyAgent, publishPolicies, startServe, type ServeProcess } from '../helpers/serve.js';

const run = promisify(execFile);
const TEN_MB = 10 * 1024 * 1024;
let serve: ServeProcess;
let origin: Origin;
let key: string;
let base: string;

before(async () => {
  origin = await startHttpOrigin();
  serve = await startServe({ args: ['--allow-internal', '127.0.0.1/32'] });
  key = await createKeyAgent(serve, 'agent-http');
  base = `http://127.0.0.1:${origin.port}`;
  await publishPolicies(serve, [
    { policy_id: 'allow-origin', action: 'allow', priority: 10, match: { agents: ['agent-http'], domains: ['127.0.0.1'], methods: ['GET', 'POST', 'PUT'] } },
    { policy_id: 'deny-admin-path', action: 'deny', priority: 20, match: { domains: ['127.0.0.1'], path_prefixes: ['/admin'] } },
  ]);
});

after(async () => {
  await serve.stop();
  await origin.close();
});

async function curl(args: readonly string[]): Promise<{ status: number; headers: string; body: string }> {
  const { stdout } = await run('curl', ['-sS', '-D', '-', '--max-time', '20', ...args], { maxBuffer: 64 * 1024 * 1024 });
  const split = stdout.indexOf('\r\n\r\n');
  const headers = stdout.slice(0, split);
  return { status: Number(/^HTTP\/[\d.]+ (\d+)/.exec(headers)?.[1]), headers: headers.toLowerCase(), body: stdout.slice(split + 4) };
}

test('curl -x with agent:key reaches the origin with the body intact', async () => {
  const res = await curl(['-x', serve.proxyUrl('agent-http', key), `${base}/hello?x=1`]);
  assert.equal(res.status, 200);
  const echoed = JSON.parse(res.body);
  assert.equal(echoed.url, '/hello?x=1');
  assert.equal(echoed.headers['proxy-authorization'], undefined, 'credentials never reach the origin');
  assert.equal(echoed.headers['proxy-connection'], undefined);
  assert.equal(echoed.headers.host, `127.0.0.1:${origin.port}`);
});

test('hop-by-hop headers and those named in Connection are stripped', async () => {
  const res = await curl(['-x', serve.proxyUrl('agent-http', key), '-H', 'Connection: keep-alive, X-Hop', '-H', 'X-Hop: secret', '-H', 'X-End: kept', '-H', 'TE: trailers', `${base}/h`]);
  const echoed = JSON.parse(res.body);
  assert.equal(echoed.headers['x-hop'], undefined);
  assert.equal(echoed.headers['te'], undefined);
  assert.equal(echoed.headers['x-end'], 'kept');
});

test('anonymous request: 407 with Proxy-Authenticate, request id and JSON body', async () => {
  const res = await curl(['-x', `http://127.0.0.1:${serve.proxyPort}`, `${base}/x`]);
  assert.equal(res.status, 407);
  assert.match(res.headers, /proxy-authenticate: basic realm="clawgress"/);
  const id = /x-clawgress-request-id: ([0-9a-f-]{36})/.exec(res.headers)?.[1];
  assert.ok(id);
  const body = JSON.parse(res.body);
  assert.equal(body.decision, 'unauthenticated');
  assert.equal(body.request_id, id);
  assert.equal(body.policy_id, null);
});

test('wrong key: 407', async () => {
  const res = await curl(['-x', serve.proxyUrl('agent-http', `${key}x`), `${base}/x`]);
  assert.equal(res.status, 407);
  assert.equal(JSON.parse(res.body).decision, 'unauthenticated');
});

test('denied by method, path and domain: 403 naming the policy', async () => {
  const method = await curl(['-x', serve.proxyUrl('agent-http', key), '-X', 'DELETE', `${base}/x`]);
  assert.equal(method.status, 403);
  assert.equal(JSON.parse(method.body).policy_id, 'default-deny');
  const path = await curl(['-x', serve.proxyUrl('agent-http', key), `${base}/admin/users`]);
  assert.equal(path.status, 403);
  assert.deepEqual(
    { decision: JSON.parse(path.body).decision, policy_id: JSON.parse(path.body).policy_id, error: JSON.parse(path.body).error },
    { decision: 'deny', policy_id: 'deny-admin-path', error: 'denied by policy `deny-admin-path`' },
  );
  const dotted = await curl(['-x', serve.proxyUrl('agent-http', key), '--path-as-is', `${base}/public/../admin/users`]);
  assert.equal(JSON.parse(dotted.body).policy_id, 'deny-admin-path', 'dot segments cannot slip past a path rule');
  const domain = await curl(['-x', serve.proxyUrl('agent-http', key), 'http://example.invalid/x']);
  assert.equal(domain.status, 403);
  assert.equal(JSON.parse(domain.body).policy_id, 'default-deny');
});

test('a 10 MB response streams through intact (sha256)', async () => {
  const { stdout } = await run('sh', ['-c', `curl -sS --max-time 60 -x '${serve.proxyUrl('agent-http', key)}' '${base}/stream/${TEN_MB}' | sha256sum`]);
  assert.equal(stdout.split(' ')[0], patternHash(TEN_MB));
});

test('a 10 MB request body streams through intact (sha256, undici ProxyAgent)', async () => {
  const dispatcher = new ProxyAgent({ proxyTunnel: false, uri: `http://127.0.0.1:${serve.proxyPort}`, token: `Basic ${Buffer.from(`agent-http:${key}`).toString('base64')}` });
  async function* body(): AsyncGenerator<Buffer> {
    for (let i = 0; i < TEN_MB / 65_536; i++) yield patternChunk(i, 65_536);
  }
  const res = await request(`${base}/upload`, { method: 'PUT', body: Readable.from(body()), dispatcher });
  const echoed = (await res.body.json()) as { bytes: number; sha256: string };
  assert.equal(res.statusCode, 200);
  assert.equal(echoed.bytes, TEN_MB);
  assert.equal(echoed.sha256, patternHash(TEN_MB));
  await dispatcher.close();
});

test('Python urllib with a proxy URL', async () => {
  const script = [
    'import json, sys, urllib.request',
    'h = urllib.request.ProxyHandler({"http": sys.argv[1]})',
    'r = urllib.request.build_opener(h).open(sys.argv[2], data=b"hello", timeout=10)',
    'print(r.status, json.loads(r.read())["sha256"])',
  ].join('\n');
  const { stdout } = await run('python3', ['-c', script, serve.proxyUrl('agent-http', key), `${base}/py`]);
  assert.equal(stdout.trim(), `200 ${createHash('sha256').update('hello').digest('hex')}`);
});

test('keep-alive: many requests on one client connection, pooled upstream', async () => {
  const before = origin.connections;
  const urls = Array.from({ length: 20 }, (_, i) => `${base}/ka/${i}`);
  const res = await curl(['-x', serve.proxyUrl('agent-http', key), ...urls]);
  assert.equal(res.status, 200);
  assert.ok(origin.connections - before <= 2, `upstream connections opened: ${origin.connections - before}`);
});
