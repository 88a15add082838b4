import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, type AuditEvent, type AuditRecord } from '../core/index.js';
import { createCheckpointSigner } from './checkpoint-signature.js';
import { planPrune, signPruneRecord } from './prune.js';
import { entries, makeEvent, newChain, PUBLIC_KEYS, TEST_KEYS, verify } from './chain-harness.test.js';

const JAN = Date.UTC(2026, 0, 15);
const FEB_1 = Date.UTC(2026, 1, 1);
const FEB = Date.UTC(2026, 1, 10);

/** Records stamped with their own time, as the stores partition them. */
function stampOf(record: AuditRecord): number {
  return Date.parse((record as AuditEvent).timestamp);
}

/**
 * Segment 1 starts in January; two events of January and February interleave (a slow worker
 * sealed a January request after a February one); segment 2 starts in February after a clean restart.
 */
function twoMonthLog(): AuditRecord[] {
  const clock = new ManualClock(JAN);
  const first = newChain({ every: 3, clock });
  const records: AuditRecord[] = [];
  for (const [id, at] of [['j1', JAN], ['j2', JAN], ['j3', JAN], ['f1', FEB], ['j4', JAN + 1], ['f2', FEB]] as const) {
    clock.advance(at - clock.now() > 0 ? at - clock.now() : 0);
    records.push(...first.seal(makeEvent(id, { timestampMs: at })));
  }
  records.push(...first.checkpoint('shutdown'));
  const second = newChain({ every: 100, clock, restored: first.state({ clean: true, lost: [] }), segments: ['s2'] });
  records.push(...second.open('gw-1'), ...second.seal(makeEvent('f3', { timestampMs: FEB })), ...second.checkpoint('shutdown'));
  return records;
}

void test('a prune plan verifies the log and lists the runs that dropped records leave behind', async () => {
  const plan = await planPrune(entries(twoMonthLog()), { publicKeys: PUBLIC_KEYS, beforeMs: FEB_1 });
  assert.equal(plan.report.ok, true, plan.report.broken?.message);
  assert.deepEqual(plan.runs.map((run) => [run.segment, run.from_hash === null ? 'start' : 'kept', run.events, run.count]), [
    ['s1', 'start', 3, 3],
    ['s1', 'kept', 1, 5],
  ]);
});

void test('after the prune, the kept records and the signed prune record verify, with the pruned events counted', async () => {
  const log = twoMonthLog();
  const plan = await planPrune(entries(log), { publicKeys: PUBLIC_KEYS, beforeMs: FEB_1 });
  const kept = log.filter((record) => stampOf(record) >= FEB_1);
  const prune = signPruneRecord({
    signer: createCheckpointSigner(TEST_KEYS.privateKey),
    clock: new ManualClock(FEB),
    prune: { before: new Date(FEB_1).toISOString(), partitions: ['audit_events_y2026m01'], events: 4, runs: plan.runs },
  });
  const report = await verify([prune, ...kept], { sink: 'store' });
  assert.equal(report.broken, null);
  assert.deepEqual({ ok: report.ok, events: report.events, pruned: report.gaps.pruned }, { ok: true, events: 3, pruned: 4 });
  const withoutPrune = await verify(kept, { sink: 'store' });
  assert.equal(withoutPrune.ok, false, 'dropped records without a prune record are a deletion');
  const deleted = kept.filter((record) => (record as AuditEvent).request_id !== 'f1');
  assert.equal((await verify([prune, ...deleted], { sink: 'store' })).broken?.kind, 'deleted', 'a prune record excuses only what it names');
});

void test('a prune plan of a broken log says where it is broken', async () => {
  const log = twoMonthLog().filter((record) => (record as AuditEvent).request_id !== 'j2');
  const plan = await planPrune(entries(log), { publicKeys: PUBLIC_KEYS, beforeMs: FEB_1 });
  assert.deepEqual([plan.report.ok, plan.report.broken?.kind, plan.report.broken?.request_id], [false, 'deleted', 'j3']);
});
