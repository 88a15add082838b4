// The per-field indexes of the SQLite audit log (agent, team, decision, policy, host),
// filled in bulk rather than row by row (schema 3, see migrations.ts).
//
// An append stores events with only their append-ordered indexes: seq, request_id (UUIDv7)
// and time. Once AUDIT_INDEX_BATCH events have gathered past the highest mark in
// audit_index_marks, the append's own transaction copies their (value, seq) pairs into the
// audit_by_* tables, sorted, and adds a mark past them: each distinct value's leaf is then
// written once per batch instead of once per event. With 200 agents that halves an append's
// cost (57 → 30 µs an event in 60-event commits, 16 KiB pages: a throwaway micro-benchmark
// on the bench machine).
//
// The batch is 4,000 events. With many agents a batch of 1,000 writes each agent's leaf for
// about one row, and a larger one costs less CPU per stored event (scratch benchmark of this
// table and fill, 60-event commits, AMD EPYC, 2026-12-07, 1,000 agents: 19.4-20.8 µs at 1,000,
// 12.3 at 4,000, 7.3-10.1 without the fill; 200 agents: 16.4-18.1 against 11.9-12.0). A fill
// runs inside one append's transaction, so a larger one holds its thread longer: while appends
// ran on the primary's event loop, which also answers the workers' quota questions, 4,000 made
// the open loop's tail worse. Since appends run on a thread of their own (audit-writer.ts) it
// does not (`npm run bench -- --conns none --rate 2000 --many-agents 200 --no-squid`, 3 rounds,
// 2026-12-08, against 1,000 on the primary's loop: c=50 with 200 agents 14,995-15,423 against
// 14,273-14,581 req/s, open loop +p99 2.13-2.54 against 2.71-3.03 ms).
// The price is a query's scan of a longer tail: ~0.34 ms for 4,000 rows that do not match.
//
// A query filtered by one of these fields reads, in one snapshot, the tail past the mark by
// scanning it (a batch or so of rows), then the older matches through the field's table.

import type Database from 'better-sqlite3';
import { auditConditions, type AuditQueryRow } from '../audit-query.js';
import type { AuditFilter } from '../types.js';

/** Events left to a query's scan before an append indexes them. */
export const AUDIT_INDEX_BATCH = 4000;

type IndexedField = 'agent_id' | 'team_id' | 'decision' | 'policy_id' | 'host';

const TABLES: Readonly<Record<IndexedField, string>> = {
  agent_id: 'audit_by_agent',
  team_id: 'audit_by_team',
  decision: 'audit_by_decision',
  policy_id: 'audit_by_policy',
  host: 'audit_by_host',
};

// The field a query walks when several are set: the one likely to match fewest events
// (an agent's share of the log is usually smaller than its team's; a decision is one of four).
const LEAD_ORDER: readonly IndexedField[] = ['agent_id', 'policy_id', 'host', 'team_id', 'decision'];

/**
 * Returns the step an append runs last in its transaction: it indexes the events past the
 * mark once there are `batch` of them. It reads the mark each time, so several processes
 * appending to one file (each in an IMMEDIATE transaction) share it.
 */
export function auditIndexer(writer: Database.Database, batch: number = AUDIT_INDEX_BATCH): () => void {
  const mark = writer.prepare('SELECT MAX(indexed_through) FROM audit_index_marks').pluck();
  const top = writer.prepare('SELECT COALESCE(MAX(seq), 0) FROM audit_events').pluck();
  const fills = Object.entries(TABLES).map(([field, table]) =>
    writer.prepare(
      `INSERT INTO ${table} (value, seq)
       SELECT ${field}, seq FROM audit_events WHERE seq > ? AND seq <= ? AND ${field} IS NOT NULL
       ORDER BY ${field}, seq`,
    ),
  );
  const move = writer.prepare('INSERT INTO audit_index_marks (indexed_through) VALUES (?)');
  return () => {
    const from = mark.get() as number;
    const to = top.get() as number;
    if (to - from < batch) return;
    for (const fill of fills) fill.run(from, to);
    move.run(to);
  };
}

/** The field an indexed read walks for this filter; undefined when none of them is set. */
export function leadField(filter: AuditFilter): IndexedField | undefined {
  return LEAD_ORDER.find((field) => filter[field] !== undefined);
}

/** Up to limit + 1 matching rows, newest first: the un-indexed tail, then the field's table. */
export function readIndexed(db: Database.Database, filter: AuditFilter, lead: IndexedField): AuditQueryRow[] {
  const wanted = filter.limit + 1;
  const conditions = auditConditions(filter);
  const tailWhere = conditions.map(([comparison]) => ` AND ${comparison} ?`).join('');
  // The lead field is the table's key; the cursor bounds the table's seq so the walk starts
  // there; every other condition is checked on the event row.
  const rest = auditConditions({ ...filter, [lead]: undefined });
  const restWhere = rest.map(([comparison]) => ` AND ${comparison.startsWith('seq ') ? 'k' : 'e'}.${comparison} ?`).join('');
  const read = db.transaction((): AuditQueryRow[] => {
    const through = db.prepare('SELECT MAX(indexed_through) FROM audit_index_marks').pluck().get() as number;
    const tail = db
      .prepare(`SELECT seq, event FROM audit_events WHERE seq > ?${tailWhere} ORDER BY seq DESC LIMIT ?`)
      .all(through, ...conditions.map(([, value]) => value), wanted) as AuditQueryRow[];
    if (tail.length >= wanted) return tail;
    // CROSS JOIN keeps the field's table outside: its key order is the page's order.
    const older = db
      .prepare(
        `SELECT e.seq, e.event FROM ${TABLES[lead]} AS k CROSS JOIN audit_events AS e ON e.seq = k.seq
         WHERE k.value = ? AND k.seq <= ?${restWhere} ORDER BY k.seq DESC LIMIT ?`,
      )
      .all(filter[lead], through, ...rest.map(([, value]) => value), wanted - tail.length) as AuditQueryRow[];
    return tail.concat(older);
  });
  return read();
}
