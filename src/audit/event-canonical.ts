// The canonical JSON of an audit event, fast. Sealing runs once per request where the node's
// events converge, and the generic canonicalJson (sort the keys of every object, recurse)
// takes ~8 µs an event; for the one shape an event has, the keys' sorted order is written
// out here (~2 µs). Anything else (schema 1, an extra field, a non-finite number) goes to
// canonicalJson, so the output is always byte for byte canonicalJson's (event-canonical.test.ts).

import { canonicalJson } from '../core/index.js';

// Sorted by code unit, as canonicalJson sorts them.
const EVENT_KEYS = [
  'bundle_version', 'bytes_in', 'bytes_out', 'decision', 'destination', 'gateway_id', 'identity', 'latency_ms',
  'policy_id', 'prev_hash', 'reason', 'request_id', 'schema_version', 'status', 'timestamp',
] as const;
const DESTINATION_KEYS = ['host', 'method', 'path', 'port', 'scheme'] as const;
const IDENTITY_KEYS = ['agent_id', 'auth_type', 'environment', 'project_id', 'status', 'team_id'] as const;

type Fields = Record<string, unknown>;

/** canonicalJson(event without `hash`). */
export function canonicalEventJson(event: Fields): string {
  const parts = canonicalEventParts(event);
  return parts === null ? canonicalJson(withoutHash(event)) : `${parts.beforeHash},${parts.afterHash}`;
}

function withoutHash(event: Fields): Fields {
  const { hash: _hash, ...covered } = event;
  return covered;
}

/**
 * canonicalEventJson split where `hash` sorts (after `gateway_id`, before `identity`):
 * `{…gateway_id…` and `…identity…}`. Sealing hashes the two joined with a comma and writes the
 * record as the two around `"hash":…`, so one serialisation serves both. Null when the event
 * is not of the one shape the fast path knows.
 */
export function canonicalEventParts(event: Fields): { beforeHash: string; afterHash: string } | null {
  const extra = Object.keys(event).length - EVENT_KEYS.length - ('hash' in event ? 1 : 0);
  if (extra !== 0 || !allPrimitive(event, EVENT_KEYS, OBJECT_FIELDS)) return null;
  const destination = event['destination'] as Fields;
  const identity = event['identity'] as Fields | null;
  if (!exactly(destination, DESTINATION_KEYS) || (identity !== null && !exactly(identity, IDENTITY_KEYS))) return null;
  // Objects whose keys are inserted in sorted order: JSON.stringify then writes exactly
  // canonicalJson's text (same escaping, same numbers), in one native call each.
  const before = JSON.stringify({
    bundle_version: event['bundle_version'],
    bytes_in: event['bytes_in'],
    bytes_out: event['bytes_out'],
    decision: event['decision'],
    destination: { host: destination['host'], method: destination['method'], path: destination['path'], port: destination['port'], scheme: destination['scheme'] },
    gateway_id: event['gateway_id'],
  });
  const after = JSON.stringify({
    identity: identity === null ? null : {
      agent_id: identity['agent_id'], auth_type: identity['auth_type'], environment: identity['environment'],
      project_id: identity['project_id'], status: identity['status'], team_id: identity['team_id'],
    },
    latency_ms: event['latency_ms'],
    policy_id: event['policy_id'],
    prev_hash: event['prev_hash'],
    reason: event['reason'],
    request_id: event['request_id'],
    schema_version: event['schema_version'],
    status: event['status'],
    timestamp: event['timestamp'],
  });
  return { beforeHash: before.slice(0, -1), afterHash: after.slice(1) };
}

const OBJECT_FIELDS: ReadonlySet<string> = new Set(['destination', 'identity']);

/** An object with exactly these keys, every value a primitive both encoders agree on. */
function exactly(value: unknown, keys: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.keys(value).length === keys.length && allPrimitive(value as Fields, keys, EMPTY);
}

const EMPTY: ReadonlySet<string> = new Set();

function allPrimitive(fields: Fields, keys: readonly string[], objects: ReadonlySet<string>): boolean {
  for (const key of keys) {
    const value = fields[key];
    if (objects.has(key)) {
      if (typeof value !== 'object') return false;
      continue;
    }
    if (!isPrimitive(value)) return false;
  }
  return true;
}

/** A string, a finite number, a boolean or null: what JSON.stringify writes as canonicalJson does. */
function isPrimitive(value: unknown): boolean {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
