// The settings every connection of the store takes, on whichever thread opens it.
import type Database from 'better-sqlite3';

/** Sets the connection's pragmas; returns it. */
export function configureConnection(db: Database.Database, busyTimeoutMs: number): Database.Database {
  // Set before WAL, it takes effect on a new file only (an existing one keeps its page size).
  // Audit rows are ~1 KB. Measured on the bench machine with schema 2's seven indexes, 16 KiB
  // pages made an append cheaper than 4 KiB ones the larger the batch (fewer WAL frames and
  // B-tree splits per batch): ~15% less CPU a row at 500 rows a commit, ~5% at the ~60 a 5 ms
  // linger gathers at 12k events/s.
  db.pragma('page_size = 16384');
  // WAL lets the audit query read while a batch is being written; `:memory:` ignores it.
  db.pragma('journal_mode = WAL');
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  return db;
}
