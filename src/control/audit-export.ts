// GET /audit/export behind the API: the log in storage order for a time range, as JSON
// lines, read from the store a page at a time (the response streams; nothing is held whole).
// The first line says what follows, so `clawgress audit verify` knows a slice from a whole log.

import { AUDIT_SCHEMA_VERSION, type Clock } from '../core/index.js';
import type { AuditExportHeader } from '../audit/index.js';
import type { AuditLogPosition, Store } from '../store/index.js';
import { parseTime } from './audit.js';
import type { AuditExportQuery } from './types.js';

export const EXPORT_PAGE_SIZE = 1000;

/** Checks the range at once (a bad `since` is a 400, not a broken stream), then streams. */
export function exportAudit(options: { store: Store; clock: Clock; query: AuditExportQuery }): AsyncIterable<string> {
  const { query } = options;
  const range = {
    ...(query.since === undefined ? {} : { since_ms: parseTime('since', query.since) }),
    ...(query.until === undefined ? {} : { until_ms: parseTime('until', query.until) }),
  };
  const header: AuditExportHeader = {
    record_type: 'audit_export',
    schema_version: AUDIT_SCHEMA_VERSION,
    sink: 'store',
    since: query.since ?? null,
    until: query.until ?? null,
    exported_at: new Date(options.clock.now()).toISOString(),
  };
  return exportLines(options.store, range, header);
}

async function* exportLines(store: Store, range: { since_ms?: number; until_ms?: number }, header: AuditExportHeader): AsyncGenerator<string> {
  yield `${JSON.stringify(header)}\n`;
  const slice = await store.audit.slice(range);
  let after: AuditLogPosition = slice.after;
  for (;;) {
    const page = await store.audit.readLog({ after, to_seq: slice.to_seq, limit: EXPORT_PAGE_SIZE });
    if (page.length > 0) yield page.map((item) => `${JSON.stringify(item.record)}\n`).join('');
    const last = page.at(-1);
    if (page.length < EXPORT_PAGE_SIZE || last === undefined) return;
    after = last.position;
  }
}
