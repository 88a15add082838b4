// SQLite's per-field audit indexes are filled in bulk (src/store/sqlite/audit-index.ts): a
// query reads the events past the last mark by scanning them and the older ones through the
// audit_by_* tables. These tests hold the answer the same wherever that boundary falls, while
// events keep arriving, after a failed append, and for a file written before schema 3.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { AuditEvent } from '../../src/core/index.js';
import { MIGRATIONS, openSqliteStore, type AuditFilter, type Store } from '../../src/store/index.js';
import { eventColumns } from '../../src/store/audit-log.js';
import { migrate } from '../../src/store/sqlite/migrate.js';
import { volumeEvent } from '../helpers/audit-volume.js';

const tempDir = mkdtempSync(join(tmpdir(), 'clawgress-audit-index-'));
let fileCounter = 0;
const nextFile = (): string => join(tempDir, `audit-${++fileCounter}.sqlite`);
after(() => rmSync(tempDir, { recursive: true, force: true }));

/** The highest mark and the last seq, read beside the store's own connections. */
function boundary(path: string): { mark: number; last: number } {
  const db = new Database(path, { readonly: true });
  try {
    const mark = db.prepare('SELECT MAX(indexed_through) FROM audit_index_marks').pluck().get() as number;
    const last = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM audit_events').pluck().get() as number;
    return { mark, last };
  } finally {
    db.close();
  }
}

async function pageThrough(store: Store, filter: Omit<AuditFilter, 'limit' | 'cursor'>, limit: number, between?: () => Promise<void>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.audit.query({ ...filter, limit, ...(cursor === null ? {} : { cursor }) });
    ids.push(...page.items.map((event) => event.request_id));
    cursor = page.next_cursor;
    await between?.();
  } while (cursor !== null);
  return ids;
}

/** Ids of events 0..count-1 that match, newest first. */
function expected(count: number, matches: (i: number) => boolean): string[] {
  const ids: string[] = [];
  for (let i = count - 1; i >= 0; i -= 1) if (matches(i)) ids.push(`vol-${i}`);
  return ids;
}

// volumeEvent(i): decision cycles over 4 (the 4th unauthenticated: no agent, team or policy),
// agent i % 10, team i % 3, policy i % 5 (none when i % 5 === 0), host i % 8.
const CASES: ReadonlyArray<[string, Omit<AuditFilter, 'limit'>, (i: number) => boolean]> = [
  ['agent', { agent_id: 'agent-3' }, (i) => i % 4 !== 3 && i % 10 === 3],
  ['team and decision', { team_id: 'team-1', decision: 'deny' }, (i) => i % 4 === 1 && i % 3 === 1],
  ['decision alone', { decision: 'rate_limited' }, (i) => i % 4 === 2],
  ['policy', { policy_id: 'policy-2' }, (i) => i % 4 !== 3 && i % 5 === 2],
  ['host', { host: 'host-5.example' }, (i) => i % 8 === 5],
  ['agent, decision, host and a time bound', { agent_id: 'agent-6', decision: 'allow', host: 'host-4.example', since_ms: Date.parse(volumeEvent(100).timestamp) }, (i) => i % 4 === 0 && i % 10 === 6 && i % 8 === 4 && i >= 100],
];

describe('sqlite audit: field indexes filled in bulk', () => {
  it('answers every filter the same across the indexed events and the tail, in any page size', async () => {
    const path = nextFile();
    const store = openSqliteStore({ path, auditIndexBatch: 100 });
    const count = 1_337;
    // Uneven batches, so the mark falls at an arbitrary event.
    for (let from = 0; from < count; from += 37) {
      await store.audit.append(Array.from({ length: Math.min(37, count - from) }, (_, k) => volumeEvent(from + k)));
    }
    const { mark, last } = boundary(path);
    assert.ok(mark > 0 && mark < last, `some events indexed, some in the tail (mark ${mark}, last ${last})`);
    for (const [name, filter, matches] of CASES) {
      const want = expected(count, matches);
      for (const limit of [1, 7, 1000]) {
        assert.deepEqual(await pageThrough(store, filter, limit), want, `${name}, pages of ${limit}`);
      }
    }
    await store.close();
  });

  it('pages each event once while appends move events from the tail into the index', async () => {
    const path = nextFile();
    const store = openSqliteStore({ path, auditIndexBatch: 50 });
    let next = 0;
    const appendSome = async (n: number): Promise<void> => {
      await store.audit.append(Array.from({ length: n }, (_, k) => volumeEvent(next + k)));
      next += n;
    };
    await appendSome(500);
    const marks = new Set<number>();
    // 60 more events after every page: each page starts from a mark past the last one.
    const ids = await pageThrough(store, { agent_id: 'agent-3' }, 5, async () => {
      await appendSome(60);
      marks.add(boundary(path).mark);
    });
    assert.ok(marks.size > 3, 'the mark moved while paging');
    assert.deepEqual(ids, expected(500, (i) => i % 4 !== 3 && i % 10 === 3), 'the events there at the first page, each once');
    await store.close();
  });

  it('leaves the index and its mark as they were when an append fails', async () => {
    const path = nextFile();
    const store = openSqliteStore({ path, auditIndexBatch: 10 });
    await store.audit.append(Array.from({ length: 5 }, (_, i) => volumeEvent(i)));
    const noHost = { ...volumeEvent(99), destination: { ...volumeEvent(99).destination, host: null } } as unknown as AuditEvent;
    await assert.rejects(store.audit.append([...Array.from({ length: 20 }, (_, i) => volumeEvent(5 + i)), noHost]));
    assert.deepEqual(boundary(path), { mark: 0, last: 5 });
    await store.audit.append(Array.from({ length: 20 }, (_, i) => volumeEvent(5 + i)));
    assert.deepEqual(boundary(path), { mark: 25, last: 25 });
    assert.deepEqual(await pageThrough(store, { host: 'host-1.example' }, 2), expected(25, (i) => i % 8 === 1));
    await store.close();
  });

  it('moves a schema-2 file onto the bulk index, keeping every event findable by every field', async () => {
    const path = nextFile();
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    migrate(old, MIGRATIONS.filter((m) => m.version <= 2), new Date().toISOString());
    const insert = old.prepare(
      `INSERT INTO audit_events (request_id, timestamp, timestamp_ms, agent_id, team_id, decision, policy_id, host, event)
       VALUES (@request_id, @timestamp, @timestamp_ms, @agent_id, @team_id, @decision, @policy_id, @host, @event)`,
    );
    old.transaction(() => {
      for (let i = 0; i < 400; i += 1) insert.run(eventColumns(volumeEvent(i)));
    })();
    old.close();

    const store = openSqliteStore({ path });
    assert.deepEqual(boundary(path), { mark: 400, last: 400 });
    await store.audit.append(Array.from({ length: 30 }, (_, k) => volumeEvent(400 + k)));
    for (const [name, filter, matches] of CASES) {
      assert.deepEqual(await pageThrough(store, filter, 25), expected(430, matches), name);
    }
    await store.close();

    const db = new Database(path, { readonly: true });
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events' AND sql IS NOT NULL ORDER BY name").pluck().all();
    const byAgent = db.prepare('SELECT COUNT(*) FROM audit_by_agent').pluck().get();
    db.close();
    assert.deepEqual(indexes, ['audit_events_time'], 'the per-field indexes on the table are gone');
    assert.equal(byAgent, 300, 'every event with an agent, in its table');
  });
});
