import type Database from 'better-sqlite3';
import { auditConditions, auditPage, type AuditQueryRow } from '../audit-query.js';
import type { AuditFilter, AuditPage, AuditRepository } from '../types.js';
import { appendRows, type AppendRow } from './audit-append.js';
import { leadField, readIndexed } from './audit-index.js';
import { sqliteAuditLog } from './audit-log.js';


/**
 * `append` writes a batch's rows in one transaction (audit-append.ts): on the writer thread of
 * audit-writer.ts for a file, in this thread for `:memory:`. A record that cannot be stored
 * (a bad time, a checkpoint without its signature) is refused here, before anything is written.
 */
export function sqliteAuditRepository(db: Database.Database, append: (rows: readonly AppendRow[]) => Promise<number> | number): AuditRepository {
  return {
    append: async (records) => append(appendRows(records)),
    query: async (filter) => queryPage(db, filter),
    ...sqliteAuditLog(db),
  };
}



function queryPage(db: Database.Database, filter: AuditFilter): AuditPage {
  const lead = leadField(filter);
  if (lead !== undefined) return auditPage(readIndexed(db, filter, lead), filter.limit);
  // By time, cursor or nothing: the primary key and the time index serve it.
  const conditions = auditConditions(filter);
  const where = conditions.length > 0 ? `WHERE ${conditions.map(([comparison]) => `${comparison} ?`).join(' AND ')}` : '';
  const rows = db
    .prepare(`SELECT seq, event FROM audit_events ${where} ORDER BY seq DESC LIMIT ?`)
    .all(...conditions.map(([, value]) => value), filter.limit + 1) as AuditQueryRow[];
  return auditPage(rows, filter.limit);
}
