// Runs the store contract for SQLite (in memory and on disk) and PostgreSQL, plus what is
// backend-specific: migrations recorded once, data kept across a reopen, PostgreSQL's
// append-only trigger, schema isolation and batches too big for one statement.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  AUDIT_ROWS_PER_INSERT,
  MIGRATIONS,
  POSTGRES_MIGRATIONS,
  openPostgresStore,
  openSqliteStore,
} from '../../src/store/index.js';
import type { AuditEvent } from '../../src/core/index.js';
import { runStoreContract } from './store/contract.js';
import { agentRecord, auditEvent, issuerRecord } from './store/fixtures.js';
import { postgresHarness } from './store/postgres.js';

const tempDir = mkdtempSync(join(tmpdir(), 'clawgress-store-'));
let fileCounter = 0;
const nextFile = (): string => join(tempDir, `store-${++fileCounter}.sqlite`);
after(() => rmSync(tempDir, { recursive: true, force: true }));

const postgres = postgresHarness();
after(() => postgres.dropSchemas());

runStoreContract('sqlite in memory', async () => openSqliteStore({ path: ':memory:' }));
runStoreContract('sqlite file', async () => openSqliteStore({ path: nextFile() }));
// Every other event indexed in bulk: the contract's queries page across the mark.
runStoreContract('sqlite file, bulk index every 2 events', async () => openSqliteStore({ path: nextFile(), auditIndexBatch: 2 }));
runStoreContract('postgresql', () => postgres.openStore());

describe('sqlite store on disk', () => {
  it('keeps its data across a close and reopen', async () => {
    const path = nextFile();
    const first = openSqliteStore({ path });
    await first.agents.create(agentRecord('a1'));
    await first.close();
    const second = openSqliteStore({ path });
    assert.deepEqual(await second.agents.get('a1'), agentRecord('a1'));
    await second.close();
  });

  it('records each migration once however often it opens', async () => {
    const path = nextFile();
    await openSqliteStore({ path }).close();
    await openSqliteStore({ path }).close();
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    const mode = db.pragma('journal_mode', { simple: true });
    db.close();
    assert.deepEqual(rows, MIGRATIONS.map((m) => ({ version: m.version })));
    assert.equal(mode, 'wal');
  });
});

describe('postgresql store', () => {
  const events = (count: number, prefix: string): AuditEvent[] =>
    Array.from({ length: count }, (_, i) => auditEvent(`${prefix}-${i}`));

  it('keeps its data across a close and reopen, and records each migration once', async () => {
    const first = await postgres.openStore();
    const schema = postgres.newSchema();
    const [a, b] = await Promise.all([postgres.openStore({ schema }), postgres.openStore({ schema })]);
    await a.agents.create(agentRecord('a1'));
    await Promise.all([first.close(), a.close(), b.close()]);
    const again = await postgres.openStore({ schema });
    assert.deepEqual(await again.agents.get('a1'), agentRecord('a1'));
    await again.close();
    const { rows } = await postgres.query(schema, 'SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(rows, POSTGRES_MIGRATIONS.map((m) => ({ version: m.version })));
  });

  it('keeps each store in its own schema', async () => {
    const [one, two] = [await postgres.openStore(), await postgres.openStore()];
    await one.agents.create(agentRecord('a1'));
    assert.equal(await two.agents.get('a1'), null);
    await Promise.all([one.close(), two.close()]);
  });

  it('refuses to update, delete or truncate audit events, whatever the client', async () => {
    const schema = postgres.newSchema();
    const store = await postgres.openStore({ schema });
    await store.audit.append([auditEvent('r1')]);
    await store.close();
    const statements = [
      "UPDATE audit_events SET host = 'elsewhere.test'",
      "DELETE FROM audit_events WHERE request_id = 'r1'",
      "DELETE FROM audit_events WHERE request_id = 'no-such-event'",
      'TRUNCATE audit_events',
    ];
    for (const statement of statements) {
      await assert.rejects(postgres.query(schema, statement), /^error: clawgress: audit_events is append-only$/, statement);
    }
    const { rows } = await postgres.query(schema, 'SELECT request_id, host FROM audit_events');
    assert.deepEqual(rows, [{ request_id: 'r1', host: 'api.example.com' }]);
  });

  it('appends a batch larger than one statement can carry, once', async () => {
    const store = await postgres.openStore();
    const batch = events(AUDIT_ROWS_PER_INSERT + 5, 'big');
    assert.equal(await store.audit.append(batch), batch.length);
    assert.equal(await store.audit.append([...batch, auditEvent('one-more')]), 1);
    const page = await store.audit.query({ limit: batch.length + 5 });
    assert.equal(page.items.length, batch.length + 1);
    assert.deepEqual(page.items.slice(0, 2).map((e) => e.request_id), ['one-more', batch.at(-1)?.request_id]);
    await store.close();
  });

  it('stores nothing of a big batch when an event in its last statement is malformed', async () => {
    const store = await postgres.openStore();
    const noHost = { ...auditEvent('bad'), destination: { ...auditEvent('bad').destination, host: null } };
    const batch = [...events(AUDIT_ROWS_PER_INSERT + 5, 'big'), noHost as unknown as AuditEvent];
    await assert.rejects(store.audit.append(batch), /null value in column "host"/);
    assert.deepEqual(await store.audit.query({ limit: 1 }), { items: [], next_cursor: null });
    await store.close();
  });

  it('keeps the values of a rejected row out of the error', async () => {
    const store = await postgres.openStore();
    const secret = 'hs256-secret-that-must-not-leak';
    const noAudience = { ...issuerRecord('i1', { jwks_url: null, hs256_secret: secret }), audience: null };
    const error: unknown = await store.issuers.create(noAudience as unknown as typeof noAudience & { audience: string }).then(
      () => assert.fail('an issuer without audience was stored'),
      (rejected: unknown) => rejected,
    );
    assert.match(String(error), /null value in column "audience"/);
    assert.doesNotMatch(inspect(error, { depth: 5 }), new RegExp(secret));
    await store.close();
  });

  it('refuses a schema name that would need quoting', async () => {
    await assert.rejects(openPostgresStore({ connectionString: 'postgres://127.0.0.1/test', schema: 'Bad-Name' }), {
      code: 'CLAWGRESS_ERR_CONFIG_INVALID',
      message: 'store schema: `Bad-Name` is not a lower-case postgresql identifier',
    });
  });

  it('names the server but not the password when it cannot connect', async () => {
    const connectionString = 'postgres://clawgress:pw-that-must-not-leak@127.0.0.1:1/test';
    const error: unknown = await openPostgresStore({ connectionString }).then(
      () => assert.fail('connected to port 1'),
      (rejected: unknown) => rejected,
    );
    assert.match(String(error), /^ClawgressError: postgres store `127\.0\.0\.1:1\/test`: connect ECONNREFUSED 127\.0\.0\.1:1$/);
    assert.doesNotMatch(inspect(error, { depth: 5 }), /pw-that-must-not-leak/);
  });
});
