// Tampering is named: one event edited, deleted, reordered or inserted, in an export file and
// in the database itself (SQLite of a real serve; PostgreSQL through the store), and
// `clawgress audit verify` exits 1 naming the first broken event by request_id and position.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AuditChain, createCheckpointSigner, sealEvent } from '../../src/audit/index.js';
import { systemClock, type AuditEvent } from '../../src/core/index.js';
import { postgresHarness, POSTGRES_URL } from '../contract/store/postgres.js';
import { auditCli, exportLog, waitForStored } from '../helpers/audit.js';
import { createKeyAgent, startServe, type ServeProcess } from '../helpers/serve.js';
import { sendMany } from '../helpers/load.js';

const EVENTS = 40;
const work = mkdtempSync(join(tmpdir(), 'clawgress-audit-tamper-'));
const dataDir = join(work, 'data');
let serve: ServeProcess;
/** The export of the untouched log: line 1 is the header. */
let lines: string[];
let events: AuditEvent[];

before(async () => {
  serve = await startServe({ dataDir, args: ['--workers', '1'] });
  const key = await createKeyAgent(serve, 'tamper-agent');
  await sendMany({ proxyPort: serve.proxyPort, auths: [`tamper-agent:${key}`], url: (i) => `http://denied.example/${i}`, total: EVENTS, concurrency: 4 });
  await waitForStored(serve, EVENTS);
  assert.equal((await serve.stop()).code, 0);
  serve = await startServe({ dataDir, args: ['--workers', '1'] });
  lines = (await exportLog(serve)).trimEnd().split('\n');
  await serve.stop();
  events = lines.map((line) => JSON.parse(line)).filter((r) => r.record_type === undefined);
});

after(() => rmSync(work, { recursive: true, force: true }));

/** The line (1-based) of the event with this request id, in `of`. */
const lineOf = (of: readonly string[], requestId: string): number => of.findIndex((l) => l.includes(`"request_id":"${requestId}"`)) + 1;
const nth = (n: number): AuditEvent => events[n] as AuditEvent;

async function verifyFile(name: string, content: readonly string[]): Promise<{ code: number; report: any; text: string }> {
  const file = join(work, `${name}.jsonl`);
  writeFileSync(file, `${content.join('\n')}\n`);
  const json = await auditCli(['verify', file, '--public-key', join(dataDir, 'signing-key.pub.pem'), '--json']);
  const text = await auditCli(['verify', file, '--public-key', join(dataDir, 'signing-key.pub.pem')]);
  return { code: json.code, report: JSON.parse(json.stdout), text: text.stdout };
}

test('the untouched export verifies: two segments linked by a clean restart', async () => {
  const { code, report } = await verifyFile('untouched', lines);
  assert.equal(code, 0, JSON.stringify(report.broken));
  assert.deepEqual({ events: report.events, segments: report.segments, notices: report.notices }, { events: EVENTS, segments: 2, notices: [] });
});

describe('an export file', () => {
  const cases: Array<{ name: string; tamper: (l: string[]) => string[]; kind: string; requestId: () => string }> = [
    {
      name: 'an edited event is named at its line',
      tamper: (l) => l.map((line) => (line.includes(nth(10).request_id) ? line.replace('"decision":"deny"', '"decision":"allow"') : line)),
      kind: 'edited', requestId: () => nth(10).request_id,
    },
    {
      name: 'a deleted event is named by the event that followed it',
      tamper: (l) => l.filter((line) => !line.includes(nth(10).request_id)),
      kind: 'deleted', requestId: () => nth(11).request_id,
    },
    {
      name: 'two swapped events are named at the first of them',
      tamper: (l) => {
        const copy = [...l];
        const [a, b] = [lineOf(l, nth(10).request_id) - 1, lineOf(l, nth(11).request_id) - 1];
        [copy[a], copy[b]] = [copy[b] as string, copy[a] as string];
        return copy;
      },
      kind: 'reordered', requestId: () => nth(11).request_id,
    },
    {
      name: 'an inserted event is named, though it links to a real event',
      tamper: (l) => {
        const forged = sealEvent({ ...nth(10), request_id: 'forged-request' }, nth(10).hash as string);
        const copy = [...l];
        copy.splice(lineOf(l, nth(10).request_id), 0, JSON.stringify(forged));
        return copy;
      },
      kind: 'inserted', requestId: () => 'forged-request',
    },
  ];
  for (const tampering of cases) {
    test(tampering.name, async () => {
      const content = tampering.tamper(lines);
      const { code, report, text } = await verifyFile(tampering.kind, content);
      assert.equal(code, 1);
      const requestId = tampering.requestId();
      assert.deepEqual([report.broken.kind, report.broken.request_id, report.broken.position], [tampering.kind, requestId, lineOf(content, requestId)]);
      assert.match(text, new RegExp(`^audit log broken: line ${lineOf(content, requestId)}: request_id \`${requestId}\`: `));
    });
  }
});

