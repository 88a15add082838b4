import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { AuditEvent, DecisionKind } from '../../../src/core/index.js';
import type { Store } from '../../../src/store/index.js';
import { auditEvent } from './fixtures.js';

export function auditContract(currentStore: () => Store): void {
  const at = (minute: number): string => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
  const ids = (events: readonly AuditEvent[]): string[] => events.map((e) => e.request_id);

  it('appends a batch and returns it newest first', async () => {
    const store = currentStore();
    assert.equal(await store.audit.append([auditEvent('r1'), auditEvent('r2')]), 2);
    const page = await store.audit.query({ limit: 10 });
    assert.deepEqual(page, { items: [auditEvent('r2'), auditEvent('r1')], next_cursor: null });
  });

  it('stores a retried batch once', async () => {
    const store = currentStore();
    await store.audit.append([auditEvent('r1'), auditEvent('r2')]);
    assert.equal(await store.audit.append([auditEvent('r1'), auditEvent('r2'), auditEvent('r3')]), 1);
    assert.equal(await store.audit.append([auditEvent('r4'), auditEvent('r4')]), 1);
    assert.deepEqual(ids((await store.audit.query({ limit: 10 })).items), ['r4', 'r3', 'r2', 'r1']);
  });

  it('stores overlapping batches that arrive together once, whatever their order', async () => {
    const store = currentStore();
    let added = 0;
    // Several rounds, so that a backend with a connection pool has warm connections to race on.
    for (let round = 0; round < 10; round++) {
      const batch = Array.from({ length: 100 }, (_, i) => auditEvent(`r-${round}-${i}`));
      const counts = await Promise.all([store.audit.append(batch), store.audit.append([...batch].reverse())]);
      added += counts[0] + counts[1];
    }
    assert.equal(added, 1000);
    assert.equal((await store.audit.query({ limit: 2000 })).items.length, 1000);
  });

  it('stores nothing of a batch when one event in it fails', async () => {
    const store = currentStore();
    const batch = [auditEvent('r1'), auditEvent('r2', { timestamp: 'yesterday' }), auditEvent('r3')];
    await assert.rejects(store.audit.append(batch), /timestamp: `yesterday` is not a valid time/);
    assert.deepEqual((await store.audit.query({ limit: 10 })).items, []);
  });

  it('stores nothing of a batch when one event in it is malformed', async () => {
    const store = currentStore();
    const noHost = { ...auditEvent('r2'), destination: { ...auditEvent('r2').destination, host: null } };
    await assert.rejects(store.audit.append([auditEvent('r1'), noHost as unknown as AuditEvent]));
    assert.deepEqual((await store.audit.query({ limit: 10 })).items, []);
  });

  it('filters by every field it offers', async () => {
    const store = currentStore();
    const other = { ...auditEvent('x').identity!, agent_id: 'a2', team_id: 'team-b' };
    await store.audit.append([
      auditEvent('r1'),
      auditEvent('r2', { identity: other, decision: 'deny', policy_id: 'default-deny' }),
      auditEvent('r3', { destination: { ...auditEvent('x').destination, host: 'evil.test' } }),
      auditEvent('r4', { identity: null, decision: 'unauthenticated', policy_id: null }),
    ]);
    const cases: Array<[string, Parameters<Store['audit']['query']>[0], string[]]> = [
      ['agent_id picks the events of that agent', { limit: 10, agent_id: 'a2' }, ['r2']],
      ['team_id picks the events of that team', { limit: 10, team_id: 'team-a' }, ['r3', 'r1']],
      ['decision picks that outcome only', { limit: 10, decision: 'unauthenticated' as DecisionKind }, ['r4']],
      ['policy_id picks events decided by it', { limit: 10, policy_id: 'default-deny' }, ['r2']],
      ['host picks events to that host', { limit: 10, host: 'evil.test' }, ['r3']],
      ['filters combine with and', { limit: 10, team_id: 'team-a', host: 'api.example.com' }, ['r1']],
    ];
    for (const [name, filter, expected] of cases) {
      assert.deepEqual(ids((await store.audit.query(filter)).items), expected, name);
    }
  });

  it('treats since as inclusive and until as exclusive', async () => {
    const store = currentStore();
    await store.audit.append([0, 1, 2, 3].map((m) => auditEvent(`r${m}`, { timestamp: at(m) })));
    const page = await store.audit.query({ limit: 10, since_ms: Date.parse(at(1)), until_ms: Date.parse(at(3)) });
    assert.deepEqual(ids(page.items), ['r2', 'r1']);
  });

  it('compares times as instants whatever the offset spelling', async () => {
    const store = currentStore();
    await store.audit.append([auditEvent('r1', { timestamp: '2026-01-01T02:00:00.000+02:00' })]);
    const page = await store.audit.query({ limit: 10, since_ms: Date.parse(at(0)), until_ms: Date.parse(at(1)) });
    assert.deepEqual(ids(page.items), ['r1']);
  });

  it('pages every event exactly once while new events arrive', async () => {
    const store = currentStore();
    await store.audit.append(Array.from({ length: 7 }, (_, i) => auditEvent(`old-${i}`)));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let round = 0; round < 10; round++) {
      const page = await store.audit.query({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...ids(page.items));
      await store.audit.append([auditEvent(`new-${round}`)]);
      if (page.next_cursor === null) break;
      cursor = page.next_cursor;
    }
    assert.deepEqual(seen, ['old-6', 'old-5', 'old-4', 'old-3', 'old-2', 'old-1', 'old-0']);
  });

  it('answers a null next_cursor when the last page is exactly full', async () => {
    const store = currentStore();
    await store.audit.append([auditEvent('r1'), auditEvent('r2')]);
    const first = await store.audit.query({ limit: 1 });
    assert.notEqual(first.next_cursor, null);
    const second = await store.audit.query({ limit: 1, cursor: first.next_cursor! });
    assert.deepEqual({ ids: ids(second.items), next: second.next_cursor }, { ids: ['r1'], next: null });
  });

  it('rejects a cursor it did not make', async () => {
    const store = currentStore();
    await assert.rejects(store.audit.query({ limit: 1, cursor: 'bm9wZQ' }), {
      code: 'CLAWGRESS_ERR_VALIDATION',
      field: 'cursor',
    });
  });
}
