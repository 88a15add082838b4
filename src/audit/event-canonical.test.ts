import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, recordJson, type AuditEvent } from '../core/index.js';
import { canonicalEventJson } from './event-canonical.js';
import { hashEvent, sealEvent } from './hash.js';
import { makeEvent } from './chain-harness.test.js';

const reference = (event: Record<string, unknown>): string => {
  const { hash: _hash, ...covered } = event;
  return canonicalJson(covered);
};

const sealed = sealEvent(makeEvent('r1'), 'sha256:prev');
const CASES: ReadonlyArray<[string, Record<string, unknown>]> = [
  ['a sealed event', sealed as unknown as Record<string, unknown>],
  ['an unsealed event (null links)', makeEvent('r2') as unknown as Record<string, unknown>],
  ['an identified event', { ...sealed, identity: { agent_id: 'a"g\\ent', team_id: 't', project_id: 'p', environment: 'prod', auth_type: 'jwt', status: 'active' } }],
  ['strings that need escaping and astral characters', { ...sealed, reason: 'line\nbreak "quoted" \u2028 😀 \u0001', destination: { ...sealed.destination, path: '/ü/%20?' } }],
  ['a lone surrogate, DEL and a backslash in plain strings', { ...sealed, reason: 'x\ud800y\u007f', gateway_id: 'gw\\1', request_id: '\udc00' }],
  ['numbers of every kind', { ...sealed, latency_ms: 1e-7, bytes_in: 2 ** 53 - 1, bytes_out: -0, status: 599, bundle_version: 1.5e21 }],
  ['schema 1 (no chain fields): the general path', (() => { const { prev_hash: _p, hash: _h, ...v1 } = { ...sealed, schema_version: 1 }; return v1; })()],
  ['an extra field: the general path', { ...sealed, quota_mark: 'alert_only' }],
  ['an identity with an extra field: the general path', { ...sealed, identity: { ...(makeEvent('x').identity ?? {}), agent_id: 'a', team_id: 't', project_id: 'p', environment: 'e', auth_type: 'api_key', status: 'active', extra: 1 } }],
  ['a nested array: the general path', { ...sealed, destination: { ...sealed.destination, path: ['a'] } }],
];

for (const [name, event] of CASES) {
  void test(`the fast canonical form equals canonicalJson: ${name}`, () => {
    assert.equal(canonicalEventJson(event), reference(event));
  });
}

void test('a non-finite number is refused as canonicalJson refuses it', () => {
  assert.throws(() => canonicalEventJson({ ...sealed, latency_ms: Number.NaN } as unknown as Record<string, unknown>), {
    message: 'canonical json: non-finite number',
  });
});

void test('a thousand generated events hash the same both ways', () => {
  for (let i = 0; i < 1000; i += 1) {
    const event: AuditEvent = sealEvent(makeEvent(`gen-${i}-${String.fromCodePoint(32 + (i % 5000))}`), `sha256:${i}`);
    const fields = { ...event, latency_ms: i / 7, status: i % 3 === 0 ? null : 200 + (i % 300) } as unknown as Record<string, unknown>;
    assert.equal(canonicalEventJson(fields), reference(fields));
  }
});

void test('a sealed event is written as the canonical JSON of the whole record, hash included', () => {
  for (let i = 0; i < 200; i += 1) {
    const event = { ...makeEvent(`w-${i}-${String.fromCodePoint(32 + ((i * 37) % 5000))}`), latency_ms: i / 7, status: i % 3 === 0 ? null : 200 + i };
    const record = sealEvent(event, `sha256:${i}`);
    const text = recordJson(record);
    assert.equal(text, canonicalJson(record as unknown as Record<string, unknown>));
    assert.deepEqual(JSON.parse(text), record);
    assert.equal(hashEvent(JSON.parse(text) as AuditEvent), record.hash);
  }
});

void test('a sealed event of another shape is written with JSON.stringify and still verifies', () => {
  const record = sealEvent({ ...makeEvent('odd'), quota_mark: 'alert_only' } as AuditEvent, 'sha256:prev');
  const parsed = JSON.parse(recordJson(record)) as AuditEvent;
  assert.deepEqual(parsed, record);
  assert.equal(hashEvent(parsed), record.hash);
});
