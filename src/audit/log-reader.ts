// Today's reader of audit logs in JSON lines (stdout as journald keeps it, or an export):
// events of every schema version up to AUDIT_SCHEMA_VERSION, checkpoints, and export headers.
// A schema 1 event is read as it was written (no chain fields): it is valid, just unchained.

import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { AUDIT_SCHEMA_VERSION, type AuditCheckpoint, type DecisionKind } from '../core/index.js';
import type { AuditLogEntry, AuditLogLine } from './verify-types.js';

const DECISIONS: readonly DecisionKind[] = ['allow', 'deny', 'rate_limited', 'unauthenticated'];

export type ParsedLine = { readonly record: AuditLogLine } | { readonly problem: string };

export function parseAuditLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: 'not a json document' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'not a json object' };
  const record = value as Record<string, unknown>;
  const problem =
    record['record_type'] === 'audit_checkpoint' ? checkpointProblem(record)
    : record['record_type'] === 'audit_export' ? headerProblem(record)
    : record['record_type'] !== undefined ? `record_type \`${String(record['record_type'])}\` is not known`
    : eventProblem(record);
  return problem === null ? { record: value as AuditLogLine } : { problem };
}

/** The stream's lines as log entries, numbered from 1; blank lines are skipped, not renumbered. */
export async function* readAuditJsonLines(input: Readable): AsyncGenerator<AuditLogEntry> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let position = 0;
  for await (const line of lines) {
    position += 1;
    if (line.trim() === '') continue;
    const parsed = parseAuditLine(line);
    yield 'record' in parsed
      ? { position, record: parsed.record }
      : { position, record: null, problem: `line ${position}: ${parsed.problem}` };
  }
}

function eventProblem(event: Record<string, unknown>): string | null {
  const version = event['schema_version'];
  if (!Number.isInteger(version) || (version as number) < 1) return `schema_version \`${String(version)}\` is not a schema version`;
  if ((version as number) > AUDIT_SCHEMA_VERSION) {
    return `schema_version \`${String(version)}\` is newer than this reader (${AUDIT_SCHEMA_VERSION})`;
  }
  for (const field of ['request_id', 'timestamp', 'gateway_id', 'reason'] as const) {
    if (typeof event[field] !== 'string') return `event: ${field} is not a string`;
  }
  if (!DECISIONS.includes(event['decision'] as DecisionKind)) return `event: decision \`${String(event['decision'])}\` is not known`;
  if (typeof event['destination'] !== 'object' || event['destination'] === null) return 'event: destination is not an object';
  if ((version as number) >= 2 && (!('hash' in event) || !('prev_hash' in event))) {
    return `event \`${String(event['request_id'])}\`: schema 2 without prev_hash or hash`;
  }
  return null;
}

function checkpointProblem(record: Record<string, unknown>): string | null {
  for (const field of ['kind', 'timestamp', 'key_id', 'signature'] as const satisfies readonly (keyof AuditCheckpoint)[]) {
    if (typeof record[field] !== 'string') return `checkpoint: ${field} is not a string`;
  }
  return null;
}

function headerProblem(record: Record<string, unknown>): string | null {
  return typeof record['sink'] === 'string' ? null : 'export header: sink is not a string';
}

