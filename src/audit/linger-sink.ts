// Batches grow with load when a sink pauses briefly after each write: events that arrive during
// the pause go out together in the next write. At low load the first event after a quiet spell
// is written at once; under load one SQLite transaction, one stdout write or one IPC message
// carries hundreds of events instead of a handful (each of those costs a syscall or a commit).
//
// A full batch (the queue's batch size) means more events are already waiting, so the pause is
// skipped: past that rate the sink is paced by its own writes, not by the pause. With the pause
// after every batch, a `serve` worker handed over at most 500 events per pause plus an event-loop
// turn, which at 2,000 connections (turns of tens of milliseconds) was below its own event rate:
// its hand-off queue filled and ~14% of the events were dropped while the primary, which stores
// them, sat two-thirds idle (wrk -c2000 for 24 s, Intel Xeon, 2026-12-07).
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditRecord } from '../core/index.js';
import type { AuditSink } from './sink.js';

export function withLinger(sink: AuditSink, lingerMs: number, fullBatch: number): AuditSink {
  return {
    name: sink.name,
    async write(batch: readonly AuditRecord[]): Promise<void> {
      await sink.write(batch);
      if (batch.length < fullBatch) await sleep(lingerMs);
    },
  };
}
