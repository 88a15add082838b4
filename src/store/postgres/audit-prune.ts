// Retention on PostgreSQL: whole monthly partitions are dropped, never rows. One transaction:
// appends wait (the same lock they take), the caller reads the whole log and returns the
// signed prune record, the record is stored (placed before every event), then the partitions
// go. If anything fails, nothing is dropped.

import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import type { AuditCheckpoint } from '../../core/index.js';
import { checkpointColumns } from '../audit-log.js';
import type { AuditLogItem, AuditLogPosition, AuditPruneContext, AuditPruneResult } from '../types.js';
import { maxSeq, readLogPage } from './audit-log.js';
import { inTransaction, run } from './pool.js';

const PARTITION_NAME = /^(audit_events|audit_checkpoints)_p(\d{4})(\d{2})$/;
const PAGE = 1000;

export function postgresAuditPrune(
  pool: Pool,
  options: { readonly before_ms: number; readonly prepare: (context: AuditPruneContext) => Promise<AuditCheckpoint | null> },
): Promise<AuditPruneResult> {
  return inTransaction(pool, async (client) => {
    await run(client, 'LOCK TABLE audit_events, audit_checkpoints IN EXCLUSIVE MODE');
    const partitions = await partitionsBefore(client, options.before_ms);
    const none: AuditPruneResult = { partitions: [], events: 0, record: null };
    if (partitions.length === 0) return none;
    const events = await countEvents(client, partitions);
    const toSeq = await maxSeq(client);
    const record = await options.prepare({ partitions, events, readLog: () => readWholeLog(client, toSeq) });
    if (record === null) return none;
    await storePruneRecord(client, record);
    for (const name of partitions) await run(client, `DROP TABLE ${pg.escapeIdentifier(name)}`);
    return { partitions, events, record };
  });
}

/** Partitions of both audit tables whose month ends at or before `beforeMs`. */
async function partitionsBefore(client: PoolClient, beforeMs: number): Promise<string[]> {
  const { rows } = await run<{ name: string }>(
    client,
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent IN ('audit_events'::regclass, 'audit_checkpoints'::regclass) ORDER BY c.relname`,
  );
  return rows.map((row) => row.name).filter((name) => {
    const match = PARTITION_NAME.exec(name);
    // Month numbers are 1-based, Date.UTC's are 0-based: this is the start of the next month.
    return match !== null && Date.UTC(Number(match[2]), Number(match[3])) <= beforeMs;
  });
}

async function countEvents(client: PoolClient, partitions: readonly string[]): Promise<number> {
  let events = 0;
  for (const name of partitions.filter((p) => p.startsWith('audit_events_'))) {
    const { rows } = await run<{ n: number }>(client, `SELECT count(*)::bigint AS n FROM ${pg.escapeIdentifier(name)}`);
    events += rows[0]?.n ?? 0;
  }
  return events;
}

async function* readWholeLog(client: PoolClient, toSeq: number): AsyncGenerator<AuditLogItem> {
  let after: AuditLogPosition = { seq: 0, checkpoint: 0 };
  for (;;) {
    const page = await readLogPage(client, { after, to_seq: toSeq, limit: PAGE });
    yield* page;
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) return;
    after = last.position;
  }
}

async function storePruneRecord(client: PoolClient, record: AuditCheckpoint): Promise<void> {
  const columns = checkpointColumns(record);
  await run(client, 'SELECT audit_partition_for($1, $2)', ['audit_checkpoints', columns.timestamp_ms]);
  await run(
    client,
    `INSERT INTO audit_checkpoints (after_seq, timestamp_ms, kind, gateway_id, segment, signature, checkpoint)
     VALUES (0, $1, $2, $3, $4, $5, $6)`,
    [columns.timestamp_ms, columns.kind, columns.gateway_id, columns.segment, columns.signature, columns.checkpoint],
  );
}
