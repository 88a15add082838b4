// The audit query both stores answer the same way: the filter as comparisons (each dialect
// renders its own placeholders), newest first by seq, one row more than asked to know
// whether another page exists.
import type { AuditEvent } from '../core/index.js';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor.js';
import type { AuditFilter, AuditPage } from './types.js';

export interface AuditQueryRow {
  seq: number;
  event: string;
}

/** [comparison, value] for every filter that is set, e.g. ['agent_id =', 'a-1']. */
export function auditConditions(filter: AuditFilter): [string, unknown][] {
  const conditions: [string, unknown][] = [
    ['agent_id =', filter.agent_id],
    ['team_id =', filter.team_id],
    ['decision =', filter.decision],
    ['policy_id =', filter.policy_id],
    ['host =', filter.host],
    ['timestamp_ms >=', filter.since_ms],
    ['timestamp_ms <', filter.until_ms],
    ['seq <', filter.cursor === undefined ? undefined : decodeAuditCursor(filter.cursor)],
  ];
  return conditions.filter(([, value]) => value !== undefined);
}

/** A page from up to limit + 1 rows, newest first. */
export function auditPage(rows: readonly AuditQueryRow[], limit: number): AuditPage {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => JSON.parse(row.event) as AuditEvent),
    next_cursor: rows.length > limit && last ? encodeAuditCursor(Number(last.seq)) : null,
  };
}