describe('the sqlite database of serve', () => {
  /** A copy of the data dir whose database an attacker changed (after dropping the triggers that refuse it). */
  async function tamperedStore(name: string, sql: (db: Database.Database) => void): Promise<{ code: number; report: any }> {
    const dir = join(work, name);
    mkdirSync(dir);
    for (const file of ['clawgress.db', 'signing-key.pub.pem']) copyFileSync(join(dataDir, file), join(dir, file));
    const db = new Database(join(dir, 'clawgress.db'));
    db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete');
    sql(db);
    db.close();
    const result = await auditCli(['verify', '--data-dir', dir, '--json']);
    return { code: result.code, report: JSON.parse(result.stdout) };
  }
  const eventText = (db: Database.Database, n: number): string =>
    (db.prepare('SELECT event FROM audit_events WHERE request_id = ?').get(nth(n).request_id) as { event: string }).event;
  /** Position of an event in storage order: its line in the export, less the header line. */
  const recordOf = (requestId: string): number => lineOf(lines, requestId) - 1;

  const cases: Array<{ name: string; sql: (db: Database.Database) => void; kind: string; requestId: () => string; position: () => number }> = [
    {
      name: 'an edited row is named',
      sql: (db) => db.prepare('UPDATE audit_events SET event = ? WHERE request_id = ?').run(eventText(db, 10).replace('"decision":"deny"', '"decision":"allow"'), nth(10).request_id),
      kind: 'edited', requestId: () => nth(10).request_id, position: () => recordOf(nth(10).request_id),
    },
    {
      name: 'a deleted row is named by the row after it',
      sql: (db) => db.prepare('DELETE FROM audit_events WHERE request_id = ?').run(nth(10).request_id),
      kind: 'deleted', requestId: () => nth(11).request_id, position: () => recordOf(nth(11).request_id) - 1,
    },
    {
      name: 'two rows with swapped contents are named as reordered',
      sql: (db) => {
        const [a, b] = [eventText(db, 10), eventText(db, 11)];
        db.prepare('UPDATE audit_events SET event = ? WHERE request_id = ?').run(b, nth(10).request_id);
        db.prepare('UPDATE audit_events SET event = ? WHERE request_id = ?').run(a, nth(11).request_id);
      },
      kind: 'reordered', requestId: () => nth(11).request_id, position: () => recordOf(nth(10).request_id),
    },
    {
      name: 'an inserted row is named',
      sql: (db) => {
        const forged = sealEvent({ ...nth(10), request_id: 'forged-row' }, nth(10).hash as string);
        db.prepare(`INSERT INTO audit_events (request_id, timestamp, timestamp_ms, decision, host, event) VALUES (?, ?, ?, 'deny', 'x', ?)`)
          .run('forged-row', forged.timestamp, Date.parse(forged.timestamp), JSON.stringify(forged));
      },
      // Last in storage order: after the export's records and the shutdown checkpoint that followed them.
      kind: 'inserted', requestId: () => 'forged-row', position: () => lines.length - 1 + 2,
    },
  ];
  for (const tampering of cases) {
    test(tampering.name, async () => {
      const { code, report } = await tamperedStore(`db-${tampering.kind}`, tampering.sql);
      assert.equal(code, 1);
      assert.deepEqual([report.broken.kind, report.broken.request_id, report.broken.position], [tampering.kind, tampering.requestId(), tampering.position()]);
    });
  }
});

describe('the postgresql database, verified with --store', () => {
  const postgres = postgresHarness();
  after(() => postgres.dropSchemas());

  /** A fresh schema holding a real chain of 12 events (signed with the serve's key), then changed by `sql`. */
  async function tamperedSchema(sql: (ids: string[]) => string): Promise<{ code: number; report: any }> {
    const schema = postgres.newSchema();
    const store = await postgres.openStore({ schema });
    const chain = new AuditChain({
      clock: systemClock,
      signer: createCheckpointSigner(readFileSync(join(dataDir, 'signing-key.pem'), 'utf8')),
      checkpointEvery: 5,
      newSegmentId: () => `pg-${schema}`,
    });
    const sealed = events.slice(0, 12).map((event) => chain.seal({ ...event, prev_hash: null, hash: null }));
    await store.audit.append([...sealed.flat(), ...chain.checkpoint('shutdown')]);
    await store.close();
    const ids = sealed.map((records) => (records.find((r) => !('record_type' in r)) as AuditEvent).request_id);
    // An attacker with superuser rights can switch the append-only triggers off; the chain still tells.
    await postgres.query(schema, `SET session_replication_role = replica; ${sql(ids)}`);
    const url = `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const result = await auditCli(['verify', '--store', url, '--data-dir', dataDir, '--json']);
    return { code: result.code, report: JSON.parse(result.stdout) };
  }

  const cases: Array<[string, (ids: string[]) => string, string, (ids: string[]) => string]> = [
    ['an edited row is named', (ids) => `UPDATE audit_events SET event = replace(event, '"decision":"deny"', '"decision":"allow"') WHERE request_id = '${ids[6]}'`, 'edited', (ids) => ids[6] as string],
    ['a deleted row is named by the row after it', (ids) => `DELETE FROM audit_events WHERE request_id = '${ids[6]}'`, 'deleted', (ids) => ids[7] as string],
    [
      'two rows with swapped contents are named as reordered',
      (ids) => `UPDATE audit_events a SET event = b.event FROM audit_events b
        WHERE (a.request_id, b.request_id) IN (('${ids[6]}', '${ids[7]}'), ('${ids[7]}', '${ids[6]}'))`,
      'reordered', (ids) => ids[7] as string,
    ],
    [
      // It cannot make a hash that fits, so it passes the row off as an event of schema 1.
      'an inserted row, made to look older than the chain, is named',
      (ids) => `INSERT INTO audit_events (request_id, timestamp, timestamp_ms, decision, host, event)
        SELECT 'forged-pg', timestamp, timestamp_ms, decision, host,
               ((event::jsonb - 'hash' - 'prev_hash') || '{"request_id": "forged-pg", "schema_version": 1}')::text
          FROM audit_events WHERE request_id = '${ids[6]}'`,
      'inserted', () => 'forged-pg',
    ],
  ];
  for (const [name, sql, kind, requestId] of cases) {
    test(name, async () => {
      const { code, report } = await tamperedSchema(sql);
      assert.equal(code, 1, JSON.stringify(report));
      assert.equal(report.broken.kind, kind, report.broken.message);
      assert.equal(report.broken.request_id, requestId(events.slice(0, 12).map((event) => event.request_id)));
    });
  }
});
