import type Database from 'better-sqlite3';
import type { AuditRecord } from '../../core/index.js';
import { auditConditions, auditPage, type AuditQueryRow } from '../audit-query.js';
import { checkpointColumns, eventColumns, isCheckpoint, placeOf } from '../audit-log.js';
import type { AuditFilter, AuditPage, AuditRepository } from '../types.js';
import { auditIndexer, leadField, readIndexed } from './audit-index.js';
import { sqliteAuditLog } from './audit-log.js';


/**
 * `writer` takes the appends: a connection of its own that never waits for a lock another
 * process holds (busy timeout 0), so a locked or read-only file fails the batch at once and
 * the queue retries it later, instead of stalling this process's event loop.
 */
export function sqliteAuditRepository(db: Database.Database, writer: Database.Database = db, options: { indexBatch?: number } = {}): AuditRepository {
  // A request_id seen before is skipped, so a batch retried after a lost answer is stored once.
  // Only that conflict is skipped (not OR IGNORE): a malformed event fails the whole batch.
  const insert = writer.prepare(
    `INSERT INTO audit_events
     (request_id, timestamp, timestamp_ms, agent_id, team_id, decision, policy_id, host, event)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (request_id) DO NOTHING`,
  );
  const insertCheckpoint = writer.prepare(
    `INSERT INTO audit_checkpoints (after_seq, timestamp_ms, kind, gateway_id, segment, signature, checkpoint)
     VALUES (@after_seq, @timestamp_ms, @kind, @gateway_id, @segment, @signature, @checkpoint)
     ON CONFLICT (signature) DO NOTHING`,
  );
  const lastSeq = writer.prepare('SELECT COALESCE(MAX(seq), 0) FROM audit_events').pluck();
  // Prepared at the first append: a file opened read-only (audit verify) may predate the
  // tables it writes.
  let indexTail: (() => void) | undefined;
  const appendTx = writer.transaction((records: readonly AuditRecord[]): number => {
    let added = 0;
    for (const record of records) {
      if (isCheckpoint(record)) insertCheckpoint.run({ ...checkpointColumns(record), after_seq: placeOf(record, () => lastSeq.get() as number) });
      else {
        // Positional parameters: binding by name cost ~0.7 µs more per row.
        const c = eventColumns(record);
        added += insert.run(c.request_id, c.timestamp, c.timestamp_ms, c.agent_id, c.team_id, c.decision, c.policy_id, c.host, c.event).changes;
      }
    }
    indexTail ??= auditIndexer(writer, options.indexBatch);
    indexTail();
    return added;
  });

  return {
    append: async (records) => appendTx.immediate(records),
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
