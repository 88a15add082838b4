import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createHealth } from './health.js';
import { createHealthServer } from './health-server.js';
import { createMetrics } from './metrics.js';

void test('the health server answers the three routes over a real socket', async (t) => {
  let ready = false;
  const health = createHealth({
    metrics: createMetrics(),
    checks: [{ name: 'bundle', check: () => (ready ? { ok: true } : { ok: false, detail: 'no bundle' }) }],
  });
  const server = createHealthServer(health);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const live = await fetch(`${base}/healthz`);
  assert.equal(live.status, 200);
  assert.deepEqual(await live.json(), { status: 'ok' });

  const notReady = await fetch(`${base}/readyz`);
  assert.equal(notReady.status, 503);
  assert.deepEqual(await notReady.json(), { status: 'not_ready', checks: { bundle: 'no bundle' } });
  ready = true;
  const nowReady = await fetch(`${base}/readyz?verbose=1`);
  assert.equal(nowReady.status, 200);
  assert.deepEqual(await nowReady.json(), { status: 'ready', checks: { bundle: 'ok' } });

  const metrics = await fetch(`${base}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
  assert.match(await metrics.text(), /^# TYPE clawgress_audit_queue_depth gauge$/m);
});

void test('the health server answers 404 for other paths and 405 for other methods', async (t) => {
  const server = createHealthServer(createHealth({ metrics: createMetrics(), checks: [] }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const missing = await fetch(`${base}/admin`);
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { error: 'no route for `/admin`' });

  const posted = await fetch(`${base}/healthz`, { method: 'POST' });
  assert.equal(posted.status, 405);
  assert.equal(posted.headers.get('allow'), 'GET, HEAD');
  await posted.body?.cancel();
});

void test('a failing metrics scrape answers 500 without its details', async (t) => {
  const health = {
    ...createHealth({ metrics: createMetrics(), checks: [] }),
    metrics: () => Promise.reject(new Error('secret detail')),
  };
  const server = createHealthServer(health);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
  assert.equal(answer.status, 500);
  assert.deepEqual(await answer.json(), { error: 'internal error' });
});
