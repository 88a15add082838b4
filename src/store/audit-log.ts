// Reading the audit log in storage order, the same in every backend. Events keep their
// `seq`; a checkpoint is stored with `after_seq`, the seq of the last event stored before
// it (0: before every event), and its own id. So the log's order is the order of
//
//   event:      (seq, 0)
//   checkpoint: (after_seq, id)        id >= 1, so it comes after the event it follows
//
// and a page boundary is just the key of the last record returned.

import { ClawgressError, recordJson, type AuditCheckpoint, type AuditEvent, type AuditRecord } from '../core/index.js';
import type { AuditLogItem, AuditLogPosition, AuditLogSlice } from './types.js';

export const LOG_START: AuditLogPosition = { seq: 0, checkpoint: 0 };
/** After every checkpoint stored at an event: the next record is the next event. */
export const AFTER_CHECKPOINTS = Number.MAX_SAFE_INTEGER;

export interface StoredEvent {
  readonly seq: number;
  readonly event: string;
}

export interface StoredCheckpoint {
  readonly id: number;
  readonly after_seq: number;
  readonly checkpoint: string;
}

/** The first `limit` records of two pages read from the same position, merged in log order. */
export function mergeLogPage(events: readonly StoredEvent[], checkpoints: readonly StoredCheckpoint[], limit: number): AuditLogItem[] {
  const items: AuditLogItem[] = [];
  let e = 0;
  let c = 0;
  while (items.length < limit && (e < events.length || c < checkpoints.length)) {
    const event = events[e];
    const checkpoint = checkpoints[c];
    if (checkpoint === undefined || (event !== undefined && event.seq <= checkpoint.after_seq)) {
      const { seq, event: text } = event as StoredEvent;
      items.push({ position: { seq, checkpoint: 0 }, record: JSON.parse(text) as AuditEvent });
      e += 1;
    } else {
      items.push({ position: { seq: checkpoint.after_seq, checkpoint: checkpoint.id }, record: JSON.parse(checkpoint.checkpoint) as AuditCheckpoint });
      c += 1;
    }
  }
  return items;
}

/** The slice from the seq of the first event at or after `since` (if asked) up to `toSeq`. */
export function sliceFrom(firstSeq: number | null | undefined, toSeq: number): AuditLogSlice {
  if (firstSeq === undefined) return { after: LOG_START, to_seq: toSeq };
  if (firstSeq === null) return { after: { seq: toSeq, checkpoint: AFTER_CHECKPOINTS }, to_seq: toSeq };
  return { after: { seq: firstSeq - 1, checkpoint: AFTER_CHECKPOINTS }, to_seq: toSeq };
}

/** Column values of a checkpoint row; a record that cannot be placed in time is refused by name. */
export function checkpointColumns(record: AuditCheckpoint): {
  timestamp_ms: number;
  kind: string;
  gateway_id: string | null;
  segment: string | null;
  signature: string;
  checkpoint: string;
} {
  const timestampMs = Date.parse(record.timestamp);
  if (!Number.isFinite(timestampMs)) {
    throw new ClawgressError('VALIDATION', `audit checkpoint: timestamp: \`${String(record.timestamp)}\` is not a valid time`, { field: 'timestamp' });
  }
  for (const field of ['kind', 'signature'] as const) {
    if (typeof record[field] !== 'string') throw new ClawgressError('VALIDATION', `audit checkpoint: ${field}: not a string`, { field });
  }
  return {
    timestamp_ms: timestampMs,
    kind: record.kind,
    gateway_id: record.gateway_id,
    segment: record.head?.segment ?? null,
    signature: record.signature,
    checkpoint: recordJson(record),
  };
}

/** Prune records go before every event: a verifier needs their runs before it meets the kept records. */
export function placedBeforeEvents(record: AuditCheckpoint): boolean {
  return record.kind === 'prune';
}

/** The after_seq a checkpoint is stored with: 0 before every event, else after the last one stored. */
export function placeOf(record: AuditCheckpoint, lastSeq: () => number): number {
  return placedBeforeEvents(record) ? 0 : lastSeq();
}

export function isCheckpoint(record: AuditRecord): record is AuditCheckpoint {
  return (record as Partial<AuditCheckpoint>).record_type === 'audit_checkpoint';
}

/** The audit_events columns of an event (both stores filter on the same ones); a bad time fails the batch. */
export function eventColumns(event: AuditEvent): {
  request_id: string;
  timestamp: string;
  timestamp_ms: number;
  agent_id: string | null;
  team_id: string | null;
  decision: string;
  policy_id: string | null;
  host: string;
  event: string;
} {
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
    event: recordJson(event),
  };
}
