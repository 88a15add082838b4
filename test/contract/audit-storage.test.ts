// Audit storage beyond the shared contract: append-only in SQLite too; on PostgreSQL, monthly
// partitions that are append-only themselves, retention by dropping whole partitions behind a
// stored prune record, and the move of a schema-1 audit table into the partitioned one.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS, POSTGRES_MIGRATIONS, openSqliteStore } from '../../src/store/index.js';
import { checkpoint, readAll } from './store/audit-log.js';
import { auditEvent } from './store/fixtures.js';
import { postgresHarness } from './store/postgres.js';

const JAN = '2026-01-20T00:00:00.000Z';
const FEB = '2026-02-03T00:00:00.000Z';
const FEB_1 = Date.UTC(2026, 1, 1);

const tempDir = mkdtempSync(join(tmpdir(), 'clawgress-audit-storage-'));
after(() => rmSync(tempDir, { recursive: true, force: true }));
const postgres = postgresHarness();
after(() => postgres.dropSchemas());

describe('sqlite audit storage', () => {
  it('creates a new file with 16 KiB pages and keeps the page size of an existing one', async () => {
    const storeOneEvent = async (path: string, id: string): Promise<number> => {
      const store = openSqliteStore({ path });
      await store.audit.append([auditEvent(id)]);
      await store.close();
      const db = new Database(path);
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.close();
      return pageSize;
    };
    assert.equal(await storeOneEvent(join(tempDir, 'page-size-new.sqlite'), 'p1'), 16384);
    const older = join(tempDir, 'page-size-old.sqlite');
    const made = new Database(older);
    made.pragma('journal_mode = WAL');
    made.exec('CREATE TABLE before_clawgress (x INTEGER)');
    made.close();
    assert.equal(await storeOneEvent(older, 'p2'), 4096);
  });

  it('copies the WAL into the database file on a thread of its own, not in the committing write', async () => {
    const path = join(tempDir, 'checkpointer.sqlite');
    const store = openSqliteStore({ path });
    // Far below the 1,000 WAL pages at which the committing connection would checkpoint.
    await store.audit.append(Array.from({ length: 200 }, (_, i) => auditEvent(`cp${i}`)));
    const sizeAfterCommit = statSync(path).size;
    let size = sizeAfterCommit;
    for (let waited = 0; size === sizeAfterCommit && waited < 5_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      size = statSync(path).size;
    }
    assert.ok(size > sizeAfterCommit, `the database file grew from ${sizeAfterCommit} bytes without another write`);
    const page = await store.audit.query({ limit: 500 });
    assert.equal(page.items.length, 200);
    await store.close();
  });

  it('refuses to update or delete audit events and checkpoints, whatever the client', async () => {
    const path = join(tempDir, 'append-only.sqlite');
    const store = openSqliteStore({ path });
    await store.audit.append([auditEvent('r1'), checkpoint('a')]);
    await store.close();
    const db = new Database(path);
    const cases: Array<[string, string, RegExp]> = [
      ['an update of an event', "UPDATE audit_events SET host = 'elsewhere.test'", /audit_events is append-only/],
      ['a delete of an event', "DELETE FROM audit_events WHERE request_id = 'r1'", /audit_events is append-only/],
      ['an update of a checkpoint', "UPDATE audit_checkpoints SET kind = 'x'", /audit_checkpoints is append-only/],
      ['a delete of a checkpoint', 'DELETE FROM audit_checkpoints', /audit_checkpoints is append-only/],
    ];
    for (const [name, statement, message] of cases) assert.throws(() => db.exec(statement), message, name);
    assert.deepEqual(db.prepare('SELECT request_id, host FROM audit_events').all(), [{ request_id: 'r1', host: 'api.example.com' }]);
    db.close();
  });

  it('has no retention of its own: whole-partition drops are a PostgreSQL feature', () => {
    const store = openSqliteStore({ path: ':memory:' });
    assert.equal(store.audit.prune, undefined);
    void store.close();
    // No migration drops or deletes a stored record (schema 3 drops indexes, not rows).
    assert.equal(MIGRATIONS.at(-1)?.version, 3);
    for (const migration of MIGRATIONS) assert.doesNotMatch(migration.sql, /DROP\s+TABLE|DELETE\s+FROM|TRUNCATE/i, migration.name);
  });
});

