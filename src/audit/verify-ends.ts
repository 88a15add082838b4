// Checks made once the whole log is read: every `start` checkpoint says where the gateway's
// previous segment ended. A clean end must be exactly where that segment stops in the log
// (after any gaps its sinks reported); fewer events there means events were deleted at its
// end. An unclean end (crash) can only be noted: what was queued then is unknowable.

import type { AuditPreviousSegment } from '../core/index.js';
import type { ChainBook, Cursor } from './verify-chains.js';
import type { BreakKind, VerifyBreak } from './verify-types.js';

export interface SegmentStart {
  readonly position: number;
  readonly gatewayId: string;
  readonly segment: string;
  readonly previous: AuditPreviousSegment | null;
  readonly kept: boolean;
}

interface EndsContext {
  readonly book: ChainBook;
  readonly starts: readonly SegmentStart[];
  readonly partial: boolean;
  readonly notices: string[];
  /** What a position is called in messages: `line`, `record` or `position`. */
  readonly unit: string;
}

export function checkSegmentEnds(context: EndsContext): VerifyBreak | null {
  const linked = new Set<string>();
  const startedGateways = new Set<string>();
  for (const start of context.starts) {
    if (start.previous === null && startedGateways.has(start.gatewayId)) {
      context.notices.push(`segment \`${start.segment}\` (${context.unit} ${start.position}) links to no earlier segment of gateway \`${start.gatewayId}\`: its chain state was lost or its data dir is new`);
    }
    startedGateways.add(start.gatewayId);
    if (start.previous === null) continue;
    linked.add(start.previous.segment);
    const found = checkPrevious(context, start, start.previous);
    if (found !== null) return found;
  }
  noteOpenSegments(context, linked);
  return null;
}

function checkPrevious(context: EndsContext, start: SegmentStart, previous: AuditPreviousSegment): VerifyBreak | null {
  const { book } = context;
  const known = book.chains.get(previous.segment);
  const cursor = known !== undefined && known.head === previous.head_hash ? known : (book.reach(previous.head_hash) ?? known ?? null);
  const name = `segment \`${previous.segment}\``;
  if (cursor === null) {
    if (context.partial) return null;
    if (previous.clean) {
      return found('deleted', start.position, null, `the start of segment \`${start.segment}\` says ${name} ended cleanly at count ${previous.count}, but it is not in the log: deleted`);
    }
    context.notices.push(`${name} of gateway \`${start.gatewayId}\` stopped without a shutdown checkpoint, and none of it is in the log`);
    return null;
  }
  if (start.kept) book.reference(cursor);
  return previous.clean ? checkCleanEnd(context, cursor, start, previous) : noteUncleanEnd(context, cursor, start, previous);
}

function checkCleanEnd(context: EndsContext, cursor: Cursor, start: SegmentStart, previous: AuditPreviousSegment): VerifyBreak | null {
  if (cursor.head === previous.head_hash && (cursor.count === null || cursor.count === previous.count)) return null;
  const said = `the start of segment \`${start.segment}\` (${context.unit} ${start.position}) says it ended cleanly at count ${previous.count}`;
  if (cursor.count !== null && cursor.count > previous.count && cursor.checkpoints.get(previous.count) === previous.head_hash) {
    return found('inserted', cursor.headPosition, cursor.headRequestId, `segment \`${cursor.segment}\` goes on past its end: ${said}: inserted`);
  }
  return found('deleted', cursor.headPosition, cursor.headRequestId, `segment \`${cursor.segment}\` stops here at count ${cursor.count ?? '?'}, but ${said}: the events after this one were deleted`);
}

function noteUncleanEnd(context: EndsContext, cursor: Cursor, start: SegmentStart, previous: AuditPreviousSegment): VerifyBreak | null {
  const signed = cursor.checkpoints.get(previous.count);
  if (signed !== undefined && signed !== previous.head_hash) {
    return found('checkpoint', start.position, null, `the start of segment \`${start.segment}\` disagrees with the checkpoint of segment \`${cursor.segment}\` at count ${previous.count}`);
  }
  const lost = cursor.count !== null && cursor.count < previous.count ? `; its last ${previous.count - cursor.count} events were lost with it` : '';
  context.notices.push(`segment \`${cursor.segment}\` of gateway \`${cursor.gatewayId}\` stopped without a shutdown checkpoint (a crash or a kill)${lost}`);
  return null;
}

function noteOpenSegments(context: EndsContext, linked: ReadonlySet<string>): void {
  for (const cursor of context.book.chains.values()) {
    if (cursor.closedAt !== null || linked.has(cursor.segment) || cursor.count === null) continue;
    const signedUpTo = Math.max(0, ...cursor.checkpoints.keys());
    if (cursor.count > signedUpTo) {
      context.notices.push(`segment \`${cursor.segment}\` of gateway \`${cursor.gatewayId}\` is still open: its last ${cursor.count - signedUpTo} events are not signed by a checkpoint yet`);
    }
  }
}

function found(kind: BreakKind, position: number, requestId: string | null, message: string): VerifyBreak {
  return { kind, position, request_id: requestId, message };
}
