import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEvent } from '../core/index.js';
import { makeEvent } from './chain-harness.test.js';
import { packEvent, unpackEvent, type WireEvent } from './event-tuple.js';

const IDENTITY = { agent_id: 'agent-"1"', team_id: 'team', project_id: 'proj', environment: 'prod', auth_type: 'api_key', status: 'active' } as const;

/** Through JSON, as Node's IPC channel carries it. */
const overIpc = (wire: WireEvent): WireEvent => JSON.parse(JSON.stringify(wire)) as WireEvent;

void test('an anonymous and an identified event come out of the channel as they went in', () => {
  const anonymous = makeEvent('r1');
  const identified: AuditEvent = { ...makeEvent('r2'), identity: IDENTITY, decision: 'allow', status: 200, bytes_out: 1024, reason: 'line\nbreak 😀' };
  for (const event of [anonymous, identified]) {
    const wire = packEvent(event);
    assert.ok(Array.isArray(wire), 'packed');
    assert.deepEqual(unpackEvent(overIpc(wire)), event);
  }
});

void test('the packed form is well under the object form', () => {
  const event: AuditEvent = { ...makeEvent('r3'), identity: IDENTITY };
  assert.ok(JSON.stringify(packEvent(event)).length < 0.6 * JSON.stringify(event).length);
});

void test('an event of any other shape travels as the object it is, nothing dropped', () => {
  const base = makeEvent('r4');
  const { prev_hash: _p, hash: _h, ...schema1 } = { ...base, schema_version: 1 };
  const odd: AuditEvent[] = [
    { ...base, quota_mark: 'alert_only' } as AuditEvent,
    { ...base, identity: { ...IDENTITY, extra: 1 } as unknown as AuditEvent['identity'] },
    { ...base, destination: { ...base.destination, query: '?a' } as unknown as AuditEvent['destination'] },
    schema1 as AuditEvent,
  ];
  for (const event of odd) {
    const wire = packEvent(event);
    assert.equal(wire, event);
    assert.deepEqual(unpackEvent(overIpc(wire)), event);
  }
});

void test('a tuple of a length packEvent never makes is refused', () => {
  assert.throws(() => unpackEvent(['r5', 'ts']), /audit event tuple: 2 fields, not 19 or 25/);
});
