// `clawgress audit verify`: reads a log (a store in storage order, or an exported or stdout
// JSON-lines file) once, front to back, and either proves every chain intact or names the
// first place it is not. What each finding means:
//
//   event hash does not match its content ........................ edited
//   prev_hash is an event that already has a successor ........... inserted (the dead end)
//   prev_hash unknown, and it turns up later ...................... reordered
//   prev_hash unknown, and the chain goes on without this event ... inserted
//   prev_hash unknown otherwise ................................... deleted (before this event)
//   a checkpoint whose signature fails, or whose head the chain does not reach ... checkpoint
//   a segment shorter than the next start says it ended ........... deleted (at its end)
//
// Holes vouched for by signed gap or prune records are counted apart (report.gaps).

import type { AuditCheckpoint, AuditEvent } from '../core/index.js';
import { hashEvent } from './hash.js';
import { isChainedEvent, isCheckpoint } from './records.js';
import { ChainBook, hashKey, type Cursor } from './verify-chains.js';
import { CheckpointJudge } from './verify-checkpoints.js';
import { checkSegmentEnds, type SegmentStart } from './verify-ends.js';
import type { AuditExportHeader, AuditLogEntry, AuditLogLine, BreakKind, VerifyBreak, VerifyOptions, VerifyReport } from './verify-types.js';

export async function verifyAuditLog(
  entries: AsyncIterable<AuditLogEntry> | Iterable<AuditLogEntry>,
  options: VerifyOptions,
): Promise<VerifyReport> {
  const verifier = new LogVerifier(options);
  for await (const entry of entries) {
    if (!verifier.take(entry)) break;
  }
  return verifier.finish();
}

/** After a break whose cause lies ahead: what to look for in the rest of the log. */
interface Lookahead {
  readonly position: number;
  readonly requestId: string;
  readonly missing: string;
  /** The head the gateway's chain had before the suspect event. */
  readonly resumeFrom: string | null;
}

function isExportHeader(line: AuditLogLine): line is AuditExportHeader {
  return (line as Partial<AuditExportHeader>).record_type === 'audit_export';
}

class LogVerifier {
  readonly #options: VerifyOptions;
  readonly #book: ChainBook;
  readonly #seen = new Map<string, number>();
  readonly #active = new Map<string, Cursor>();
  readonly #starts: SegmentStart[] = [];
  readonly #notices: string[] = [];
  readonly #counts = { records: 0, events: 0, unchained: 0, checkpoints: 0, duplicates: 0 };
  #partial: boolean;
  #sink: string | undefined;
  readonly #unit: string;
  #broken: VerifyBreak | null = null;
  #lookahead: Lookahead | null = null;
  readonly #judge: CheckpointJudge;

