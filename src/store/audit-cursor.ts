// The audit cursor is the `seq` of the last event a page returned, opaque to clients.
// Pages go newest first, so the next page holds events with a smaller seq: events that
// arrive meanwhile get larger seqs and can never shift an event into a second page.

import { ClawgressError } from '../core/index.js';

export function encodeAuditCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`, 'utf8').toString('base64url');
}

/** The seq a cursor stands for; a VALIDATION error naming `cursor` when it is not ours. */
export function decodeAuditCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^seq:([1-9][0-9]{0,15})$/.exec(text);
  const seq = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(seq)) {
    throw new ClawgressError('VALIDATION', `cursor: \`${cursor.slice(0, 64)}\` is not a valid cursor`, {
      field: 'cursor',
    });
  }
  return seq;
}
