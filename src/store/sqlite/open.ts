import Database from 'better-sqlite3';
import type { Store } from '../types.js';
import { sqliteAgentRepository, sqliteApiKeyRepository } from './agents.js';
import { auditAppender, type AppendRow } from './audit-append.js';
import { startAuditWriter, type AuditWriter } from './audit-writer.js';
import { sqliteAuditRepository } from './audit.js';
import { sqliteBundleRepository } from './bundles.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { configureConnection } from './connection.js';
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
  /**
   * The same for audit appends, on a connection (and thread) of their own; 0 ms by default: a
   * locked or read-only file fails the batch at once (the audit queue retries it) rather than
   * holding up the batches behind it.
   */
  readonly auditBusyTimeoutMs?: number;
  /**
   * Events an audit append leaves un-indexed before it indexes them in bulk (AUDIT_INDEX_BATCH
   * by default); a query scans those. Tests set it small to page across both parts.
   */
  readonly auditIndexBatch?: number;
  /**
   * Told when the audit writer thread (audit-writer.ts) fails; appends then go on in this
   * thread, so it is a warning, not an error.
   */
  readonly onAuditWriterStop?: (error: Error) => void;
  /** Open an existing file to read only (audit verify): nothing is created or migrated. */
  readonly readonly?: boolean;
}

/** Opens (creating and migrating when needed) the embedded SQLite store. */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  const db = new Database(options.path, options.readonly ? { readonly: true, fileMustExist: true } : {});
  let writer: AuditWriter | null = null;
  let checkpointer: Checkpointer | null = null;
  try {
    if (!options.readonly) {
      configureConnection(db, options.busyTimeoutMs ?? 5000);
      migrate(db, MIGRATIONS, new Date().toISOString());
      if (options.path !== ':memory:') {
        const busyTimeoutMs = options.auditBusyTimeoutMs ?? 0;
        writer = startAuditWriter({ path: options.path, busyTimeoutMs, indexBatch: options.auditIndexBatch }, options.onAuditWriterStop);
        checkpointer = startCheckpointer(options.path);
      }
    }
  } catch (error) {
    void writer?.close();
    db.close();
    throw error;
  }
  // `:memory:` is private to its connection, and a read-only store's appends fail on it.
  let appendHere: ((rows: readonly AppendRow[]) => number) | undefined;
  const append = writer?.append ?? ((rows: readonly AppendRow[]) => (appendHere ??= auditAppender(db, options.auditIndexBatch))(rows));
  return {
    agents: sqliteAgentRepository(db),
    keys: sqliteApiKeyRepository(db),
    issuers: sqliteIssuerRepository(db),
    policies: sqlitePolicyRepository(db),
    quotas: sqliteQuotaRepository(db),
    bundles: sqliteBundleRepository(db),
    audit: sqliteAuditRepository(db, append),
    close: async () => {
      await writer?.close();
      await checkpointer?.close();
      if (db.open) db.close();
    },
  };
}
