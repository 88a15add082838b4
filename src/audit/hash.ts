// The hash chain's arithmetic. An event's hash is SHA-256 over the canonical JSON (sorted
// keys, no whitespace: core's canonicalJson, written faster for the event's own shape in
// event-canonical.ts) of the event without its `hash` field, so it covers `prev_hash` and
// every field a reader sees. Any JSON encoder that keeps the values (numbers included)
// reproduces it.

import { createHash, hash as oneShotHash } from 'node:crypto';
import { canonicalJson, rememberRecordJson, type AuditEvent } from '../core/index.js';
import { canonicalEventJson, canonicalEventParts } from './event-canonical.js';

const PREFIX = 'sha256:';

/** Of the texts one after the other, as if joined (each given to the hash in turn, not copied). */
export function sha256(...texts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(text);
  return `${PREFIX}${hash.digest('hex')}`;
}

/** The hash an event must carry: over everything in it but `hash`. */
export function hashEvent(event: AuditEvent): string {
  return sha256(canonicalEventJson(event as unknown as Record<string, unknown>));
}

/** What the first event of a segment links to; a `start` checkpoint vouches for it. */
export function genesisHash(gatewayId: string, segment: string): string {
  return sha256(canonicalJson({ chain: 'clawgress-audit', gateway_id: gatewayId, segment }));
}

/**
 * A copy of the event linked after `prevHash`, with its own hash. Its JSON text (what stdout
 * and the store write) is the canonical text the hash covers with `"hash":…` put in its sorted
 * place, so the record is serialised once, not once to hash and again to write; that text is
 * canonicalJson of the sealed record (event-canonical.test.ts).
 */
export function sealEvent(event: AuditEvent, prevHash: string): AuditEvent {
  const linked: AuditEvent = { ...event, prev_hash: prevHash, hash: null };
  const parts = canonicalEventParts(linked as unknown as Record<string, unknown>);
  if (parts === null) return { ...linked, hash: hashEvent(linked) };
  // One call over the joined text: a Hash object and three updates per event cost more.
  const covered = `${parts.beforeHash},${parts.afterHash}`;
  const hash = `${PREFIX}${oneShotHash('sha256', covered, 'hex')}`;
  const sealed: AuditEvent = { ...linked, hash };
  // The record's text is cut from `covered`, which hashing has just made one flat string, and
  // not joined from the two halves: each half is a rope of dozens of small strings, and every
  // sink that encodes the text (stdout, the store) would walk them again, long after sealing,
  // when they are no longer in the cache (~7 µs an event; ~0.6 µs for this text). Holding the
  // ropes until the batch is written also kept them alive through young collections.
  // `hash` is "sha256:" and hex digits: nothing in it needs escaping.
  const split = parts.beforeHash.length;
  rememberRecordJson(sealed, `${covered.slice(0, split)},"hash":"${hash}",${covered.slice(split + 1)}`);
  return sealed;
}

/** True for an event that is part of a chain (schema 2, sealed); schema 1 events are not. */
export function isChained(event: AuditEvent): boolean {
  return typeof event.hash === 'string' && typeof event.prev_hash === 'string';
}
