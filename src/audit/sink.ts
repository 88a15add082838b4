import type { AuditRecord } from '../core/index.js';

/**
 * Where audit records go (stdout, the store, the control plane, ...): events and, where the
 * node seals a hash chain, the checkpoints between them. `write` gets a batch in order and
 * reports failure by throwing or rejecting; the queue then writes the same batch again later.
 * A sink therefore sees every record at least once, and more than once only after a failure.
 */
export interface AuditSink {
  readonly name: string;
  /**
   * Milliseconds the queue waits after a write of less than a full batch before this sink's
   * next write (default 0: the next event-loop turn). Where each write costs a syscall, a
   * commit or a wake-up of another process, batches then grow with load; see sink-lane.ts.
   */
  readonly lingerMs?: number;
  write(batch: readonly AuditRecord[]): void | Promise<void>;
}
