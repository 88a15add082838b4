import type { AuditGap, AuditRecord } from '../core/index.js';
import { isCheckpoint, isEvent } from './records.js';
import type { AuditSink } from './sink.js';
import { SinkLane, type MakeGap } from './sink-lane.js';

/** Why an event did not reach a sink; each reason is its own counter (OPA's decision_logs_dropped_*). */
export type AuditDropReason = 'queue_full' | 'closed';

export interface AuditQueueOptions {
  sinks: readonly AuditSink[];
  /** Events held per sink before new ones are dropped, e.g. 10_000. */
  capacity: number;
  /** Most events in one sink write, e.g. 500. */
  batchSize: number;
  /** Wait after a failed write before writing the same batch again (default 1000 ms). */
  retryDelayMs?: number;
  /** Told about dropped events (checkpoints that find a full ring are not counted). */
  onDrop?: (sink: string, reason: AuditDropReason, count: number) => void;
  /** Told about written events, as onDrop. */
  onWritten?: (sink: string, count: number) => void;
  onSinkError?: (sink: string, error: unknown) => void;
  /** Where events are hash-chained: makes the signed gap record for a run a sink dropped. */
  makeGap?: MakeGap;
}

const DEFAULT_RETRY_DELAY_MS = 1_000;
const DEFAULT_FLUSH_TIMEOUT_MS = 5_000;

interface FlushWaiter {
  /** Per lane, the `accepted` count that must be `written` before the waiter resolves. */
  readonly targets: readonly number[];
  readonly resolve: () => void;
}

/**
 * The bounded audit queue between the hot path and the sinks (SPEC §6): enqueue never blocks
 * and never throws; when a sink's ring is full the event is dropped for that sink and counted
 * (and, where events are chained, accounted for in that sink's stream by a gap record).
 */
export class AuditQueue {
  #lanes: readonly SinkLane[];
  #onDrop: AuditQueueOptions['onDrop'];
  #waiters = new Set<FlushWaiter>();

  constructor(options: AuditQueueOptions) {
    validateOptions(options);
    this.#onDrop = options.onDrop;
    const hooks = {
      onWritten: (sink: string, count: number) => {
        this.#resolveFinishedWaiters();
        options.onWritten?.(sink, count);
      },
      onSinkError: (sink: string, error: unknown) => options.onSinkError?.(sink, error),
    };
    const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    const { capacity, batchSize, makeGap } = options;
    this.#lanes = options.sinks.map(
      (sink) => new SinkLane({ sink, capacity, batchSize, retryDelayMs, hooks, ...(makeGap ? { makeGap } : {}) }),
    );
  }

  /**
   * Never blocks, never throws, O(1) per sink. Returns false if any sink had to drop it.
   * A gap record goes only to the sink it speaks for.
   */
  enqueue(record: AuditRecord): boolean {
    const onlySink = isCheckpoint(record) ? record.gap?.sink : undefined;
    let queuedEverywhere = true;
    for (const lane of this.#lanes) {
      if (onlySink !== undefined && lane.name !== onlySink) continue;
      if (lane.push(record)) continue;
      queuedEverywhere = false;
      if (isEvent(record)) this.#reportDrop(lane.name, lane.stopped ? 'closed' : 'queue_full', 1);
    }
    return queuedEverywhere;
  }

  /** Events waiting for `sink`, or the largest backlog over all sinks; 0 for an unknown sink. */
  depth(sink?: string): number {
    let deepest = 0;
    for (const lane of this.#lanes) {
      if (sink === undefined || lane.name === sink) deepest = Math.max(deepest, lane.depth);
    }
    return deepest;
  }

  /**
   * Resolves when everything enqueued so far has been written, or after `timeoutMs` (default
   * 5000). A sink waiting out its linger writes at once.
   */
  flush(timeoutMs = DEFAULT_FLUSH_TIMEOUT_MS): Promise<void> {
    const targets = this.#lanes.map((lane) => lane.accepted);
    if (this.#isReached(targets)) return Promise.resolve();
    for (const lane of this.#lanes) lane.endLinger();
    if (this.#isReached(targets)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      // Called once, by the last write it waited for, by the timer, or by close().
      const finish = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve();
      };
      const waiter: FlushWaiter = { targets, resolve: finish };
      const timer = setTimeout(finish, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /**
   * Flushes, then stops every timer; events still unwritten are counted as dropped (`closed`).
   * Resolves with the runs of chained events each sink never wrote, for the next start to vouch for.
   */
  async close(timeoutMs = DEFAULT_FLUSH_TIMEOUT_MS): Promise<AuditGap[]> {
    await this.flush(timeoutMs);
    const lost: AuditGap[] = [];
    for (const lane of this.#lanes) {
      const loss = lane.stop();
      if (loss.events > 0) this.#reportDrop(lane.name, 'closed', loss.events);
      for (const run of loss.runs) lost.push({ sink: lane.name, reason: 'closed', run });
    }
    for (const waiter of [...this.#waiters]) waiter.resolve();
    return lost;
  }

  #isReached(targets: readonly number[]): boolean {
    return this.#lanes.every((lane, index) => lane.written >= (targets[index] ?? 0));
  }

  #resolveFinishedWaiters(): void {
    for (const waiter of [...this.#waiters]) {
      if (this.#isReached(waiter.targets)) waiter.resolve();
    }
  }

  #reportDrop(sink: string, reason: AuditDropReason, count: number): void {
    try {
      this.#onDrop?.(sink, reason, count);
    } catch {
      // ignored: enqueue must never throw, and the drop itself has already happened
    }
  }
}

function validateOptions(options: AuditQueueOptions): void {
  const names = new Set<string>();
  for (const sink of options.sinks) {
    if (names.has(sink.name)) throw new RangeError(`audit queue: sink name \`${sink.name}\` is used twice`);
    names.add(sink.name);
    const linger = sink.lingerMs;
    if (linger !== undefined && (!Number.isFinite(linger) || linger < 0)) {
      throw new RangeError(`audit queue: sink \`${sink.name}\`: lingerMs: \`${linger}\` is not a non-negative number`);
    }
  }
  for (const key of ['capacity', 'batchSize'] as const) {
    const value = options[key];
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`audit queue: ${key}: \`${value}\` is not a positive integer`);
    }
  }
  const retry = options.retryDelayMs;
  if (retry !== undefined && (!Number.isFinite(retry) || retry < 0)) {
    throw new RangeError(`audit queue: retryDelayMs: \`${retry}\` is not a non-negative number`);
  }
}
