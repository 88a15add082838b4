import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BundleAgent } from '../core/index.js';
import { AUDIT_SCHEMA_VERSION } from '../core/index.js';
import { buildAuditEvent, type AuditInput } from './event.js';

const SPEC_FIELDS = [
  'request_id',
  'timestamp',
  'identity',
  'destination',
  'decision',
  'policy_id',
  'bundle_version',
  'reason',
  'latency_ms',
  'bytes_in',
  'bytes_out',
  'status',
  'gateway_id',
  'schema_version',
  'prev_hash',
  'hash',
];

const agent: BundleAgent = {
  agent_id: 'agent-1',
  team_id: 'team-a',
  project_id: 'proj-x',
  environment: 'prod',
  auth_type: 'api_key',
  status: 'active',
  key_hashes: [{ hash: 'deadbeef', expires_at: null }],
};

function input(overrides: Partial<AuditInput> = {}): AuditInput {
  return {
    request_id: 'req-1',
    timestampMs: Date.UTC(2026, 2, 4, 5, 6, 7, 89),
    identity: agent,
    destination: { scheme: 'https', host: 'api.example.com', port: 443, method: 'POST', path: '/v1/chat' },
    decision: 'deny',
    policy_id: 'p-12',
    bundle_version: 3,
    reason: 'denied by policy `p-12`',
    latency_ms: 0.123456789,
    bytes_in: 0,
    bytes_out: 0,
    status: null,
    gateway_id: 'gw-1',
    ...overrides,
  };
}

void test('an audit event has exactly the SPEC §6 fields in SPEC order, then the chain fields', () => {
  const event = buildAuditEvent(input());
  assert.deepEqual(Object.keys(event), SPEC_FIELDS);
});

void test('an audit event carries the values it was given and the schema version', () => {
  const event = buildAuditEvent(input());
  assert.equal(event.request_id, 'req-1');
  assert.equal(event.timestamp, '2026-03-04T05:06:07.089Z');
  assert.deepEqual(event.destination, {
    scheme: 'https',
    host: 'api.example.com',
    port: 443,
    method: 'POST',
    path: '/v1/chat',
  });
  assert.equal(event.decision, 'deny');
  assert.equal(event.policy_id, 'p-12');
  assert.equal(event.bundle_version, 3);
  assert.equal(event.reason, 'denied by policy `p-12`');
  assert.equal(event.status, null);
  assert.equal(event.gateway_id, 'gw-1');
  assert.equal(event.schema_version, AUDIT_SCHEMA_VERSION);
  assert.equal(event.schema_version, 2);
});

void test('a new event is not sealed yet: the chain fills prev_hash and hash', () => {
  const event = buildAuditEvent(input());
  assert.deepEqual([event.prev_hash, event.hash], [null, null]);
});

void test('the timestamp is RFC 3339 in UTC with milliseconds even on a whole second', () => {
  const event = buildAuditEvent(input({ timestampMs: Date.UTC(2026, 0, 1) }));
  assert.equal(event.timestamp, '2026-01-01T00:00:00.000Z');
  assert.match(event.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
});

void test('the identity keeps only the canonical fields, so key hashes never reach the log', () => {
  const event = buildAuditEvent(input());
  assert.deepEqual(event.identity, {
    agent_id: 'agent-1',
    team_id: 'team-a',
    project_id: 'proj-x',
    environment: 'prod',
    auth_type: 'api_key',
    status: 'active',
  });
  assert.equal(JSON.stringify(event).includes('deadbeef'), false);
});

void test('an unauthenticated request has a null identity', () => {
  const event = buildAuditEvent(input({ identity: null, decision: 'unauthenticated', policy_id: null }));
  assert.equal(event.identity, null);
  assert.equal(event.policy_id, null);
});

void test('latency is rounded to microseconds', () => {
  assert.equal(buildAuditEvent(input()).latency_ms, 0.123);
});

void test('a timestamp that is not a finite time is refused with the request id', () => {
  assert.throws(() => buildAuditEvent(input({ timestampMs: Number.NaN })), {
    message: 'audit event `req-1`: timestampMs `NaN` is not a finite time',
  });
});
