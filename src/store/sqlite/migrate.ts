import type Database from 'better-sqlite3';
import type { Migration } from './migrations.js';

/**
 * Applies every migration newer than the recorded schema version. One IMMEDIATE
 * transaction: two processes opening the same new file cannot both apply a migration.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], appliedAt: string): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applyPending = db.transaction(() => {
    const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as {
      version: number | null;
    };
    const current = row.version ?? 0;
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of migrations.filter((m) => m.version > current)) {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, appliedAt);
    }
  });
  applyPending.immediate();
}
