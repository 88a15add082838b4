import pg from 'pg';
import type { Pool } from 'pg';
import type { Migration } from '../sqlite/migrations.js';
import { inTransaction, run } from './pool.js';

export interface MigrateOptions {
  /** Created when missing; the connection's current schema when undefined. */
  readonly schema: string | undefined;
  readonly migrations: readonly Migration[];
  readonly appliedAt: string;
}

/**
 * Applies every migration newer than the recorded schema version, in one transaction under
 * an advisory lock named for the schema: two processes starting together on a new database
 * take turns, and the second finds everything applied.
 */
export async function migrate(pool: Pool, options: MigrateOptions): Promise<void> {
  await inTransaction(pool, async (client) => {
    await run(
      client,
      `SELECT pg_advisory_xact_lock(hashtextextended('clawgress schema migrations: ' || COALESCE($1::text, current_schema()::text, ''), 0))`,
      [options.schema ?? null],
    );
    if (options.schema !== undefined) {
      await run(client, `CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(options.schema)}`);
    }
    await run(
      client,
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        applied_at TEXT NOT NULL
      )`,
    );
    const { rows } = await run<{ version: number | null }>(client, 'SELECT MAX(version) AS version FROM schema_migrations');
    const current = rows[0]?.version ?? 0;
    for (const migration of options.migrations.filter((m) => m.version > current)) {
      await run(client, migration.sql);
      await run(client, 'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        options.appliedAt,
      ]);
    }
  });
}
