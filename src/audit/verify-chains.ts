// The verifier's picture of every chain segment it has met: where each head is, and the
// signed runs (gaps, pruned stretches) it may step over. Runs are applied lazily, when a
// later record links past them, so their place in the log does not matter, and a run whose
// events turn up after all (a write that landed during shutdown) is simply never used.
//
// With a retention cut-off it also notes, for every chain, which links that records kept by
// retention point to would disappear with the dropped records: those become prune runs.

import type { AuditChainRun } from '../core/index.js';
import type { GapTotals } from './verify-types.js';

export interface Cursor {
  /** `?n` for a chain resumed in a partial log until a checkpoint names it. */
  segment: string;
  readonly gatewayId: string;
  /** Events in the segment up to the head; null when a partial log starts mid-segment. */
  count: number | null;
  head: string;
  /** What the head event links to; null when the head is a genesis or the end of a run. */
  headPrev: string | null;
  headPosition: number;
  headRequestId: string | null;
  /** The count at the segment's shutdown checkpoint, once seen. */
  closedAt: number | null;
  /** Signed heads by count (periodic and shutdown checkpoints). */
  readonly checkpoints: Map<number, string>;
  lastKept: string | null;
  prunedEvents: number;
  headPruned: boolean;
}

export type RunKind = 'queue_full' | 'closed' | 'pruned';

export interface PendingRun {
  readonly run: AuditChainRun;
  readonly kind: RunKind;
  /** False when retention would drop the record that vouches for the run. */
  readonly kept: boolean;
}

/** A hash's 64-bit prefix: enough to tell sealed events apart, at a quarter of the memory. */
export const hashKey = (hash: string): string => hash.slice(7, 23);

const TOTAL_OF: Record<RunKind, keyof GapTotals> = { queue_full: 'dropped', closed: 'lost_at_shutdown', pruned: 'pruned' };

export class ChainBook {
  readonly chains = new Map<string, Cursor>();
  readonly gaps: Record<keyof GapTotals, number> = { dropped: 0, lost_at_shutdown: 0, pruned: 0 };
  readonly pruneRuns: AuditChainRun[] = [];
  #heads = new Map<string, Cursor>();
  #runs = new Map<string, PendingRun>();
  #gateways = new Set<string>();
  #planning: boolean;
  #anonymous = 0;

  constructor(options: { planningPrune: boolean }) {
    this.#planning = options.planningPrune;
  }

  hasGateway(gatewayId: string): boolean {
    return this.#gateways.has(gatewayId);
  }

  /** A new segment at `head`; null when that segment exists already. */
  open(options: { segment: string; gatewayId: string; head: string; count: number | null; position: number; kept: boolean }): Cursor | null {
    if (this.chains.has(options.segment)) return null;
    const cursor: Cursor = {
      segment: options.segment,
      gatewayId: options.gatewayId,
      count: options.count,
      head: options.head,
      headPrev: null,
      headPosition: options.position,
      headRequestId: null,
      closedAt: null,
      checkpoints: new Map(),
      lastKept: options.kept ? options.head : null,
      prunedEvents: 0,
      headPruned: !options.kept,
    };
    this.chains.set(cursor.segment, cursor);
    this.#heads.set(cursor.head, cursor);
    this.#gateways.add(cursor.gatewayId);
    return cursor;
  }

  /** A chain picked up in a partial log at a link whose past is not in it. */
  resume(gatewayId: string, head: string, position: number): Cursor {
    this.#anonymous += 1;
    return this.open({ segment: `?${this.#anonymous}`, gatewayId, head, count: null, position, kept: true }) as Cursor;
  }

  /** Gives an anonymous chain its real segment id once a checkpoint names it. */
  rename(cursor: Cursor, segment: string, count: number): void {
    this.chains.delete(cursor.segment);
    cursor.segment = segment;
    cursor.count = count;
    this.chains.set(segment, cursor);
  }

