// The hash chain, computed where a node's events converge (the process that owns the audit
// queue). Each gateway has its own chain; each process start opens a new segment of it:
//
//   start{previous: S1 head} ─ genesis(S2) ◄─ e1 ◄─ e2 ◄─ … ◄─ e1000  periodic{count 1000, head}
//                                             ◄─ e1001 ◄─ … ◄─ eN      shutdown{count N, head}
//
// `prev_hash` of the first event is the segment's genesis hash, which the signed `start`
// checkpoint vouches for; the start also names where the previous segment ended (read from
// the data dir), so a verifier can tell a clean restart from a deleted stretch. Periodic
// checkpoints (every `checkpointEvery` events, and on a timer) sign the head; losses in a
// sink become signed `gap` checkpoints, so a dropped event is counted, never unexplained.

import { randomBytes } from 'node:crypto';
import {
  AUDIT_SCHEMA_VERSION,
  type AuditCheckpoint,
  type AuditChainRun,
  type AuditEvent,
  type AuditGap,
  type AuditPreviousSegment,
  type AuditRecord,
  type Clock,
} from '../core/index.js';
import type { CheckpointSigner, UnsignedCheckpoint } from './checkpoint-signature.js';
import { genesisHash, sealEvent } from './hash.js';

/** Where a gateway's segment stood when its process last saved, and what its sinks lost. */
export interface ChainSegmentState extends AuditPreviousSegment {
  readonly lost: readonly AuditGap[];
}

/** What survives a restart (kept in the data dir by the caller). */
export interface AuditChainState {
  readonly gateways: Readonly<Record<string, ChainSegmentState>>;
}

export interface AuditChainOptions {
  readonly clock: Clock;
  readonly signer: CheckpointSigner;
  /** Events between two periodic checkpoints of one gateway, e.g. 1000. */
  readonly checkpointEvery: number;
  /** What the previous process left, or null on a fresh data dir. */
  readonly restored?: AuditChainState | null;
  readonly newSegmentId?: () => string;
}

interface Segment {
  readonly gatewayId: string;
  readonly segment: string;
  count: number;
  head: string;
  checkpointedCount: number;
}

export class AuditChain {
  #clock: Clock;
  #signer: CheckpointSigner;
  #every: number;
  #restored: Readonly<Record<string, ChainSegmentState>>;
  #newSegmentId: () => string;
  #segments = new Map<string, Segment>();
  #dropped: Record<string, number> = {};

  constructor(options: AuditChainOptions) {
    if (!Number.isInteger(options.checkpointEvery) || options.checkpointEvery < 1) {
      throw new RangeError(`audit chain: checkpointEvery: \`${options.checkpointEvery}\` is not a positive integer`);
    }
    this.#clock = options.clock;
    this.#signer = options.signer;
    this.#every = options.checkpointEvery;
    this.#restored = options.restored?.gateways ?? {};
    this.#newSegmentId = options.newSegmentId ?? (() => randomBytes(8).toString('hex'));
  }

  /**
   * Opens the gateway's segment: its `start` checkpoint, then a `gap` for each run of events
   * a sink of the previous process lost at shutdown. Nothing when it is open already.
   */
  open(gatewayId: string): AuditCheckpoint[] {
    if (this.#segments.has(gatewayId)) return [];
    const segment = this.#newSegmentId();
    const state: Segment = { gatewayId, segment, count: 0, head: genesisHash(gatewayId, segment), checkpointedCount: 0 };
    this.#segments.set(gatewayId, state);
    const restored = this.#restored[gatewayId];
    const previous: AuditPreviousSegment | null = restored
      ? { segment: restored.segment, count: restored.count, head_hash: restored.head_hash, clean: restored.clean }
      : null;
    const start = this.#checkpoint(state, 'start', { previous });
    const lost = (restored?.lost ?? []).map((gap) => this.gap(gap));
    return [start, ...lost];
  }

  /** The event sealed into its gateway's chain, after the records that must come first or follow. */
  seal(event: AuditEvent): AuditRecord[] {
    const opening = this.open(event.gateway_id);
    const segment = this.#segments.get(event.gateway_id) as Segment;
    const sealed = sealEvent(event, segment.head);
    segment.count += 1;
    segment.head = sealed.hash as string;
    const records: AuditRecord[] = [...opening, sealed];
    if (segment.count - segment.checkpointedCount >= this.#every) records.push(this.#checkpoint(segment, 'periodic'));
    return records;
  }

  /**
   * `periodic`: a checkpoint for each gateway with events since its last one (the timer's
   * tick); `shutdown`: one for every open gateway, the last record of its segment.
   */
  checkpoint(kind: 'periodic' | 'shutdown'): AuditCheckpoint[] {
    const due = [...this.#segments.values()].filter((s) => kind === 'shutdown' || s.count > s.checkpointedCount);
    return due.map((segment) => this.#checkpoint(segment, kind));
  }

  /** A signed gap: `run` is missing from `sink`'s stream, and it was counted. */
  gap(gap: AuditGap): AuditCheckpoint {
    return this.#sign({ kind: 'gap', gateway_id: gap.run.gateway_id, head: null, gap });
  }

  /** A gap for events the queue dropped for `sink` (its ring was full). */
  dropGap(sink: string, run: AuditChainRun): AuditCheckpoint {
    return this.gap({ sink, reason: 'queue_full', run });
  }

  /** Counted into later checkpoints: events each sink dropped. */
  noteDropped(sink: string, count: number): void {
    this.#dropped[sink] = (this.#dropped[sink] ?? 0) + count;
  }

  /** Where every open segment stands, for the data dir; `lost` runs are for the next start. */
  state(options: { clean: boolean; lost: readonly AuditGap[] }): AuditChainState {
    // A gateway this process never opened keeps what an earlier process left for it.
    const gateways: Record<string, ChainSegmentState> = { ...this.#restored };
    for (const segment of this.#segments.values()) {
      gateways[segment.gatewayId] = {
        segment: segment.segment,
        count: segment.count,
        head_hash: segment.head,
        clean: options.clean,
        lost: options.lost.filter((gap) => gap.run.gateway_id === segment.gatewayId),
      };
    }
    return { gateways };
  }

  #checkpoint(segment: Segment, kind: 'start' | 'periodic' | 'shutdown', extra: { previous?: AuditPreviousSegment | null } = {}): AuditCheckpoint {
    segment.checkpointedCount = segment.count;
    const head = { segment: segment.segment, count: segment.count, head_hash: segment.head };
    return this.#sign({ kind, gateway_id: segment.gatewayId, head, ...extra });
  }

  #sign(fields: Pick<UnsignedCheckpoint, 'kind' | 'gateway_id' | 'head'> & Pick<Partial<UnsignedCheckpoint>, 'previous' | 'gap'>): AuditCheckpoint {
    const { kind, gateway_id, head, ...about } = fields;
    return this.#signer.sign({
      record_type: 'audit_checkpoint',
      kind,
      timestamp: new Date(this.#clock.now()).toISOString(),
      gateway_id,
      head,
      dropped: { ...this.#dropped },
      ...about,
      schema_version: AUDIT_SCHEMA_VERSION,
    });
  }
}
