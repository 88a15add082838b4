// The hash chain's arithmetic. An event's hash is SHA-256 over the canonical JSON (sorted
// keys, no whitespace: core's canonicalJson, written faster for the event's own shape in
// event-canonical.ts) of the event without its `hash` field, so it covers `prev_hash` and
// every field a reader sees. Any JSON encoder that keeps the values (numbers included)
// reproduces it.

import { createHash } from 'node:crypto';
import { canonicalJson, type AuditEvent } from '../core/index.js';
import { canonicalEventJson } from './event-canonical.js';

const PREFIX = 'sha256:';

export function sha256(text: string): string {
  return `${PREFIX}${createHash('sha256').update(text).digest('hex')}`;
}

/** The hash an event must carry: over everything in it but `hash`. */
export function hashEvent(event: AuditEvent): string {
  return sha256(canonicalEventJson(event as unknown as Record<string, unknown>));
}

/** What the first event of a segment links to; a `start` checkpoint vouches for it. */
export function genesisHash(gatewayId: string, segment: string): string {
  return sha256(canonicalJson({ chain: 'clawgress-audit', gateway_id: gatewayId, segment }));
}

/** A copy of the event linked after `prevHash`, with its own hash. */
export function sealEvent(event: AuditEvent, prevHash: string): AuditEvent {
  const linked: AuditEvent = { ...event, prev_hash: prevHash, hash: null };
  return { ...linked, hash: hashEvent(linked) };
}

/** True for an event that is part of a chain (schema 2, sealed); schema 1 events are not. */
export function isChained(event: AuditEvent): boolean {
  return typeof event.hash === 'string' && typeof event.prev_hash === 'string';
}
