// Shared set-up for the chain and verifier tests (no tests of its own): a fixed clock, a
// fresh Ed25519 key, numbered segments, events made by the real builder, and a log as the
// verifier reads it (records numbered from 1).

import { generateKeyPairSync } from 'node:crypto';
import { ManualClock, type AuditEvent, type AuditRecord } from '../core/index.js';
import { AuditChain, type AuditChainState } from './chain.js';
import { checkpointKeys, createCheckpointSigner } from './checkpoint-signature.js';
import { buildAuditEvent } from './event.js';
import { verifyAuditLog } from './verify.js';
import type { AuditLogEntry, AuditLogLine, VerifyOptions, VerifyReport } from './verify-types.js';

export const TEST_KEYS = generateKeyPairSync('ed25519', {
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
export const PUBLIC_KEYS = checkpointKeys([TEST_KEYS.publicKey]);

export function newChain(options: { restored?: AuditChainState | null; every?: number; clock?: ManualClock; segments?: string[] } = {}): AuditChain {
  const segments = options.segments ?? ['s1', 's2', 's3', 's4'];
  let next = 0;
  return new AuditChain({
    clock: options.clock ?? new ManualClock(Date.UTC(2026, 0, 1)),
    signer: createCheckpointSigner(TEST_KEYS.privateKey),
    checkpointEvery: options.every ?? 1000,
    restored: options.restored ?? null,
    newSegmentId: () => segments[next++] ?? `s${next}`,
  });
}

export function makeEvent(id: string, options: { gateway?: string; timestampMs?: number } = {}): AuditEvent {
  return buildAuditEvent({
    request_id: id,
    timestampMs: options.timestampMs ?? Date.UTC(2026, 0, 1),
    identity: null,
    destination: { scheme: 'https', host: 'api.example.com', port: 443, method: 'GET', path: `/${id}` },
    decision: 'deny',
    policy_id: 'default-deny',
    bundle_version: 1,
    reason: 'no policy matched',
    latency_ms: 0.5,
    bytes_in: 0,
    bytes_out: 0,
    status: null,
    gateway_id: options.gateway ?? 'gw-1',
  });
}

/** Seals `count` events `${prefix}1`… into the chain and returns every record it made. */
export function sealMany(chain: AuditChain, prefix: string, count: number, gateway = 'gw-1'): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (let i = 1; i <= count; i += 1) records.push(...chain.seal(makeEvent(`${prefix}${i}`, { gateway })));
  return records;
}

export function entries(lines: readonly AuditLogLine[]): AuditLogEntry[] {
  return lines.map((record, index) => ({ position: index + 1, record }));
}

export function verify(lines: readonly AuditLogLine[], options: Partial<VerifyOptions> = {}): Promise<VerifyReport> {
  return verifyAuditLog(entries(lines), { publicKeys: PUBLIC_KEYS, ...options });
}

/** The position (1-based) of the event with this request_id. */
export function positionOf(lines: readonly AuditLogLine[], requestId: string): number {
  return lines.findIndex((line) => (line as AuditEvent).request_id === requestId) + 1;
}
