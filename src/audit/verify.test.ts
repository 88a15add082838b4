import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditCheckpoint, AuditEvent, AuditRecord } from '../core/index.js';
import { sealEvent } from './hash.js';
import { isCheckpoint } from './records.js';
import { makeEvent, newChain, positionOf, PUBLIC_KEYS, sealMany, verify } from './chain-harness.test.js';
import { verifyAuditLog } from './verify.js';
import type { AuditLogLine, BreakKind } from './verify-types.js';

/** start, r1..r4, periodic, r5..r8, periodic, r9, r10, shutdown: 14 records. */
function cleanLog(): AuditRecord[] {
  const chain = newChain({ every: 4 });
  return [...sealMany(chain, 'r', 10), ...chain.checkpoint('shutdown')];
}

const eventNamed = (lines: readonly AuditLogLine[], id: string): AuditEvent =>
  lines.find((line) => (line as AuditEvent).request_id === id) as AuditEvent;
const without = (lines: readonly AuditLogLine[], id: string): AuditLogLine[] =>
  lines.filter((line) => (line as AuditEvent).request_id !== id);

void test('an untouched log verifies: every event chained, every checkpoint signed', async () => {
  const report = await verify(cleanLog());
  assert.equal(report.broken, null);
  assert.deepEqual(
    { ok: report.ok, records: report.records, events: report.events, checkpoints: report.checkpoints, segments: report.segments },
    { ok: true, records: 14, events: 10, checkpoints: 4, segments: 1 },
  );
  assert.deepEqual(report.gaps, { dropped: 0, lost_at_shutdown: 0, pruned: 0 });
  assert.deepEqual(report.notices, []);
});

interface TamperCase {
  readonly name: string;
  readonly tamper: (lines: AuditLogLine[]) => AuditLogLine[];
  readonly kind: BreakKind;
  readonly requestId: string | null;
  readonly message: RegExp;
}

