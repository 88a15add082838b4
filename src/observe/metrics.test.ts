import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics } from './metrics.js';

const PRODUCT_METRICS = [
  'clawgress_requests_total',
  'clawgress_audit_dropped_total',
  'clawgress_audit_written_total',
  'clawgress_audit_sink_errors_total',
  'clawgress_audit_queue_depth',
  'clawgress_upstream_errors_total',
  'clawgress_client_errors_total',
  'clawgress_bundle_version',
  'clawgress_bundle_rejected_total',
  'clawgress_quota_exceeded_total',
  'clawgress_active_connections',
];

void test('the metrics text names every product metric and the default process metrics', async () => {
  const text = await createMetrics().registry.metrics();
  for (const name of PRODUCT_METRICS) assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
  assert.match(text, /^# TYPE process_cpu_user_seconds_total counter$/m);
});

void test('each decision has a zero series before the first request', async () => {
  const text = await createMetrics().registry.metrics();
  for (const decision of ['allow', 'deny', 'rate_limited', 'unauthenticated']) {
    assert.match(text, new RegExp(`^clawgress_requests_total\\{decision="${decision}"\\} 0$`, 'm'));
  }
});

void test('the audit queue depth is read from its source at scrape time', async () => {
  const metrics = createMetrics();
  let depth = 3;
  metrics.setAuditDepthSource(() => depth);
  assert.match(await metrics.registry.metrics(), /^clawgress_audit_queue_depth 3$/m);
  depth = 42;
  assert.match(await metrics.registry.metrics(), /^clawgress_audit_queue_depth 42$/m);
});

void test('labelled counters render with their labels', async () => {
  const metrics = createMetrics();
  metrics.auditDropped.inc({ sink: 'stdout', reason: 'queue_full' }, 5);
  metrics.requests.inc({ decision: 'deny' });
  const text = await metrics.registry.metrics();
  assert.match(text, /^clawgress_audit_dropped_total\{sink="stdout",reason="queue_full"\} 5$/m);
  assert.match(text, /^clawgress_requests_total\{decision="deny"\} 1$/m);
});

void test('requests counted on the request path are in every read, each once', async () => {
  const metrics = createMetrics();
  metrics.countRequest('allow');
  metrics.countRequest('allow');
  metrics.countRequest('rate_limited');
  const first = await metrics.registry.metrics();
  assert.match(first, /^clawgress_requests_total\{decision="allow"\} 2$/m);
  assert.match(first, /^clawgress_requests_total\{decision="rate_limited"\} 1$/m);
  assert.match(first, /^clawgress_requests_total\{decision="deny"\} 0$/m);
  metrics.countRequest('allow');
  const second = await metrics.registry.getMetricsAsJSON();
  const values = second.find((metric) => metric.name === 'clawgress_requests_total')?.values ?? [];
  assert.deepEqual(
    Object.fromEntries(values.map((value) => [value.labels['decision'], value.value])),
    { allow: 3, deny: 0, rate_limited: 1, unauthenticated: 0 },
    'the JSON a cluster primary aggregates from its workers',
  );
});

void test('two metric sets in one process do not share series', async () => {
  const first = createMetrics();
  const second = createMetrics();
  first.bundleVersion.set(9);
  assert.match(await first.registry.metrics(), /^clawgress_bundle_version 9$/m);
  assert.match(await second.registry.metrics(), /^clawgress_bundle_version 0$/m);
});
