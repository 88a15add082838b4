// `clawgress serve` as an operator meets it: bootstrap, bad settings, health, graceful stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createKeyAgent, publishPolicies, startServe } from '../helpers/serve.js';

const BIN = resolve(import.meta.dirname, '../../bin/clawgress');

test('first start prints a new admin token once; the second start does not, and the token works', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'clawgress-boot-'));
  try {
    const first = await startServe({ dataDir, adminToken: null });
    const token = /admin token: (cga_[A-Za-z0-9_-]{43})/.exec(first.stderr())?.[1];
    assert.ok(token, first.stderr());
    const res = await fetch(`${first.adminUrl}/api/v1/agents`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const wrong = await fetch(`${first.adminUrl}/api/v1/agents`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    await first.stop();
    assert.equal(statSync(join(dataDir, 'signing-key.pem')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dataDir, 'key-hash.secret')).mode & 0o777, 0o600);
    const second = await startServe({ dataDir, adminToken: null });
    assert.doesNotMatch(second.stderr(), /admin token:/);
    const again = await fetch(`${second.adminUrl}/api/v1/agents`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(again.status, 200, 'the token survives a restart');
    assert.ok(!second.stderr().includes(token), 'the token is never printed again');
    await second.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

const badStarts: [string, string[], Record<string, string>, RegExp][] = [
  ['an unknown flag', ['--gateway-lisen', '127.0.0.1:1'], {}, /^clawgress: unknown setting `--gateway-lisen`$/],
  ['an invalid port', ['--gateway-listen', '127.0.0.1:99999'], {}, /^clawgress: invalid setting --gateway-listen: /],
  ['a bad CIDR', ['--allow-internal', '10.0.0.0/33'], {}, /^clawgress: invalid setting --allow-internal: /],
  ['an unknown CLAWGRESS_ variable', [], { CLAWGRESS_GATEWAY_LISTN: 'x' }, /^clawgress: unknown setting CLAWGRESS_GATEWAY_LISTN$/],
];

for (const [name, args, env, expected] of badStarts) {
  test(`refuses to start with one line naming ${name}`, () => {
    const result = spawnSync(process.execPath, [BIN, 'serve', ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', timeout: 15_000 });
    assert.equal(result.status, 2);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? '', expected);
  });
}

test('healthz, readyz and metrics answer on the admin port', async () => {
  const serve = await startServe();
  try {
    assert.equal((await fetch(`${serve.adminUrl}/healthz`)).status, 200);
    const ready = await fetch(`${serve.adminUrl}/readyz`);
    assert.equal(ready.status, 200, 'serve publishes its first bundle at start');
    const metrics = await (await fetch(`${serve.adminUrl}/metrics`)).text();
    assert.match(metrics, /clawgress_requests_total\{decision="allow"\} 0/);
    assert.match(metrics, /clawgress_bundle_version 1/);
  } finally {
    await serve.stop();
  }
});

test('SIGTERM drains an in-flight request and flushes its audit event before exit', async () => {
  let release: () => void = () => undefined;
  const slow = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first half;');
    release = () => res.end('second half');
  });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  const port = (slow.address() as { port: number }).port;
  const serve = await startServe({ args: ['--allow-internal', '127.0.0.1/32', '--shutdown-grace', '10s'] });
  try {
    const key = await createKeyAgent(serve, 'agent-drain');
    await publishPolicies(serve, [{ policy_id: 'allow', action: 'allow', priority: 1, match: { domains: ['127.0.0.1'] } }]);
    const body = new Promise<string>((resolveBody, reject) => {
      const req = http.request({ host: '127.0.0.1', port: serve.proxyPort, path: `http://127.0.0.1:${port}/slow`, headers: { 'proxy-authorization': `Basic ${Buffer.from(`agent-drain:${key}`).toString('base64')}` } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          text += d;
          if (text === 'first half;') {
            serve.child.kill('SIGTERM');
            setTimeout(() => release(), 300);
          }
        });
        res.on('end', () => resolveBody(text));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(await body, 'first half;second half', 'the in-flight response completed');
    const exit = await serve.stop();
    assert.equal(exit.code, 0);
    const events = serve.audit().filter((e) => e.destination.path === '/slow');
    assert.equal(events.length, 1);
    assert.equal(events[0]?.status, 200);
  } finally {
    await serve.stop();
    slow.close();
  }
});
