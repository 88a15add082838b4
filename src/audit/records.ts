// Telling the records of the audit log apart: events, and checkpoints (signed statements
// about a chain). Checkpoints carry `record_type`; events never do.

import type { AuditCheckpoint, AuditEvent, AuditRecord } from '../core/index.js';

export function isCheckpoint(record: AuditRecord): record is AuditCheckpoint {
  return (record as Partial<AuditCheckpoint>).record_type === 'audit_checkpoint';
}

export function isEvent(record: AuditRecord): record is AuditEvent {
  return !isCheckpoint(record);
}

/** An event sealed into a chain: it has both links. */
export function isChainedEvent(record: AuditRecord): record is AuditEvent & { prev_hash: string; hash: string } {
  return isEvent(record) && typeof record.hash === 'string' && typeof record.prev_hash === 'string';
}

/** The gateway whose chain a record belongs to, for the records that belong to one. */
export function chainGatewayOf(record: AuditRecord): string | null {
  if (isChainedEvent(record)) return record.gateway_id;
  if (!isCheckpoint(record)) return null;
  return record.gap?.run.gateway_id ?? record.gateway_id;
}

/** Only the events of a batch (what the live view and counters care about). */
export function eventsOf(records: readonly AuditRecord[]): AuditEvent[] {
  return records.filter(isEvent);
}
