// The verifier's half that judges checkpoints: signatures first, then what each kind says.
// `start` opens a segment (its previous link is checked once the whole log is read), a
// `periodic` or `shutdown` checkpoint must be where the chain stands, and `gap` and `prune`
// records lend the chain the signed runs it may step over.

import type { KeyObject } from 'node:crypto';
import type { AuditCheckpoint } from '../core/index.js';
import { checkCheckpointSignature } from './checkpoint-signature.js';
import { genesisHash } from './hash.js';
import type { ChainBook, Cursor } from './verify-chains.js';
import type { SegmentStart } from './verify-ends.js';
import type { BreakKind } from './verify-types.js';

export interface JudgeContext {
  readonly book: ChainBook;
  readonly starts: SegmentStart[];
  readonly notices: string[];
  readonly unit: string;
  readonly publicKeys: ReadonlyMap<string, KeyObject>;
  /** Whether an event with this hash was met already. */
  seen(hash: string): boolean;
  partial(): boolean;
  sink(): string | undefined;
  kept(timestamp: string): boolean;
  fail(kind: BreakKind, position: number, requestId: string | null, message: string): void;
}

export class CheckpointJudge {
  readonly #ctx: JudgeContext;
  readonly #signatures = new Set<string>();

  constructor(context: JudgeContext) {
    this.#ctx = context;
  }

  /** Checks one checkpoint; false when it is an exact repeat of one already taken. */
  take(record: AuditCheckpoint, position: number): boolean {
    if (this.#signatures.has(record.signature)) return false;
    this.#signatures.add(record.signature);
    this.#check(record, position);
    return true;
  }

  #check(record: AuditCheckpoint, position: number): void {
    const check = checkCheckpointSignature(record, this.#ctx.publicKeys);
    if (check !== 'valid') {
      const why = check === 'unknown_key' ? `is signed by unknown key \`${record.key_id}\`` : 'has a signature that does not verify: forged or edited';
      return this.#ctx.fail('checkpoint', position, null, `${record.kind} checkpoint ${why}`);
    }
    const kept = this.#ctx.kept(record.timestamp);
    if (record.kind === 'start') return this.#start(record, position, kept);
    if (record.kind === 'periodic' || record.kind === 'shutdown') return this.#head(record, position, kept);
    if (record.kind === 'gap' && record.gap !== undefined) return this.#gap(record, kept);
    if (record.kind === 'prune' && record.prune !== undefined) return this.#prune(record, kept);
    this.#ctx.fail('checkpoint', position, null, `${String(record.kind)} checkpoint is malformed`);
  }

  #start(record: AuditCheckpoint, position: number, kept: boolean): void {
    const { head, gateway_id: gatewayId } = record;
    if (!head || gatewayId === null || head.count !== 0 || head.head_hash !== genesisHash(gatewayId, head.segment)) {
      return this.#ctx.fail('checkpoint', position, null, 'start checkpoint does not open a segment: malformed');
    }
    const cursor = this.#ctx.book.open({ segment: head.segment, gatewayId, head: head.head_hash, count: 0, position, kept });
    if (cursor === null) return this.#ctx.fail('inserted', position, null, `segment \`${head.segment}\` is started a second time: inserted`);
    this.#ctx.starts.push({ position, gatewayId, segment: head.segment, previous: record.previous ?? null, kept });
  }

  #head(record: AuditCheckpoint, position: number, kept: boolean): void {
    const head = record.head;
    const cursor = head ? this.#chainAt(record, position, kept) : null;
    if (!head || cursor === null) {
      if (!head) this.#ctx.fail('checkpoint', position, null, `${record.kind} checkpoint has no head: malformed`);
      return;
    }
    if (cursor.count !== null && cursor.count !== head.count) {
      this.#headMismatch(record, position, cursor);
      return;
    }
    cursor.count = head.count;
    cursor.checkpoints.set(head.count, head.head_hash);
    if (kept) this.#ctx.book.reference(cursor);
    if (record.kind === 'shutdown') cursor.closedAt = head.count;
  }

  /** The chain a head checkpoint speaks of, moved to its head; null (and a break) when it cannot get there. */
  #chainAt(record: AuditCheckpoint, position: number, kept: boolean): Cursor | null {
    const head = record.head as NonNullable<AuditCheckpoint['head']>;
    const known = this.#ctx.book.chains.get(head.segment);
    const reached = this.#ctx.book.reach(head.head_hash);
    if (known !== undefined && reached === known) return known;
    if (known !== undefined) return this.#headMismatch(record, position, known);
    if (reached !== null && reached.segment.startsWith('?')) this.#ctx.book.rename(reached, head.segment, head.count);
    if (reached !== null) return reached;
    if (this.#ctx.partial() && !this.#ctx.book.hasGateway(record.gateway_id ?? '')) {
      return this.#ctx.book.open({ segment: head.segment, gatewayId: record.gateway_id ?? '', head: head.head_hash, count: head.count, position, kept });
    }
    this.#ctx.fail('deleted', position, null, `${record.kind} checkpoint is for segment \`${head.segment}\`, which is not in the log: deleted`);
    return null;
  }

  #headMismatch(record: AuditCheckpoint, position: number, cursor: Cursor): null {
    const head = record.head as NonNullable<AuditCheckpoint['head']>;
    if (cursor.headPrev === head.head_hash && cursor.headRequestId !== null) {
      this.#ctx.fail('inserted', cursor.headPosition, cursor.headRequestId, `inserted: the ${record.kind} checkpoint at ${this.#ctx.unit} ${position} signs the event before it as the head`);
      return null;
    }
    if (cursor.count !== null && cursor.count < head.count && !this.#ctx.seen(head.head_hash)) {
      const missing = `the ${head.count - cursor.count} events after it, up to the ${record.kind} checkpoint at ${this.#ctx.unit} ${position}, are missing: deleted`;
      this.#ctx.fail('deleted', cursor.headPosition, cursor.headRequestId, missing);
      return null;
    }
    const at = `count ${cursor.count ?? '?'} at ${this.#ctx.unit} ${cursor.headPosition}`;
    this.#ctx.fail('checkpoint', position, null, `${record.kind} checkpoint signs count ${head.count} of segment \`${cursor.segment}\`, but the chain reaches ${at}: events before it were changed, deleted or inserted`);
    return null;
  }

  #gap(record: AuditCheckpoint, kept: boolean): void {
    const gap = record.gap as NonNullable<AuditCheckpoint['gap']>;
    // Another sink's loss says nothing about this stream; events that arrived after all need no excuse.
    if (this.#ctx.sink() !== undefined && gap.sink !== this.#ctx.sink()) return;
    if (this.#ctx.seen(gap.run.to_hash)) return;
    this.#ctx.book.addRun({ run: gap.run, kind: gap.reason, kept });
  }

  #prune(record: AuditCheckpoint, kept: boolean): void {
    const prune = record.prune as NonNullable<AuditCheckpoint['prune']>;
    for (const run of prune.runs) this.#ctx.book.addRun({ run, kind: 'pruned', kept });
    this.#ctx.notices.push(`retention dropped ${prune.events} events stamped before ${prune.before}`);
  }
}
