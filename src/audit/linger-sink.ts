// Batches grow with load when a sink pauses briefly after each write: events that arrive during
// the pause go out together in the next write. At low load the first event after a quiet spell
// is written at once; under load one SQLite transaction, one stdout write or one IPC message
// carries hundreds of events instead of a handful (each of those costs a syscall or a commit).
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditRecord } from '../core/index.js';
import type { AuditSink } from './sink.js';

export function withLinger(sink: AuditSink, lingerMs: number): AuditSink {
  return {
    name: sink.name,
    async write(batch: readonly AuditRecord[]): Promise<void> {
      await sink.write(batch);
      await sleep(lingerMs);
    },
  };
}
