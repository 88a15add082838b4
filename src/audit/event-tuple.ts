// An audit event as a positional array, for the IPC channel from a cluster worker to its
// primary. Node writes every IPC message as JSON: without the sixteen key names an event is
// about half the bytes, and the primary, where every worker's events converge, reads it in
// about a third of the time (`npm run bench:micro -- --only audit`). Only events of exactly
// the known shape are packed; anything else travels as the object it is, so nothing is ever
// dropped on the way.
import type { AuditEvent } from '../core/index.js';

/** A packed event (array) or an event of another shape (object), as packEvent made it. */
export type WireEvent = readonly unknown[] | AuditEvent;

const EVENT_KEY_COUNT = 16; // every AuditEvent field, prev_hash and hash included
const DESTINATION_KEY_COUNT = 5;
const IDENTITY_KEY_COUNT = 6;

export function packEvent(event: AuditEvent): WireEvent {
  const { destination: d, identity: i } = event;
  if (keyCount(event) !== EVENT_KEY_COUNT || event.prev_hash === undefined || event.hash === undefined) return event;
  if (keyCount(d) !== DESTINATION_KEY_COUNT || (i !== null && keyCount(i) !== IDENTITY_KEY_COUNT)) return event;
  // One array literal of the final length each: pushing the identity onto the anonymous
  // fields grew (reallocated) the array for every identified event.
  if (i === null) {
    return [
      event.request_id, event.timestamp, event.decision, event.policy_id, event.bundle_version, event.reason,
      event.latency_ms, event.bytes_in, event.bytes_out, event.status, event.gateway_id, event.schema_version,
      event.prev_hash, event.hash, d.scheme, d.host, d.port, d.method, d.path,
    ];
  }
  return [
    event.request_id, event.timestamp, event.decision, event.policy_id, event.bundle_version, event.reason,
    event.latency_ms, event.bytes_in, event.bytes_out, event.status, event.gateway_id, event.schema_version,
    event.prev_hash, event.hash, d.scheme, d.host, d.port, d.method, d.path,
    i.agent_id, i.team_id, i.project_id, i.environment, i.auth_type, i.status,
  ];
}

/** Object.keys(o).length without the array Object.keys allocates (a worker packs every event). */
function keyCount(o: object): number {
  let count = 0;
  for (const key in o) if (Object.hasOwn(o, key)) count++;
  return count;
}

const ANONYMOUS_LENGTH = 19;
const IDENTIFIED_LENGTH = 25;

/** The event packEvent was given; throws on an array of a length it never makes. */
export function unpackEvent(wire: WireEvent): AuditEvent {
  if (!Array.isArray(wire)) return wire as AuditEvent;
  const w = wire as unknown[];
  if (w.length !== ANONYMOUS_LENGTH && w.length !== IDENTIFIED_LENGTH) throw new TypeError(`audit event tuple: ${w.length} fields, not ${ANONYMOUS_LENGTH} or ${IDENTIFIED_LENGTH}`);
  const identity = w.length === ANONYMOUS_LENGTH ? null : {
    agent_id: w[19], team_id: w[20], project_id: w[21], environment: w[22], auth_type: w[23], status: w[24],
  } as AuditEvent['identity'];
  return {
    request_id: w[0], timestamp: w[1], identity,
    destination: { scheme: w[14], host: w[15], port: w[16], method: w[17], path: w[18] },
    decision: w[2], policy_id: w[3], bundle_version: w[4], reason: w[5], latency_ms: w[6], bytes_in: w[7],
    bytes_out: w[8], status: w[9], gateway_id: w[10], schema_version: w[11], prev_hash: w[12], hash: w[13],
  } as AuditEvent;
}
