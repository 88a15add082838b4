// The audit log in storage order (export, verify, prune), over PostgreSQL. See ../audit-log.ts.

import type { Pool } from 'pg';
import { mergeLogPage, sliceFrom, type StoredCheckpoint, type StoredEvent } from '../audit-log.js';
import type { AuditLogItem, AuditLogRequest, AuditRepository } from '../types.js';
import { run, type Queryable } from './pool.js';

export function postgresAuditLog(pool: Pool): Pick<AuditRepository, 'slice' | 'readLog'> {
  return {
    slice: async (range) => {
      const toSeq = range.until_ms === undefined ? await maxSeq(pool) : ((await seqAt(pool, 'before', range.until_ms)) ?? 0);
      const first = range.since_ms === undefined ? undefined : await seqAt(pool, 'from', range.since_ms);
      return sliceFrom(first, toSeq);
    },
    readLog: (request) => readLogPage(pool, request),
  };
}

export async function readLogPage(db: Queryable, { after, to_seq: toSeq, limit }: AuditLogRequest): Promise<AuditLogItem[]> {
  const events = await run<StoredEvent>(db, 'SELECT seq, event FROM audit_events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3', [
    after.seq,
    toSeq,
    limit,
  ]);
  const upper = events.rows.length === limit ? (events.rows.at(-1) as StoredEvent).seq : toSeq;
  const checkpoints = await run<StoredCheckpoint>(
    db,
    `SELECT id, after_seq, checkpoint FROM audit_checkpoints
     WHERE ((after_seq = $1 AND id > $2) OR after_seq > $1) AND after_seq <= $3
     ORDER BY after_seq, id LIMIT $4`,
    [after.seq, after.checkpoint, upper, limit],
  );
  return mergeLogPage(events.rows, checkpoints.rows, limit);
}

export async function maxSeq(db: Queryable): Promise<number> {
  const { rows } = await run<{ seq: number }>(db, 'SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_events');
  return rows[0]?.seq ?? 0;
}

// Through the time index: the first (last) event by time, not a scan of every later one.
async function seqAt(db: Queryable, side: 'from' | 'before', ms: number): Promise<number | null> {
  const sql = side === 'from'
    ? 'SELECT seq FROM audit_events WHERE timestamp_ms >= $1 ORDER BY timestamp_ms, seq LIMIT 1'
    : 'SELECT seq FROM audit_events WHERE timestamp_ms < $1 ORDER BY timestamp_ms DESC, seq DESC LIMIT 1';
  const { rows } = await run<{ seq: number }>(db, sql, [ms]);
  return rows[0]?.seq ?? null;
}
