import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { AuditCheckpoint, AuditEvent, AuditRecord } from '../../../src/core/index.js';
import type { AuditLogItem, AuditLogPosition, Store } from '../../../src/store/index.js';
import { auditEvent } from './fixtures.js';

/** The store does not check signatures (the verifier does): any signed-looking record will do. */
export function checkpoint(name: string, overrides: Partial<AuditCheckpoint> = {}): AuditCheckpoint {
  return {
    record_type: 'audit_checkpoint',
    kind: 'periodic',
    timestamp: '2026-01-01T00:00:00.000Z',
    gateway_id: 'gw-1',
    head: { segment: 's1', count: 1, head_hash: `sha256:${name}` },
    dropped: {},
    schema_version: 2,
    key_id: 'ed25519:0000000000000000',
    signature: `signature-${name}`,
    ...overrides,
  };
}

const nameOf = (record: AuditRecord): string =>
  (record as AuditCheckpoint).record_type === 'audit_checkpoint' ? `cp:${(record as AuditCheckpoint).signature.slice(10)}` : (record as AuditEvent).request_id;

/** Every record of the slice, read `limit` at a time. */
export async function readAll(store: Store, range: { since_ms?: number; until_ms?: number } = {}, limit = 2): Promise<AuditLogItem[]> {
  const slice = await store.audit.slice(range);
  const items: AuditLogItem[] = [];
  let after: AuditLogPosition = slice.after;
  for (;;) {
    const page = await store.audit.readLog({ after, to_seq: slice.to_seq, limit });
    items.push(...page);
    if (page.length < limit) return items;
    after = (page.at(-1) as AuditLogItem).position;
  }
}

export function auditLogContract(currentStore: () => Store): void {
  const at = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

  it('reads the log oldest first, each checkpoint where it was written, every record once across pages', async () => {
    const store = currentStore();
    await store.audit.append([checkpoint('start'), auditEvent('r1'), auditEvent('r2'), checkpoint('a'), checkpoint('b')]);
    await store.audit.append([auditEvent('r3'), checkpoint('c'), auditEvent('r4')]);
    for (const limit of [1, 2, 3, 100]) {
      const names = (await readAll(store, {}, limit)).map((item) => nameOf(item.record));
      assert.deepEqual(names, ['cp:start', 'r1', 'r2', 'cp:a', 'cp:b', 'r3', 'cp:c', 'r4'], `limit ${limit}`);
    }
  });

  it('stores a checkpoint of a retried batch once', async () => {
    const store = currentStore();
    const batch = [auditEvent('r1'), checkpoint('a')];
    await store.audit.append(batch);
    assert.equal(await store.audit.append(batch), 0);
    assert.deepEqual((await readAll(store)).map((item) => nameOf(item.record)), ['r1', 'cp:a']);
  });

  it('gives back exactly the records it was given', async () => {
    const store = currentStore();
    const records = [checkpoint('a', { previous: null }), auditEvent('r1', { prev_hash: 'sha256:x', hash: 'sha256:y', schema_version: 2 })];
    await store.audit.append(records);
    assert.deepEqual((await readAll(store)).map((item) => item.record), records);
  });

  it('places a prune record before every event, whenever it was written', async () => {
    const store = currentStore();
    await store.audit.append([auditEvent('r1'), auditEvent('r2')]);
    await store.audit.append([checkpoint('prune', { kind: 'prune', gateway_id: null, head: null })]);
    assert.deepEqual((await readAll(store)).map((item) => nameOf(item.record)), ['cp:prune', 'r1', 'r2']);
  });

  it('slices by time: from the first event at or after since to the last before until, with the checkpoints between', async () => {
    const store = currentStore();
    await store.audit.append([
      auditEvent('r0', { timestamp: at(0) }), checkpoint('a'),
      auditEvent('r1', { timestamp: at(1) }), checkpoint('b'),
      auditEvent('r2', { timestamp: at(2) }), checkpoint('c'),
      auditEvent('r3', { timestamp: at(3) }),
    ]);
    const names = async (range: { since_ms?: number; until_ms?: number }): Promise<string[]> =>
      (await readAll(store, range)).map((item) => nameOf(item.record));
    assert.deepEqual(await names({ since_ms: Date.parse(at(1)), until_ms: Date.parse(at(3)) }), ['r1', 'cp:b', 'r2', 'cp:c']);
    assert.deepEqual(await names({ since_ms: Date.parse(at(9)) }), []);
    assert.deepEqual(await names({ until_ms: Date.parse(at(0)) }), []);
  });

  it('stops at the end of the log as it was when the slice was taken', async () => {
    const store = currentStore();
    await store.audit.append([auditEvent('r1')]);
    const slice = await store.audit.slice({});
    await store.audit.append([auditEvent('r2')]);
    const page = await store.audit.readLog({ ...slice, limit: 10 });
    assert.deepEqual(page.map((item) => nameOf(item.record)), ['r1']);
  });

  it('refuses a checkpoint without a valid time, and stores nothing of its batch', async () => {
    const store = currentStore();
    await assert.rejects(store.audit.append([auditEvent('r1'), checkpoint('a', { timestamp: 'soon' })]), /audit checkpoint: timestamp: `soon` is not a valid time/);
    assert.deepEqual(await readAll(store), []);
  });
}
