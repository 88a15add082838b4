import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHealth } from './health.js';
import { createMetrics } from './metrics.js';

void test('liveness is always 200 ok', () => {
  const health = createHealth({ metrics: createMetrics(), checks: [] });
  assert.deepEqual(health.liveness(), { status: 200, body: { status: 'ok' } });
});

void test('readiness is 503 while a check fails and 200 once it passes', () => {
  let bundleVersion: number | null = null;
  const health = createHealth({
    metrics: createMetrics(),
    checks: [
      { name: 'store', check: () => ({ ok: true }) },
      {
        name: 'bundle',
        check: () =>
          bundleVersion === null
            ? { ok: false, detail: 'no verified policy bundle yet' }
            : { ok: true, detail: `bundle version ${bundleVersion}` },
      },
    ],
  });
  assert.deepEqual(health.readiness(), {
    status: 503,
    body: { status: 'not_ready', checks: { store: 'ok', bundle: 'no verified policy bundle yet' } },
  });
  bundleVersion = 4;
  assert.deepEqual(health.readiness(), {
    status: 200,
    body: { status: 'ready', checks: { store: 'ok', bundle: 'bundle version 4' } },
  });
});

void test('a check that throws makes the process not ready instead of failing the probe', () => {
  const health = createHealth({
    metrics: createMetrics(),
    checks: [
      {
        name: 'bundle',
        check: () => {
          throw new Error('disk unreadable');
        },
      },
    ],
  });
  assert.deepEqual(health.readiness(), {
    status: 503,
    body: { status: 'not_ready', checks: { bundle: 'check failed: disk unreadable' } },
  });
});

void test('metrics come with the Prometheus text content type', async () => {
  const health = createHealth({ metrics: createMetrics(), checks: [] });
  const answer = await health.metrics();
  assert.match(answer.contentType, /^text\/plain; version=0\.0\.4/);
  assert.match(answer.body, /^# TYPE clawgress_requests_total counter$/m);
});
