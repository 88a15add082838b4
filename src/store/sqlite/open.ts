import Database from 'better-sqlite3';
import type { Store } from '../types.js';
import { sqliteAgentRepository, sqliteApiKeyRepository } from './agents.js';
import { sqliteAuditRepository } from './audit.js';
import { sqliteBundleRepository } from './bundles.js';
import { sqliteIssuerRepository } from './issuers.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations.js';
import { sqlitePolicyRepository } from './policies.js';
import { sqliteQuotaRepository } from './quotas.js';

export interface SqliteStoreOptions {
  /** A file path, or `:memory:` for a private in-memory database (tests). */
  readonly path: string;
  /** How long a write waits for another process's lock before failing; 5000 ms by default. */
  readonly busyTimeoutMs?: number;
}

/** Opens (creating and migrating when needed) the embedded SQLite store. */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const db = new Database(options.path);
  try {
    // WAL lets the audit query read while a batch is being written; `:memory:` ignores it.
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    migrate(db, MIGRATIONS, new Date().toISOString());
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    agents: sqliteAgentRepository(db),
    keys: sqliteApiKeyRepository(db),
    issuers: sqliteIssuerRepository(db),
    policies: sqlitePolicyRepository(db),
    quotas: sqliteQuotaRepository(db),
    bundles: sqliteBundleRepository(db),
    audit: sqliteAuditRepository(db),
    close: async () => {
      if (db.open) db.close();
    },
  };
}