  addRun(pending: PendingRun): void {
    this.#runs.set(pending.run.to_hash, pending);
  }

  /** The chain whose head is (or, over pending runs, leads to) `hash`; null when none does. */
  reach(hash: string): Cursor | null {
    const direct = this.#heads.get(hash);
    if (direct !== undefined) return direct;
    const walk: PendingRun[] = [];
    for (let at = hash; ; ) {
      const pending = this.#runs.get(at);
      if (pending === undefined || walk.length > this.#runs.size) return null;
      const from = pending.run.from_hash;
      if (from === null) {
        const opened = this.#openFromRun(pending);
        return opened === null ? null : this.#applyAll(opened, walk);
      }
      walk.push(pending);
      const cursor = this.#heads.get(from);
      if (cursor !== undefined) return this.#applyAll(cursor, walk);
      at = from;
    }
  }

  /** Moves the chain onto a sealed event. `kept`: retention keeps the event. */
  advance(cursor: Cursor, event: { hash: string; request_id: string }, options: { position: number; kept: boolean }): void {
    if (options.kept) this.reference(cursor);
    this.#moveHead(cursor, event.hash);
    cursor.count = cursor.count === null ? null : cursor.count + 1;
    cursor.headPosition = options.position;
    cursor.headRequestId = event.request_id;
    this.#gateways.add(cursor.gatewayId);
    this.#markLink(cursor, options.kept, 1);
  }

  /** A record that retention keeps points at the head: if dropping would remove it, say so in a run. */
  reference(cursor: Cursor): void {
    if (!this.#planning || !cursor.headPruned) return;
    this.pruneRuns.push({
      gateway_id: cursor.gatewayId,
      from_hash: cursor.lastKept,
      to_hash: cursor.head,
      events: cursor.prunedEvents,
      segment: cursor.segment,
      count: cursor.count ?? 0,
    });
    cursor.lastKept = cursor.head;
    cursor.prunedEvents = 0;
    cursor.headPruned = false;
  }

  // Runs were collected newest first.
  #applyAll(cursor: Cursor, walk: PendingRun[]): Cursor {
    for (const pending of walk.reverse()) this.#applyRun(cursor, pending);
    return cursor;
  }

  #openFromRun(pending: PendingRun): Cursor | null {
    const { run } = pending;
    if (run.segment === undefined || run.count === undefined) return null;
    const cursor = this.open({ segment: run.segment, gatewayId: run.gateway_id, head: run.to_hash, count: run.count, position: 0, kept: pending.kept });
    if (cursor === null) return null;
    this.#runs.delete(run.to_hash);
    this.gaps[TOTAL_OF[pending.kind]] += run.events;
    if (!pending.kept) cursor.prunedEvents = run.events;
    return cursor;
  }

  #applyRun(cursor: Cursor, pending: PendingRun): void {
    if (pending.kept) this.reference(cursor);
    this.#moveHead(cursor, pending.run.to_hash);
    cursor.headPrev = null;
    if (cursor.count !== null) cursor.count += pending.run.events;
    else if (pending.run.count !== undefined) cursor.count = pending.run.count;
    this.#runs.delete(pending.run.to_hash);
    this.gaps[TOTAL_OF[pending.kind]] += pending.run.events;
    this.#markLink(cursor, pending.kept, pending.run.events);
  }

  #moveHead(cursor: Cursor, hash: string): void {
    this.#heads.delete(cursor.head);
    cursor.headPrev = cursor.head;
    cursor.head = hash;
    this.#heads.set(hash, cursor);
  }

  #markLink(cursor: Cursor, kept: boolean, events: number): void {
    if (!this.#planning) return;
    if (kept) {
      cursor.lastKept = cursor.head;
      cursor.prunedEvents = 0;
      cursor.headPruned = false;
    } else {
      cursor.prunedEvents += events;
      cursor.headPruned = true;
    }
  }
}
