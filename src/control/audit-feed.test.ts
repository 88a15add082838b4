import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ManualClock, type AuditEvent } from '../core/index.js';
import { generateSigningKeys } from '../policy/index.js';
import { openSqliteStore, type Store } from '../store/index.js';
import { createControlPlane, type ControlPlane } from './index.js';

const KEYS = generateSigningKeys();

function auditEvent(requestId: string): AuditEvent {
  return {
    request_id: requestId,
    timestamp: '2026-01-01T00:00:00.000Z',
    identity: null,
    destination: { scheme: 'http', host: 'example.com', port: 80, method: 'GET', path: '/' },
    decision: 'unauthenticated',
    policy_id: null,
    bundle_version: 1,
    reason: 'no credentials',
    latency_ms: 0.1,
    bytes_in: 0,
    bytes_out: 0,
    status: null,
    gateway_id: 'gw-1',
    schema_version: 1,
  };
}

describe('control plane: audit subscription', () => {
  let store: Store;
  let control: ControlPlane;
  const errors: unknown[] = [];
  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:' });
    errors.length = 0;
    control = await createControlPlane({
      store,
      clock: new ManualClock(),
      signingPrivateKeyPem: KEYS.privateKeyPem,
      keyHashSecret: Buffer.alloc(32, 1),
      onListenerError: (error) => errors.push(error),
    });
  });
  afterEach(async () => {
    await store.close();
  });

  it('tells a listener each stored batch, after the store has it', async () => {
    const told: string[][] = [];
    control.onAudit((events) => told.push(events.map((e) => e.request_id)));
    await control.appendAudit([auditEvent('r1'), auditEvent('r2')]);
    await control.appendAudit([auditEvent('r3')]);
    assert.deepEqual(told, [['r1', 'r2'], ['r3']]);
    const stored = await control.queryAudit({});
    assert.deepEqual(stored.items.map((e) => e.request_id).sort(), ['r1', 'r2', 'r3']);
  });

  it('does not tell a batch that only repeats stored events', async () => {
    await control.appendAudit([auditEvent('r1')]);
    const told: string[][] = [];
    control.onAudit((events) => told.push(events.map((e) => e.request_id)));
    assert.equal(await control.appendAudit([auditEvent('r1')]), 0);
    assert.deepEqual(told, []);
  });

  it('stops telling a listener once it unsubscribed', async () => {
    const told: string[] = [];
    const unsubscribe = control.onAudit((events) => told.push(...events.map((e) => e.request_id)));
    await control.appendAudit([auditEvent('r1')]);
    unsubscribe();
    await control.appendAudit([auditEvent('r2')]);
    assert.deepEqual(told, ['r1']);
  });

  it('keeps the write and the other listeners when one listener throws', async () => {
    const told: string[] = [];
    control.onAudit(() => {
      throw new Error('broken subscriber');
    });
    control.onAudit((events) => told.push(...events.map((e) => e.request_id)));
    assert.equal(await control.appendAudit([auditEvent('r1')]), 1);
    assert.deepEqual(told, ['r1']);
    assert.equal((errors[0] as Error).message, 'broken subscriber');
  });

  it('tells nothing when the store rejects the batch', async () => {
    const told: string[] = [];
    control.onAudit((events) => told.push(...events.map((e) => e.request_id)));
    await assert.rejects(control.appendAudit([{ ...auditEvent('r1'), timestamp: 'yesterday' }]), /timestamp/);
    assert.deepEqual(told, []);
  });
});
