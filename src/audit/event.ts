import { AUDIT_SCHEMA_VERSION } from '../core/index.js';
import type { AuditEvent, DecisionKind, Destination, Identity } from '../core/index.js';
import { formatTimestamp } from './timestamp.js';

/** What the pipeline knows at the end of a request; buildAuditEvent turns it into the record. */
export interface AuditInput {
  request_id: string;
  timestampMs: number;
  identity: Identity | null;
  destination: Destination;
  decision: DecisionKind;
  policy_id: string | null;
  bundle_version: number | null;
  reason: string;
  latency_ms: number;
  bytes_in: number;
  bytes_out: number;
  status: number | null;
  gateway_id: string;
}

/**
 * The ONE place an audit event is built (SPEC §6): field names and their order live here.
 * Identity and destination are copied field by field, so an object that carries more
 * (a bundle agent with its key hashes) never leaks extra fields into the log.
 */
export function buildAuditEvent(input: AuditInput): AuditEvent {
  return {
    request_id: input.request_id,
    timestamp: timestampOf(input.timestampMs, input.request_id),
    identity: input.identity === null ? null : copyIdentity(input.identity),
    destination: copyDestination(input.destination),
    decision: input.decision,
    policy_id: input.policy_id,
    bundle_version: input.bundle_version,
    reason: input.reason,
    latency_ms: roundToMicroseconds(input.latency_ms),
    bytes_in: input.bytes_in,
    bytes_out: input.bytes_out,
    status: input.status,
    gateway_id: input.gateway_id,
    schema_version: AUDIT_SCHEMA_VERSION,
    // Sealed later, where the node's events converge (see chain.ts): a gateway worker
    // cannot know the hash of the event another worker finished just before.
    prev_hash: null,
    hash: null,
  };
}

/** RFC 3339, UTC, milliseconds: `2026-01-01T00:00:00.000Z`. */
function timestampOf(timestampMs: number, requestId: string): string {
  if (!Number.isFinite(timestampMs)) {
    throw new RangeError(`audit event \`${requestId}\`: timestampMs \`${timestampMs}\` is not a finite time`);
  }
  return formatTimestamp(timestampMs);
}

function copyIdentity(identity: Identity): Identity {
  return {
    agent_id: identity.agent_id,
    team_id: identity.team_id,
    project_id: identity.project_id,
    environment: identity.environment,
    auth_type: identity.auth_type,
    status: identity.status,
  };
}

function copyDestination(destination: Destination): Destination {
  return {
    scheme: destination.scheme,
    host: destination.host,
    port: destination.port,
    method: destination.method,
    path: destination.path,
  };
}

// Monotonic clocks give sub-nanosecond noise (0.12345678901); microseconds are plenty.
function roundToMicroseconds(ms: number): number {
  return Math.round(ms * 1_000) / 1_000;
}
