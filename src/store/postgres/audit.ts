import type { Pool, PoolClient } from 'pg';
import { ClawgressError, type AuditEvent } from '../../core/index.js';
import { decodeAuditCursor, encodeAuditCursor } from '../audit-cursor.js';
import type { AuditFilter, AuditPage, AuditRepository } from '../types.js';
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

interface AuditRow {
  seq: number;
  event: string;
}

export function postgresAuditRepository(pool: Pool): AuditRepository {
  return {
    append: async (events) => {
      // Every event is checked before the first statement, so a bad one costs no round trip.
      const rows = events.map(toRow);
      if (rows.length === 0) return 0;
      return inTransaction(pool, (client) => insertRows(client, rows));
    },
    query: (filter) => queryPage(pool, filter),
  };
}

async function insertRows(client: PoolClient, rows: readonly unknown[][]): Promise<number> {
  // Appends take turns (reads do not wait), as under SQLite's writer lock: seq order is then
  // commit order, so an event never becomes visible behind a cursor a reader already holds,
  // and two batches sharing request_ids in different orders cannot deadlock.
  await run(client, 'LOCK TABLE audit_events IN EXCLUSIVE MODE');
  let added = 0;
  for (let start = 0; start < rows.length; start += AUDIT_ROWS_PER_INSERT) {
    added += await insertChunk(client, rows.slice(start, start + AUDIT_ROWS_PER_INSERT));
  }
  return added;
}

/**
 * One multi-row INSERT. A request_id seen before (in an earlier batch or earlier in this one)
 * is skipped, so a batch retried after a lost answer is stored once; any other failure fails
 * the whole batch.
 */
async function insertChunk(client: PoolClient, rows: readonly unknown[][]): Promise<number> {
  const width = COLUMNS.length;
  const tuples = rows.map((_, row) => `(${COLUMNS.map((__, col) => `$${row * width + col + 1}`).join(', ')})`);
  const result = await run(
    client,
    `INSERT INTO audit_events (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}
     ON CONFLICT (request_id) DO NOTHING`,
    rows.flat(),
  );
  return result.rowCount ?? 0;
}

/** The row's values in COLUMNS order. */
function toRow(event: AuditEvent): unknown[] {
  const timestampMs = Date.parse(event.timestamp);
  if (!Number.isFinite(timestampMs)) {
    throw new ClawgressError(
      'VALIDATION',
      `audit event \`${event.request_id}\`: timestamp: \`${event.timestamp}\` is not a valid time`,
      { field: 'timestamp' },
    );
  }
  return [
    event.request_id,
    event.timestamp,
    timestampMs,
    event.identity?.agent_id ?? null,
    event.identity?.team_id ?? null,
    event.decision,
    event.policy_id,
    event.destination.host,
    JSON.stringify(event),
  ];
}

async function queryPage(pool: Pool, filter: AuditFilter): Promise<AuditPage> {
  const { where, params } = buildWhere(filter);
  params.push(filter.limit + 1);
  // One row more than asked tells whether another page exists.
  const { rows } = await run<AuditRow>(
    pool,
    `SELECT seq, event FROM audit_events ${where} ORDER BY seq DESC LIMIT $${params.length}`,
    params,
  );
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
  const add = (comparison: string, value: unknown): void => {
    if (value === undefined) return;
    params.push(value);
    clauses.push(`${comparison} $${params.length}`);
  };
  add('agent_id =', filter.agent_id);
  add('team_id =', filter.team_id);
  add('decision =', filter.decision);
  add('policy_id =', filter.policy_id);
  add('host =', filter.host);
  add('timestamp_ms >=', filter.since_ms);
  add('timestamp_ms <', filter.until_ms);
  add('seq <', filter.cursor === undefined ? undefined : decodeAuditCursor(filter.cursor));
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
