import type { AuditChainRun, AuditRecord } from '../core/index.js';
import { extendRuns, lostRuns, type OpenRun } from './chain-runs.js';
import { chainGatewayOf, isChainedEvent, isEvent } from './records.js';
import { Ring } from './ring.js';
import type { AuditSink } from './sink.js';

export interface SinkLaneHooks {
  onWritten(sink: string, count: number): void;
  onSinkError(sink: string, error: unknown): void;
}

/** Turns a run of chained events this lane dropped into the signed record that accounts for it. */
export type MakeGap = (sink: string, run: AuditChainRun) => AuditRecord;

export interface SinkLaneOptions {
  sink: AuditSink;
  capacity: number;
  batchSize: number;
  retryDelayMs: number;
  hooks: SinkLaneHooks;
  makeGap?: MakeGap;
}

/** What a lane never wrote when it stopped. */
export interface LaneLoss {
  /** Events (not checkpoints) still queued. */
  readonly events: number;
  /** The chained events among them and those dropped since, as runs per gateway. */
  readonly runs: readonly AuditChainRun[];
}

// idle: nothing queued or nothing scheduled yet; scheduled: a drain waits for setImmediate;
// writing: one batch is with the sink; lingering: the last batch was short, the next waits for
// the sink's linger; retrying: the last write failed, a timer will retry it;
// stopped: close() ran, nothing more is written.
type LaneState = 'idle' | 'scheduled' | 'writing' | 'lingering' | 'retrying' | 'stopped';

/**
 * One sink's queue and writer. Each sink has its own ring, so a slow or failing sink fills
 * only its own ring and never makes another sink lose or repeat an event.
 * INVARIANT: at most one write per sink is in flight, and its batch is the head of the ring
 * until the write succeeds, so events reach the sink in order, at least once.
 * With `makeGap`, chained events this lane drops are remembered per gateway as a run, and
 * the lane's next record of that gateway is preceded by a gap record for the run: the
 * sink's stream then explains every hole in its chain.
 */
export class SinkLane {
  readonly name: string;
  #sink: AuditSink;
  #ring: Ring<AuditRecord>;
  #capacity: number;
  #batchSize: number;
  #retryDelayMs: number;
  #hooks: SinkLaneHooks;
  #state: LaneState = 'idle';
  #batch: AuditRecord[] | null = null;
  #makeGap: MakeGap | undefined;
  #dropped = new Map<string, OpenRun>();
  #lingerMs: number;
  #immediate: NodeJS.Immediate | null = null;
  /** The linger or the retry delay, whichever the state waits for. */
  #timer: NodeJS.Timeout | null = null;
  #accepted = 0;
  #written = 0;

  constructor(options: SinkLaneOptions) {
    this.name = options.sink.name;
    this.#sink = options.sink;
    // With gaps, one slot more than the capacity, which only a gap record may take: a gap
    // then never costs the record it precedes its place, even in a ring of one.
    this.#capacity = options.capacity;
    this.#ring = new Ring<AuditRecord>(options.capacity + (options.makeGap === undefined ? 0 : 1));
    this.#makeGap = options.makeGap;
    this.#batchSize = options.batchSize;
    this.#lingerMs = options.sink.lingerMs ?? 0;
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

  /** Queues one record; false when the ring is full or the lane is stopped. O(1). */
  push(record: AuditRecord): boolean {
    if (this.#state === 'stopped') return false;
    const gatewayId = this.#makeGap === undefined ? null : chainGatewayOf(record);
    if (this.#ring.size >= this.#capacity) return this.#refuse(record);
    if (gatewayId !== null) this.#pushPendingGap(gatewayId);
    this.#accept(record);
    return true;
  }

  #accept(record: AuditRecord): void {
    this.#ring.push(record);
    this.#accepted += 1;
    if (this.#state === 'idle') this.#scheduleDrain();
  }

  /** Stops timers and forgets queued records; says what was never written. */
  stop(): LaneLoss {
    const inFlight = this.#state === 'writing' ? (this.#batch?.length ?? 0) : 0;
    const queued = this.#ring.peek(this.#ring.size);
    if (this.#immediate !== null) clearImmediate(this.#immediate);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#immediate = null;
    this.#timer = null;
    this.#state = 'stopped';
    this.#batch = null;
    this.#ring.discard(this.#ring.size);
    const runs = this.#makeGap === undefined
      ? []
      : lostRuns({ inFlight: queued.slice(0, inFlight), queued: queued.slice(inFlight), dropped: this.#dropped });
    this.#dropped.clear();
    return { events: queued.filter(isEvent).length, runs };
  }

  /** A lane waiting out its linger writes what it holds now (a flush is waiting for it). */
  endLinger(): void {
    if (this.#state !== 'lingering') return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#writeNextBatch();
  }

  // The gap enters the ring right before the gateway's next record, which has room (the
  // caller checked), so the gap has the spare slot at least.
  #pushPendingGap(gatewayId: string): void {
    const run = this.#dropped.get(gatewayId);
    if (run === undefined) return;
    this.#accept((this.#makeGap as MakeGap)(this.name, { ...run }));
    this.#dropped.delete(gatewayId);
  }

  #refuse(record: AuditRecord): false {
    if (this.#makeGap !== undefined && isChainedEvent(record)) extendRuns(this.#dropped, record);
    return false;
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

  #writeBatch(batch: AuditRecord[]): void {
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

  #onSuccess(batch: AuditRecord[]): void {
    if (this.#state === 'stopped') return;
    this.#ring.discard(batch.length);
    this.#batch = null;
    this.#written += batch.length;
    // Counters are about events; checkpoints ride along uncounted.
    const events = batch.reduce((count, record) => (isEvent(record) ? count + 1 : count), 0);
    callSafely(() => this.#hooks.onWritten(this.name, events));
    // Linger: batches grow with load when the lane pauses briefly after each short write, so
    // the events that arrive meanwhile go out together in one transaction, stdout write or IPC
    // message instead of a handful each; at low load the first event after a quiet spell still
    // goes at once. A full batch means more events are already waiting: no pause, so past that
    // rate the sink is paced by its own writes. (With a pause after every batch, a `serve`
    // worker handed over at most 500 events per pause plus an event-loop turn, which at 2,000
    // connections, turns of tens of milliseconds, was below its own event rate: its queue
    // filled and ~14% of the events were dropped while the primary sat two-thirds idle; wrk
    // -c2000 24 s, Intel Xeon, 2026-12-07.)
    if (this.#lingerMs > 0 && batch.length < this.#batchSize) {
      this.#state = 'lingering';
      this.#wait(this.#lingerMs, () => this.#writeNextBatch());
      return;
    }
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
    this.#wait(this.#retryDelayMs, () => {
      if (this.#batch !== null) this.#writeBatch(this.#batch);
    });
  }

  #wait(ms: number, then: () => void): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      then();
    }, ms);
    // The queue alone must not keep a process alive; shutdown holds it open through close().
    this.#timer.unref();
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
