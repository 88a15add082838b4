// The audit queue of the process where a node's events converge, with the hash chain in
// front of it: every event is sealed just before it enters the queue, checkpoints go into
// the same queue (so every sink gets them in order), and the chain heads are saved for the
// next start. Same enqueue/flush/close surface as AuditQueue.

import type { AuditEvent, AuditRecord } from '../core/index.js';
import type { AuditChain, AuditChainState } from './chain.js';
import { AuditQueue, type AuditQueueOptions } from './queue.js';
import { isCheckpoint } from './records.js';

export interface ChainedAuditQueueOptions extends Omit<AuditQueueOptions, 'makeGap'> {
  readonly chain: AuditChain;
  /** Gateways whose segment opens at once, so a restart is linked before the first request. */
  readonly gatewayIds: readonly string[];
  /** How often the head of every chain with new events is signed, e.g. 10_000 ms. */
  readonly checkpointIntervalMs: number;
  /** Keeps the chain heads for the next start (e.g. createChainStateWriter). */
  readonly saveState?: (state: AuditChainState) => Promise<void>;
  readonly onStateError?: (error: unknown) => void;
  /** An event that could not be sealed is queued unsealed (never lost) and reported here. */
  readonly onSealError?: (error: unknown) => void;
}

export class ChainedAuditQueue {
  #queue: AuditQueue;
  #chain: AuditChain;
  #options: ChainedAuditQueueOptions;
  #timer: NodeJS.Timeout;

  constructor(options: ChainedAuditQueueOptions) {
    const { chain } = options;
    this.#chain = chain;
    this.#options = options;
    this.#queue = new AuditQueue({
      ...options,
      onDrop: (sink, reason, count) => {
        chain.noteDropped(sink, count);
        options.onDrop?.(sink, reason, count);
      },
      makeGap: (sink, run) => chain.dropGap(sink, run),
    });
    for (const gatewayId of options.gatewayIds) this.#enqueueAll(chain.open(gatewayId));
    // A crash before the first checkpoint still leaves the new segment for the next start to link to.
    this.#saveState(false);
    this.#timer = setInterval(() => this.#checkpoint('periodic'), options.checkpointIntervalMs);
    this.#timer.unref();
  }

  /** Seals and queues the event; never blocks, never throws. False if any sink dropped it. */
  enqueue(event: AuditEvent): boolean {
    let records: AuditRecord[];
    try {
      records = this.#chain.seal(event);
    } catch (error) {
      this.#options.onSealError?.(error);
      return this.#queue.enqueue(event);
    }
    let queued = true;
    let checkpointed = false;
    for (const record of records) {
      const accepted = this.#queue.enqueue(record);
      if (!isCheckpoint(record)) queued = accepted;
      else if (record.kind === 'periodic') checkpointed = true;
    }
    if (checkpointed) this.#saveState(false);
    return queued;
  }

  depth(sink?: string): number {
    return this.#queue.depth(sink);
  }

  flush(timeoutMs?: number): Promise<void> {
    return this.#queue.flush(timeoutMs);
  }

  /**
   * Signs a shutdown checkpoint for every chain, closes the queue and saves the heads with
   * what each sink never wrote, so the next start can vouch for those events as lost.
   */
  async close(timeoutMs?: number): Promise<void> {
    clearInterval(this.#timer);
    this.#enqueueAll(this.#chain.checkpoint('shutdown'));
    const lost = await this.#queue.close(timeoutMs);
    await this.#options.saveState?.(this.#chain.state({ clean: true, lost })).catch((error: unknown) => this.#options.onStateError?.(error));
  }

  #checkpoint(kind: 'periodic'): void {
    const records = this.#chain.checkpoint(kind);
    if (records.length === 0) return;
    this.#enqueueAll(records);
    this.#saveState(false);
  }

  #enqueueAll(records: readonly AuditRecord[]): void {
    for (const record of records) this.#queue.enqueue(record);
  }

  #saveState(clean: boolean): void {
    const save = this.#options.saveState;
    if (save === undefined) return;
    save(this.#chain.state({ clean, lost: [] })).catch((error: unknown) => this.#options.onStateError?.(error));
  }
}