  constructor(options: VerifyOptions) {
    this.#options = options;
    this.#partial = options.partial ?? false;
    this.#sink = options.sink;
    this.#unit = options.unit ?? 'position';
    this.#book = new ChainBook({ planningPrune: options.pruneBeforeMs !== undefined });
    this.#judge = new CheckpointJudge({
      book: this.#book,
      starts: this.#starts,
      notices: this.#notices,
      unit: this.#unit,
      publicKeys: options.publicKeys,
      seen: (hash) => this.#seen.has(hashKey(hash)),
      partial: () => this.#partial,
      sink: () => this.#sink,
      kept: (timestamp) => this.#kept(timestamp),
      fail: (kind, position, requestId, message) => this.#break(kind, position, requestId, message),
    });
  }

  /** Takes the next entry; false once the outcome cannot change. */
  take(entry: AuditLogEntry): boolean {
    if (this.#lookahead !== null) return this.#look(entry);
    this.#counts.records += 1;
    const { record, position } = entry;
    if (record === null) {
      this.#break('unreadable', position, null, entry.problem ?? 'not an audit record');
    } else if (isExportHeader(record)) {
      this.#header(record);
    } else if (isCheckpoint(record)) {
      this.#checkpoint(record, position);
    } else {
      this.#event(record, position);
    }
    return this.#broken === null || this.#lookahead !== null;
  }

  finish(): VerifyReport {
    if (this.#lookahead !== null) {
      const { position, requestId, missing, resumeFrom } = this.#lookahead;
      this.#lookahead = null;
      this.#break('deleted', position, requestId, `it was sealed after \`${missing}\`, which is not in the log${this.#lastOf(resumeFrom)}: deleted or replaced`);
    }
    if (this.#broken === null) {
      const found = checkSegmentEnds({ book: this.#book, starts: this.#starts, partial: this.#partial, notices: this.#notices, unit: this.#unit });
      if (found !== null) this.#broken = found;
    }
    const planning = this.#options.pruneBeforeMs !== undefined;
    return {
      ok: this.#broken === null,
      ...this.#counts,
      segments: this.#book.chains.size,
      gaps: { ...this.#book.gaps },
      notices: this.#notices,
      broken: this.#broken,
      ...(planning ? { pruneRuns: this.#book.pruneRuns } : {}),
    };
  }

  /** Where the chain that should have gone on stands, for a message. */
  #lastOf(head: string | null): string {
    const cursor = head === null ? null : this.#book.reach(head);
    if (cursor === null || cursor.headRequestId === null) return '';
    return ` (its chain's last event is at ${this.#unit} ${cursor.headPosition}, request_id \`${cursor.headRequestId}\`)`;
  }

  #header(header: AuditExportHeader): void {
    if (header.since !== null || header.until !== null) this.#partial = true;
    this.#sink ??= header.sink;
    if (this.#partial) this.#notices.push('partial log: what precedes its first records is not checked');
  }

  #event(event: AuditEvent, position: number): void {
    this.#counts.events += 1;
    if (!isChainedEvent(event)) return this.#unchained(event, position);
    if (hashEvent(event) !== event.hash) {
      return this.#break('edited', position, event.request_id, "its hash does not match its content: edited");
    }
    if (this.#seen.has(hashKey(event.hash))) {
      this.#counts.duplicates += 1;
      return;
    }
    const cursor = this.#chainOf(event, position);
    if (cursor === null) return;
    if (cursor.closedAt !== null) {
      return this.#break('inserted', position, event.request_id, `it follows the shutdown checkpoint of segment \`${cursor.segment}\`: inserted`);
    }
    this.#book.advance(cursor, event, { position, kept: this.#kept(event.timestamp) });
    this.#seen.set(hashKey(event.hash), position);
    this.#active.set(event.gateway_id, cursor);
  }

  // Events of schema 1, and events nobody sealed (a node without a chain), stand outside any
  // chain. Once a gateway's chain has begun in this log, an event of it without a hash is one
  // that was slipped in (or had its hash stripped to pass as old).
  #unchained(event: AuditEvent, position: number): void {
    if (event.schema_version >= 2 && (!('hash' in event) || !('prev_hash' in event))) {
      return this.#break('unreadable', position, event.request_id, 'a schema 2 event without prev_hash or hash');
    }
    if (this.#book.hasGateway(event.gateway_id)) {
      return this.#break('inserted', position, event.request_id, `it has no hash, but gateway \`${event.gateway_id}\` seals its events and its chain began earlier in the log: inserted`);
    }
    this.#counts.unchained += 1;
  }

  #chainOf(event: AuditEvent & { prev_hash: string }, position: number): Cursor | null {
    const cursor = this.#book.reach(event.prev_hash);
    if (cursor !== null) return cursor;
    if (this.#partial && !this.#book.hasGateway(event.gateway_id)) return this.#book.resume(event.gateway_id, event.prev_hash, position);
    const forkedAt = this.#seen.get(hashKey(event.prev_hash));
    if (forkedAt !== undefined) {
      this.#fork(event, position, forkedAt);
      return null;
    }
    const resumeFrom = this.#active.get(event.gateway_id)?.head ?? null;
    this.#lookahead = { position, requestId: event.request_id, missing: event.prev_hash, resumeFrom };
    return null;
  }

  // Two events follow the same one. A sibling that nothing follows yet is the dead end.
  #fork(event: AuditEvent & { prev_hash: string }, position: number, forkedAt: number): void {
    const sibling = [...this.#book.chains.values()].find((c) => c.headPrev === event.prev_hash);
    if (sibling !== undefined) {
      const other = `${this.#unit} ${position} (request_id \`${event.request_id}\`)`;
      return this.#break('inserted', sibling.headPosition, sibling.headRequestId, `inserted: it and ${other} both follow ${this.#unit} ${forkedAt}`);
    }
    this.#break('inserted', position, event.request_id, `inserted: it follows ${this.#unit} ${forkedAt}, which already has a successor`);
  }

  #look(entry: AuditLogEntry): boolean {
    const record = entry.record;
    if (record === null || isExportHeader(record) || !isChainedEvent(record)) return true;
    const lookahead = this.#lookahead as Lookahead;
    const found = `${this.#unit} ${entry.position} (request_id \`${record.request_id}\`)`;
    if (record.hash === lookahead.missing) {
      this.#conclude('reordered', `it comes before the event it follows, at ${found}: reordered`);
    } else if (lookahead.resumeFrom !== null && record.prev_hash === lookahead.resumeFrom) {
      this.#conclude('inserted', `it links to no event, and the chain goes on without it at ${found}: inserted`);
    }
    return this.#lookahead !== null;
  }

  #conclude(kind: BreakKind, message: string): void {
    const { position, requestId } = this.#lookahead as Lookahead;
    this.#lookahead = null;
    this.#break(kind, position, requestId, message);
  }

  #checkpoint(record: AuditCheckpoint, position: number): void {
    this.#counts.checkpoints += 1;
    if (!this.#judge.take(record, position)) this.#counts.duplicates += 1;
  }

  #kept(timestamp: string): boolean {
    const before = this.#options.pruneBeforeMs;
    return before === undefined || Date.parse(timestamp) >= before;
  }

  #break(kind: BreakKind, position: number, requestId: string | null, message: string): void {
    this.#broken ??= { kind, position, request_id: requestId, message };
  }
}
