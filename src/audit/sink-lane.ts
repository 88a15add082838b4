import type { AuditEvent } from '../core/index.js';
import { Ring } from './ring.js';
import type { AuditSink } from './sink.js';

export interface SinkLaneHooks {
  onWritten(sink: string, count: number): void;
  onSinkError(sink: string, error: unknown): void;
}

export interface SinkLaneOptions {
  sink: AuditSink;
  capacity: number;
  batchSize: number;
  retryDelayMs: number;
  hooks: SinkLaneHooks;
}

// idle: nothing queued or nothing scheduled yet; scheduled: a drain waits for setImmediate;
// writing: one batch is with the sink; retrying: the last write failed, a timer will retry it;
// stopped: close() ran, nothing more is written.
type LaneState = 'idle' | 'scheduled' | 'writing' | 'retrying' | 'stopped';

/**
 * One sink's queue and writer. Each sink has its own ring, so a slow or failing sink fills
 * only its own ring and never makes another sink lose or repeat an event.
 * INVARIANT: at most one write per sink is in flight, and its batch is the head of the ring
 * until the write succeeds, so events reach the sink in order, at least once.
 */
export class SinkLane {
  readonly name: string;
  #sink: AuditSink;
  #ring: Ring<AuditEvent>;
  #batchSize: number;
  #retryDelayMs: number;
  #hooks: SinkLaneHooks;
  #state: LaneState = 'idle';
  #batch: AuditEvent[] | null = null;
  #immediate: NodeJS.Immediate | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #accepted = 0;
  #written = 0;

  constructor(options: SinkLaneOptions) {
    this.name = options.sink.name;
    this.#sink = options.sink;
    this.#ring = new Ring<AuditEvent>(options.capacity);
    this.#batchSize = options.batchSize;
    this.#retryDelayMs = options.retryDelayMs;
    this.#hooks = options.hooks;
  }

  /** Events waiting, including the batch being written. */
  get depth(): number {
    return this.#ring.size;
  }

  /** Events ever accepted; with `written`, tells flush() when a point has been passed. */
  get accepted(): number {
    return this.#accepted;
  }

  get written(): number {
    return this.#written;
  }

  get stopped(): boolean {
    return this.#state === 'stopped';
  }

  /** Queues one event; false when the ring is full or the lane is stopped. O(1). */
  push(event: AuditEvent): boolean {
    if (this.#state === 'stopped' || !this.#ring.push(event)) return false;
    this.#accepted += 1;
    if (this.#state === 'idle') this.#scheduleDrain();
    return true;
  }

  /** Stops timers and forgets queued events; returns how many were never written. */
  stop(): number {
    if (this.#immediate !== null) clearImmediate(this.#immediate);
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#immediate = null;
    this.#retryTimer = null;
    this.#state = 'stopped';
    this.#batch = null;
    return this.#ring.discard(this.#ring.size);
  }

  // One drain per event-loop turn: everything pushed during the turn leaves in one write.
  #scheduleDrain(): void {
    this.#state = 'scheduled';
    this.#immediate = setImmediate(() => {
      this.#immediate = null;
      this.#writeNextBatch();
    });
  }

  #writeNextBatch(): void {
    if (this.#ring.size === 0) {
      this.#state = 'idle';
      return;
    }
    this.#batch = this.#ring.peek(this.#batchSize);
    this.#writeBatch(this.#batch);
  }

  #writeBatch(batch: AuditEvent[]): void {
    this.#state = 'writing';
    let result: void | Promise<void>;
    try {
      result = this.#sink.write(batch);
    } catch (error) {
      this.#onFailure(error);
      return;
    }
    if (isPromiseLike(result)) {
      result.then(
        () => this.#onSuccess(batch),
        (error: unknown) => this.#onFailure(error),
      );
    } else {
      this.#onSuccess(batch);
    }
  }

  #onSuccess(batch: AuditEvent[]): void {
    if (this.#state === 'stopped') return;
    this.#ring.discard(batch.length);
    this.#batch = null;
    this.#written += batch.length;
    callSafely(() => this.#hooks.onWritten(this.name, batch.length));
    if (this.#ring.size === 0) {
      this.#state = 'idle';
      return;
    }
    // A synchronous sink would otherwise drain the whole ring in this turn; yielding keeps
    // one turn's work bounded to one batch and lets the next turn's events join the next.
    this.#scheduleDrain();
  }

  // The batch stays at the head of the ring and is written again, unchanged, after the delay.
  #onFailure(error: unknown): void {
    if (this.#state === 'stopped') return;
    callSafely(() => this.#hooks.onSinkError(this.name, error));
    this.#state = 'retrying';
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#batch !== null) this.#writeBatch(this.#batch);
    }, this.#retryDelayMs);
    // The queue alone must not keep a process alive; shutdown holds it open through close().
    this.#retryTimer.unref();
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<void> {
  return typeof (value as PromiseLike<void> | undefined)?.then === 'function';
}

// A throwing metrics or log callback must not break the queue's bookkeeping.
function callSafely(callback: () => void): void {
  try {
    callback();
  } catch {
    // ignored: the callbacks are observers; the queue's state is already consistent
  }
}
