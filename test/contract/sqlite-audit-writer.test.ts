// The SQLite audit writer thread (src/store/sqlite/audit-writer.ts): batches are written on a
// thread of their own, in the order they were posted, each answered with its own count or the
// error that refused it whole; close waits for what was posted; a failed thread hands its
// batches and every later one to the calling thread without losing or repeating a row.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/store/index.js';
import { appendRows, type AppendRow } from '../../src/store/sqlite/audit-append.js';
import { startAuditWriter, type AuditWriter, type WriterThreadData } from '../../src/store/sqlite/audit-writer.js';
import { configureConnection } from '../../src/store/sqlite/connection.js';
import { migrate } from '../../src/store/sqlite/migrate.js';
import { volumeEvent } from '../helpers/audit-volume.js';

const tempDir = mkdtempSync(join(tmpdir(), 'clawgress-audit-writer-'));
let fileCounter = 0;
after(() => rmSync(tempDir, { recursive: true, force: true }));

/** A migrated store file, as openSqliteStore leaves it before it starts the writer. */
function storeFile(): string {
  const path = join(tempDir, `audit-${++fileCounter}.sqlite`);
  const db = configureConnection(new Database(path), 5000);
  migrate(db, MIGRATIONS, new Date().toISOString());
  db.close();
  return path;
}

function threadData(path: string): WriterThreadData {
  return { path, busyTimeoutMs: 0, indexBatch: undefined };
}

function rowsOf(from: number, count: number): AppendRow[] {
  return appendRows(Array.from({ length: count }, (_, i) => volumeEvent(from + i)));
}

function storedIds(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT request_id FROM audit_events ORDER BY seq').pluck().all() as string[];
  } finally {
    db.close();
  }
}

function ids(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `vol-${from + i}`);
}

describe('sqlite audit writer thread', () => {
  it('writes batches posted back to back in order, each answered with its own count', async () => {
    const path = storeFile();
    const stops: Error[] = [];
    const writer = startAuditWriter(threadData(path), (error) => stops.push(error));
    const answers = await Promise.all([writer.append(rowsOf(0, 5)), writer.append(rowsOf(5, 3)), writer.append(rowsOf(6, 4))]);
    // The third batch repeats two stored events: only its two new ones are added.
    assert.deepEqual(answers, [5, 3, 2]);
    await writer.close();
    assert.deepEqual(stops, [], 'the thread wrote them: it did not stop');
    assert.deepEqual(storedIds(path), ids(0, 10));
  });

  it('refuses a batch SQLite refuses, whole, with its error code, and writes the next one', async () => {
    const path = storeFile();
    const writer = startAuditWriter(threadData(path));
    const holder = new Database(path);
    holder.prepare('BEGIN IMMEDIATE').run();
    await assert.rejects(writer.append(rowsOf(0, 3)), (error: Error & { code?: string }) => {
      assert.ok(error instanceof Database.SqliteError, 'a SqliteError, as a write on this thread throws');
      assert.equal(error.code, 'SQLITE_BUSY');
      return true;
    });
    holder.prepare('ROLLBACK').run();
    holder.close();
    assert.equal(await writer.append(rowsOf(0, 3)), 3);
    await writer.close();
    assert.deepEqual(storedIds(path), ids(0, 3));
  });

  it('closes after the batches already posted are written, and refuses any after', async () => {
    const path = storeFile();
    const writer = startAuditWriter(threadData(path));
    const posted = [writer.append(rowsOf(0, 50)), writer.append(rowsOf(50, 50))];
    await writer.close();
    assert.deepEqual(await Promise.all(posted), [50, 50]);
    await assert.rejects(writer.append(rowsOf(100, 1)), /the store is closed/);
    assert.equal(storedIds(path).length, 100);
  });

  it('runs from the compiled build too (the thread `serve` starts)', async () => {
    const built = pathToFileURL(resolve(import.meta.dirname, '../../dist/store/sqlite/audit-writer.js')).href;
    const { startAuditWriter: startBuilt } = (await import(built)) as { startAuditWriter: typeof startAuditWriter };
    const path = storeFile();
    const stops: Error[] = [];
    const writer: AuditWriter = startBuilt(threadData(path), (error) => stops.push(error));
    assert.equal(await writer.append(rowsOf(0, 4)), 4);
    await writer.close();
    assert.deepEqual(stops, []);
    assert.deepEqual(storedIds(path), ids(0, 4));
  });

  it('hands the batches still out and every later one to this thread when the thread fails', async () => {
    const path = storeFile();
    const stops: Error[] = [];
    // A thread that commits nothing and dies at its first batch.
    const failing = (): Worker => new Worker(`require('node:worker_threads').parentPort.on('message', () => { throw new Error('thread broke'); });`, { eval: true });
    const writer = startAuditWriter(threadData(path), (error) => stops.push(error), failing);
    const answers = await Promise.all([writer.append(rowsOf(0, 3)), writer.append(rowsOf(3, 2))]);
    assert.deepEqual(answers, [3, 2]);
    assert.equal(await writer.append(rowsOf(4, 3)), 2, 'a later batch: the repeated event is skipped');
    await writer.close();
    assert.equal(stops.length, 1, 'told once');
    assert.match(String(stops[0]?.message), /thread broke/);
    assert.deepEqual(storedIds(path), ids(0, 7));
  });

  it('stores a batch the thread committed before it failed once, when it is written again here', async () => {
    const path = storeFile();
    // A thread that commits its first batch and dies before it answers.
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const Database = require(workerData.driver);
      parentPort.on('message', (request) => {
        const db = new Database(workerData.path);
        const insert = db.prepare('INSERT INTO audit_events (request_id, timestamp, timestamp_ms, agent_id, team_id, decision, policy_id, host, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
        db.transaction(() => { for (const r of request.rows) insert.run(...r); })();
        db.close();
        throw new Error('died before answering');
      });`;
    const driver = (await import('node:module')).createRequire(import.meta.url).resolve('better-sqlite3');
    const committing = (): Worker => new Worker(source, { eval: true, workerData: { path, driver } });
    const stops: Error[] = [];
    const writer = startAuditWriter(threadData(path), (error) => stops.push(error), committing);
    assert.equal(await writer.append(rowsOf(0, 3)), 0, 'already stored by the thread: nothing added again');
    await writer.close();
    assert.equal(stops.length, 1);
    assert.deepEqual(storedIds(path), ids(0, 3));
  });
});
