import type Database from 'better-sqlite3';
import { ClawgressError, type AuditCheckpoint, type AuditEvent, type AuditRecord } from '../../core/index.js';
import { decodeAuditCursor, encodeAuditCursor } from '../audit-cursor.js';
import { checkpointColumns, placeOf } from '../audit-log.js';
import type { AuditFilter, AuditPage, AuditRepository } from '../types.js';
import { sqliteAuditLog } from './audit-log.js';

interface AuditRow {
  seq: number;
  event: string;
}

/**
 * `writer` takes the appends: a connection of its own that never waits for a lock another
 * process holds (busy timeout 0), so a locked or read-only file fails the batch at once and
 * the queue retries it later, instead of stalling this process's event loop.
 */
export function sqliteAuditRepository(db: Database.Database, writer: Database.Database = db): AuditRepository {
  // A request_id seen before is skipped, so a batch retried after a lost answer is stored once.
  // Only that conflict is skipped (not OR IGNORE): a malformed event fails the whole batch.
  const insert = writer.prepare(
    `INSERT INTO audit_events
     (request_id, timestamp, timestamp_ms, agent_id, team_id, decision, policy_id, host, event)
     VALUES (@request_id, @timestamp, @timestamp_ms, @agent_id, @team_id, @decision, @policy_id, @host, @event)
     ON CONFLICT (request_id) DO NOTHING`,
  );
  const insertCheckpoint = writer.prepare(
    `INSERT INTO audit_checkpoints (after_seq, timestamp_ms, kind, gateway_id, segment, signature, checkpoint)
     VALUES (@after_seq, @timestamp_ms, @kind, @gateway_id, @segment, @signature, @checkpoint)
     ON CONFLICT (signature) DO NOTHING`,
  );
  const lastSeq = writer.prepare('SELECT COALESCE(MAX(seq), 0) FROM audit_events').pluck();
  const appendTx = writer.transaction((records: readonly AuditRecord[]): number => {
    let added = 0;
    for (const record of records) {
      if (isCheckpoint(record)) insertCheckpoint.run({ ...checkpointColumns(record), after_seq: placeOf(record, () => lastSeq.get() as number) });
      else added += insert.run(toRow(record)).changes;
    }
    return added;
  });

  return {
    append: async (records) => appendTx.immediate(records),
    query: async (filter) => queryPage(db, filter),
    ...sqliteAuditLog(db),
  };
}

function isCheckpoint(record: AuditRecord): record is AuditCheckpoint {
  return (record as Partial<AuditCheckpoint>).record_type === 'audit_checkpoint';
}

function toRow(event: AuditEvent): Record<string, unknown> {
  const timestampMs = Date.parse(event.timestamp);
  if (!Number.isFinite(timestampMs)) {
    throw new ClawgressError(
      'VALIDATION',
      `audit event \`${event.request_id}\`: timestamp: \`${event.timestamp}\` is not a valid time`,
      { field: 'timestamp' },
    );
  }
  return {
    request_id: event.request_id,
    timestamp: event.timestamp,
    timestamp_ms: timestampMs,
    agent_id: event.identity?.agent_id ?? null,
    team_id: event.identity?.team_id ?? null,
    decision: event.decision,
    policy_id: event.policy_id,
    host: event.destination.host,
    event: JSON.stringify(event),
  };
}

function queryPage(db: Database.Database, filter: AuditFilter): AuditPage {
  const { where, params } = buildWhere(filter);
  // One row more than asked tells whether another page exists.
  const rows = db
    .prepare(`SELECT seq, event FROM audit_events ${where} ORDER BY seq DESC LIMIT ?`)
    .all(...params, filter.limit + 1) as AuditRow[];
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => JSON.parse(row.event) as AuditEvent),
    next_cursor: rows.length > filter.limit && last ? encodeAuditCursor(last.seq) : null,
  };
}

function buildWhere(filter: AuditFilter): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown): void => {
    if (value === undefined) return;
    clauses.push(clause);
    params.push(value);
  };
  add('agent_id = ?', filter.agent_id);
  add('team_id = ?', filter.team_id);
  add('decision = ?', filter.decision);
  add('policy_id = ?', filter.policy_id);
  add('host = ?', filter.host);
  add('timestamp_ms >= ?', filter.since_ms);
  add('timestamp_ms < ?', filter.until_ms);
  add('seq < ?', filter.cursor === undefined ? undefined : decodeAuditCursor(filter.cursor));
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
