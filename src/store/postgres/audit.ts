import type { Pool, PoolClient } from 'pg';
import type { AuditCheckpoint, AuditEvent } from '../../core/index.js';
import { auditConditions, auditPage, type AuditQueryRow } from '../audit-query.js';
import { checkpointColumns, eventColumns, isCheckpoint, placeOf } from '../audit-log.js';
import type { AuditFilter, AuditPage, AuditRepository } from '../types.js';
import { postgresAuditLog } from './audit-log.js';
import { postgresAuditPrune } from './audit-prune.js';
import { inTransaction, run } from './pool.js';

const COLUMNS = [
  'request_id',
  'timestamp',
  'timestamp_ms',
  'agent_id',
  'team_id',
  'decision',
  'policy_id',
  'host',
  'event',
] as const;

/** PostgreSQL takes at most 65535 bind parameters in one statement. */
export const AUDIT_ROWS_PER_INSERT = Math.floor(65535 / COLUMNS.length);


export function postgresAuditRepository(pool: Pool): AuditRepository {
  return {
    append: async (records) => {
      // Every record is checked before the first statement, so a bad one costs no round trip.
      const rows = records.map((record) => (isCheckpoint(record) ? { checkpoint: record, columns: checkpointColumns(record) } : toRow(record)));
      if (rows.length === 0) return 0;
      return inTransaction(pool, (client) => insertRecords(client, rows));
    },
    query: (filter) => queryPage(pool, filter),
    ...postgresAuditLog(pool),
    prune: (options) => postgresAuditPrune(pool, options),
  };
}

type CheckpointRow = { checkpoint: AuditCheckpoint; columns: ReturnType<typeof checkpointColumns> };
type Row = unknown[] | CheckpointRow;


async function insertRecords(client: PoolClient, rows: readonly Row[]): Promise<number> {
  // Appends take turns (reads do not wait), as under SQLite's writer lock: seq order is then
  // commit order, so an event never becomes visible behind a cursor a reader already holds,
  // and two batches sharing request_ids in different orders cannot deadlock.
  await run(client, 'LOCK TABLE audit_events, audit_checkpoints IN EXCLUSIVE MODE');
  await ensurePartitions(client, rows);
  let added = 0;
  let events: unknown[][] = [];
  for (const row of rows) {
    if (Array.isArray(row)) {
      events.push(row);
      continue;
    }
    added += await insertEvents(client, events);
    events = [];
    await insertCheckpoint(client, row);
  }
  return added + (await insertEvents(client, events));
}

async function insertEvents(client: PoolClient, rows: readonly unknown[][]): Promise<number> {
  let added = 0;
  for (let start = 0; start < rows.length; start += AUDIT_ROWS_PER_INSERT) {
    added += await insertChunk(client, rows.slice(start, start + AUDIT_ROWS_PER_INSERT));
  }
  return added;
}

/** The monthly partitions the rows fall in, made when missing (only under the lock above). */
async function ensurePartitions(client: PoolClient, rows: readonly Row[]): Promise<void> {
  const wanted = new Map<string, [string, number]>();
  const want = (table: string, ms: number): void => {
    // One call per day of the batch (usually one) is cheap, and the calendar stays in SQL.
    const day = Math.floor(ms / DAY_MS) * DAY_MS;
    wanted.set(`${table}:${day}`, [table, day]);
  };
  for (const row of rows) {
    if (Array.isArray(row)) want('audit_events', row[2] as number);
    else want('audit_checkpoints', row.columns.timestamp_ms);
  }
  const pairs = [...wanted.values()];
  await run(client, 'SELECT audit_partition_for(parent, at_ms) FROM unnest($1::text[], $2::bigint[]) AS wanted (parent, at_ms)', [
    pairs.map(([table]) => table),
    pairs.map(([, ms]) => ms),
  ]);
}

const DAY_MS = 86_400_000;

async function insertCheckpoint(client: PoolClient, row: CheckpointRow): Promise<void> {
  const { columns } = row;
  const lastSeq = row.checkpoint.kind === 'prune' ? 0 : await currentSeq(client);
  await run(
    client,
    `INSERT INTO audit_checkpoints (after_seq, timestamp_ms, kind, gateway_id, segment, signature, checkpoint)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (signature, timestamp_ms) DO NOTHING`,
    [placeOf(row.checkpoint, () => lastSeq), columns.timestamp_ms, columns.kind, columns.gateway_id, columns.segment, columns.signature, columns.checkpoint],
  );
}

async function currentSeq(client: PoolClient): Promise<number> {
  const { rows } = await run<{ seq: number }>(client, 'SELECT COALESCE(MAX(seq), 0) AS seq FROM audit_events');
  return rows[0]?.seq ?? 0;
}

/**
 * One multi-row INSERT. An event seen before (same request_id and time, in an earlier batch
 * or earlier in this one) is skipped, so a batch retried after a lost answer is stored once;
 * any other failure fails the whole batch. (Unique per time, not per request_id alone: a
 * partitioned table's unique keys must hold its partition key.)
 */
async function insertChunk(client: PoolClient, rows: readonly unknown[][]): Promise<number> {
  if (rows.length === 0) return 0;
  const width = COLUMNS.length;
  const tuples = rows.map((_, row) => `(${COLUMNS.map((__, col) => `$${row * width + col + 1}`).join(', ')})`);
  const result = await run(
    client,
    `INSERT INTO audit_events (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
     ON CONFLICT (request_id, timestamp_ms) DO NOTHING`,
    rows.flat(),
  );
  return result.rowCount ?? 0;
}


async function queryPage(pool: Pool, filter: AuditFilter): Promise<AuditPage> {
  const conditions = auditConditions(filter);
  const params = [...conditions.map(([, value]) => value), filter.limit + 1];
  const where = conditions.length > 0 ? `WHERE ${conditions.map(([comparison], i) => `${comparison} $${i + 1}`).join(' AND ')}` : '';
  const { rows } = await run<AuditQueryRow>(pool, `SELECT seq, event FROM audit_events ${where} ORDER BY seq DESC LIMIT $${params.length}`, params);
  return auditPage(rows, filter.limit);
}

/** The row's values in COLUMNS order. */
function toRow(event: AuditEvent): unknown[] {
  const columns = eventColumns(event);
  return COLUMNS.map((column) => columns[column]);
}