describe('postgresql audit partitions', () => {
  const partitions = async (schema: string): Promise<string[]> => {
    const { rows } = await postgres.query(
      schema,
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent IN ('audit_events'::regclass, 'audit_checkpoints'::regclass) ORDER BY 1`,
    );
    return rows.map((row: { name: string }) => row.name);
  };

  it('puts records in a partition per month of their time, each one append-only', async () => {
    const schema = postgres.newSchema();
    const store = await postgres.openStore({ schema });
    await store.audit.append([auditEvent('j1', { timestamp: JAN }), checkpoint('j', { timestamp: JAN }), auditEvent('f1', { timestamp: FEB })]);
    await store.close();
    assert.deepEqual(await partitions(schema), ['audit_checkpoints_p202601', 'audit_events_p202601', 'audit_events_p202602']);
    for (const statement of ['DELETE FROM audit_events_p202601', 'TRUNCATE audit_events_p202602', "UPDATE audit_checkpoints_p202601 SET kind = 'x'"]) {
      await assert.rejects(postgres.query(schema, statement), /clawgress: audit_(events|checkpoints) is append-only/, statement);
    }
  });

  it('prunes by dropping whole months behind a prune record stored first; nothing without one', async () => {
    const schema = postgres.newSchema();
    const store = await postgres.openStore({ schema });
    await store.audit.append([checkpoint('start', { timestamp: JAN }), auditEvent('j1', { timestamp: JAN }), auditEvent('j2', { timestamp: JAN })]);
    await store.audit.append([auditEvent('f1', { timestamp: FEB }), checkpoint('f', { timestamp: FEB })]);
    const prune = store.audit.prune as NonNullable<typeof store.audit.prune>;
    const refused = await prune({ before_ms: FEB_1, prepare: async () => null });
    assert.deepEqual(refused, { partitions: [], events: 0, record: null });
    const seen: string[] = [];
    const record = checkpoint('prune', { kind: 'prune', timestamp: FEB, gateway_id: null, head: null });
    const result = await prune({
      before_ms: FEB_1,
      prepare: async (context) => {
        for await (const item of context.readLog()) seen.push((item.record as { request_id?: string }).request_id ?? 'checkpoint');
        assert.deepEqual([context.partitions, context.events], [['audit_checkpoints_p202601', 'audit_events_p202601'], 2]);
        return record;
      },
    });
    assert.deepEqual(seen, ['checkpoint', 'j1', 'j2', 'f1', 'checkpoint']);
    assert.deepEqual(result, { partitions: ['audit_checkpoints_p202601', 'audit_events_p202601'], events: 2, record });
    assert.deepEqual((await readAll(store)).map((item) => item.record), [record, auditEvent('f1', { timestamp: FEB }), checkpoint('f', { timestamp: FEB })]);
    assert.deepEqual(await partitions(schema), ['audit_checkpoints_p202602', 'audit_events_p202602']);
    await store.close();
  });

  it('moves a schema-1 audit table into the partitioned one, keeping every row and its order', async () => {
    const schema = postgres.newSchema();
    await postgres.query(schema, `CREATE SCHEMA ${schema}`);
    await postgres.query(schema, POSTGRES_MIGRATIONS[0]?.sql ?? '');
    await postgres.query(schema, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL); INSERT INTO schema_migrations VALUES (1, 'initial schema', 'then')");
    const v1 = [auditEvent('old-1', { timestamp: JAN }), auditEvent('old-2', { timestamp: FEB })];
    for (const [index, event] of v1.entries()) {
      await postgres.query(schema, `INSERT INTO audit_events (seq, request_id, timestamp, timestamp_ms, decision, host, event)
        VALUES (${index + 41}, '${event.request_id}', '${event.timestamp}', ${Date.parse(event.timestamp)}, 'allow', 'api.example.com', '${JSON.stringify(event)}')`);
    }
    const store = await postgres.openStore({ schema });
    await store.audit.append([auditEvent('new-1', { timestamp: FEB })]);
    assert.deepEqual((await store.audit.query({ limit: 10 })).items.map((e) => e.request_id), ['new-1', 'old-2', 'old-1']);
    const { rows } = await postgres.query(schema, 'SELECT seq, request_id FROM audit_events ORDER BY seq');
    assert.deepEqual(rows, [{ seq: '41', request_id: 'old-1' }, { seq: '42', request_id: 'old-2' }, { seq: '43', request_id: 'new-1' }]);
    await assert.rejects(postgres.query(schema, 'DELETE FROM audit_events'), /^error: clawgress: audit_events is append-only$/);
    await store.close();
  });
});
