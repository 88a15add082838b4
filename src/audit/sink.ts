import type { AuditEvent } from '../core/index.js';

/**
 * Where audit events go (stdout, the control plane, ...). `write` gets a batch in order and
 * reports failure by throwing or rejecting; the queue then writes the same batch again later.
 * A sink therefore sees every event at least once, and more than once only after a failure.
 */
export interface AuditSink {
  readonly name: string;
  write(batch: readonly AuditEvent[]): void | Promise<void>;
}
