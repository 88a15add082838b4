// Runs the store contract for SQLite, in memory and on disk, plus what only SQLite has:
// migrations recorded once, data kept across a reopen.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS, openSqliteStore } from '../../src/store/index.js';
import { runStoreContract } from './store/contract.js';
import { agentRecord } from './store/fixtures.js';

const tempDir = mkdtempSync(join(tmpdir(), 'clawgress-store-'));
let fileCounter = 0;
const nextFile = (): string => join(tempDir, `store-${++fileCounter}.sqlite`);
after(() => rmSync(tempDir, { recursive: true, force: true }));

runStoreContract('sqlite in memory', async () => openSqliteStore({ path: ':memory:' }));
runStoreContract('sqlite file', async () => openSqliteStore({ path: nextFile() }));

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
