// The audit log in storage order (export, verify), over SQLite. See ../audit-log.ts.

import type Database from 'better-sqlite3';
import { mergeLogPage, sliceFrom, type StoredCheckpoint, type StoredEvent } from '../audit-log.js';
import type { AuditRepository } from '../types.js';

export function sqliteAuditLog(db: Database.Database): Pick<AuditRepository, 'slice' | 'readLog'> {
  const events = db.prepare('SELECT seq, event FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?');
  const checkpoints = db.prepare(
    `SELECT id, after_seq, checkpoint FROM audit_checkpoints
     WHERE ((after_seq = ? AND id > ?) OR after_seq > ?) AND after_seq <= ?
     ORDER BY after_seq, id LIMIT ?`,
  );
  const maxSeq = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM audit_events').pluck();
  // Through the time index: the first (last) event by time, not a scan of every later one.
  const firstAtOrAfter = db.prepare('SELECT seq FROM audit_events WHERE timestamp_ms >= ? ORDER BY timestamp_ms, seq LIMIT 1').pluck();
  const lastBefore = db.prepare('SELECT seq FROM audit_events WHERE timestamp_ms < ? ORDER BY timestamp_ms DESC, seq DESC LIMIT 1').pluck();

  return {
    slice: async (range) => {
      const toSeq = range.until_ms === undefined ? (maxSeq.get() as number) : ((lastBefore.get(range.until_ms) as number | undefined) ?? 0);
      const first = range.since_ms === undefined ? undefined : ((firstAtOrAfter.get(range.since_ms) as number | undefined) ?? null);
      return sliceFrom(first, toSeq);
    },
    readLog: async ({ after, to_seq: toSeq, limit }) => {
      const eventRows = events.all(after.seq, toSeq, limit) as StoredEvent[];
      const upper = eventRows.length === limit ? (eventRows.at(-1) as StoredEvent).seq : toSeq;
      const checkpointRows = checkpoints.all(after.seq, after.checkpoint, after.seq, upper, limit) as StoredCheckpoint[];
      return mergeLogPage(eventRows, checkpointRows, limit);
    },
  };
}