const TAMPERING: readonly TamperCase[] = [
  {
    name: 'an edited field is named as edited',
    tamper: (lines) => lines.map((l) => ((l as AuditEvent).request_id === 'r6' ? { ...l, decision: 'allow' } : l)),
    kind: 'edited', requestId: 'r6', message: /hash does not match its content: edited/,
  },
  {
    name: 'an edited event whose hash was recomputed breaks the link to the event after it',
    tamper: (lines) => lines.map((l) => {
      const e = l as AuditEvent;
      return e.request_id === 'r6' ? sealEvent({ ...e, decision: 'allow' }, e.prev_hash as string) : l;
    }),
    kind: 'deleted', requestId: 'r7', message: /which is not in the log \(its chain's last event is at position 8, request_id `r6`\): deleted or replaced/,
  },
  {
    name: 'a deleted event is named by the event that followed it',
    tamper: (lines) => without(lines, 'r6'),
    kind: 'deleted', requestId: 'r7', message: /deleted or replaced/,
  },
  {
    name: 'two swapped events are named as reordered at the first of them',
    tamper: (lines) => {
      const copy = [...lines];
      const [a, b] = [positionOf(lines, 'r6') - 1, positionOf(lines, 'r7') - 1];
      [copy[a], copy[b]] = [copy[b] as AuditLogLine, copy[a] as AuditLogLine];
      return copy;
    },
    kind: 'reordered', requestId: 'r7', message: /comes before the event it follows, at position 9 \(request_id `r6`\): reordered/,
  },
  {
    name: 'an inserted event that claims a real predecessor is the dead end of a fork',
    tamper: (lines) => {
      const copy = [...lines];
      const forged = sealEvent(makeEvent('forged'), eventNamed(lines, 'r5').hash as string);
      copy.splice(positionOf(lines, 'r5'), 0, forged);
      return copy;
    },
    kind: 'inserted', requestId: 'forged', message: /inserted: it and position 9 \(request_id `r6`\) both follow position 7/,
  },
  {
    name: 'an inserted event that links to nothing is named as inserted',
    tamper: (lines) => {
      const copy = [...lines];
      copy.splice(positionOf(lines, 'r5'), 0, sealEvent(makeEvent('forged'), 'sha256:00'));
      return copy;
    },
    kind: 'inserted', requestId: 'forged', message: /links to no event, and the chain goes on without it at position 9 \(request_id `r6`\)/,
  },
  {
    name: 'an event appended after the shutdown checkpoint is named as inserted',
    tamper: (lines) => [...lines, sealEvent(makeEvent('late'), eventNamed(lines, 'r10').hash as string)],
    kind: 'inserted', requestId: 'late', message: /follows the shutdown checkpoint of segment `s1`: inserted/,
  },
  {
    name: 'events deleted right before a checkpoint are named at the last event left',
    tamper: (lines) => without(without(lines, 'r7'), 'r8'),
    kind: 'deleted', requestId: 'r6', message: /the 2 events after it, up to the periodic checkpoint at position 9, are missing: deleted/,
  },
  {
    name: 'a checkpoint with an edited count fails its signature',
    tamper: (lines) => lines.map((l) => (isCheckpoint(l as AuditRecord) && (l as AuditCheckpoint).kind === 'periodic' ? { ...l, dropped: { store: 1 } } : l)),
    kind: 'checkpoint', requestId: null, message: /periodic checkpoint has a signature that does not verify: forged or edited/,
  },
];

for (const tampering of TAMPERING) {
  void test(`tampering: ${tampering.name}`, async () => {
    const lines = tampering.tamper(cleanLog());
    const report = await verify(lines);
    assert.equal(report.ok, false);
    assert.equal(report.broken?.kind, tampering.kind, report.broken?.message);
    assert.equal(report.broken?.request_id, tampering.requestId);
    if (tampering.requestId !== null) assert.equal(report.broken?.position, positionOf(lines, tampering.requestId));
    assert.match(report.broken?.message ?? '', tampering.message);
  });
}

void test('a checkpoint signed by a key the verifier was not given is refused', async () => {
  const report = await verify(cleanLog(), { publicKeys: new Map() });
  assert.deepEqual([report.broken?.kind, report.broken?.position], ['checkpoint', 1]);
  assert.match(report.broken?.message ?? '', /start checkpoint is signed by unknown key `ed25519:[0-9a-f]{16}`/);
});

void test('a line that is not a record stops verification at it', async () => {
  const entries = [{ position: 1, record: cleanLog()[0] as AuditRecord }, { position: 2, record: null, problem: 'line 2: not a json document' }];
  const report = await verifyAuditLog(entries, { publicKeys: PUBLIC_KEYS });
  assert.deepEqual(report.broken, { kind: 'unreadable', position: 2, request_id: null, message: 'line 2: not a json document' });
});

void test('schema 1 events are accepted as unchained', async () => {
  const { prev_hash: _prev, hash: _hash, ...v1 } = { ...makeEvent('old'), schema_version: 1 };
  const report = await verify([v1, ...cleanLog()]);
  assert.deepEqual({ ok: report.ok, events: report.events, unchained: report.unchained }, { ok: true, events: 11, unchained: 1 });
});

void test('an event without a hash after its gateway began to seal is named as inserted', async () => {
  const log = cleanLog();
  const { prev_hash: _prev, hash: _hash, ...stripped } = { ...makeEvent('stripped'), schema_version: 1 };
  const lines: AuditLogLine[] = [...log.slice(0, 6), stripped, ...log.slice(6)];
  const report = await verify(lines);
  assert.deepEqual([report.broken?.kind, report.broken?.request_id, report.broken?.position], ['inserted', 'stripped', 7]);
  const unsealed = await verify([...log.slice(0, 6), makeEvent('unsealed'), ...log.slice(6)]);
  assert.deepEqual([unsealed.broken?.kind, unsealed.broken?.request_id], ['inserted', 'unsealed']);
});

void test('a batch written twice (a retried write) is counted as repeated, not as tampering', async () => {
  const log = cleanLog();
  const report = await verify([...log.slice(0, 6), ...log.slice(1, 6), ...log.slice(6)]);
  assert.deepEqual({ ok: report.ok, duplicates: report.duplicates }, { ok: true, duplicates: 5 });
});

void test('a slice that starts mid-chain verifies when its header says it is partial', async () => {
  const slice = cleanLog().slice(4);
  assert.equal((await verify(slice)).ok, false);
  const header = { record_type: 'audit_export', schema_version: 2, sink: 'store', since: '2026-01-01T00:00:00.000Z', until: null, exported_at: '2026-01-02T00:00:00.000Z' } as const;
  const report = await verify([header, ...slice]);
  assert.equal(report.broken, null);
  assert.equal(report.ok, true);
  assert.deepEqual(report.notices, ['partial log: what precedes its first records is not checked']);
});
