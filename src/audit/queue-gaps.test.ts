import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AuditChainRun, AuditEvent, AuditRecord } from '../core/index.js';
import { sealEvent } from './hash.js';
import { AuditQueue } from './queue.js';
import type { AuditSink } from './sink.js';
import { makeEvent } from './chain-harness.test.js';

/** Events of `gateway` sealed one after another (real links, no signatures needed here). */
function chainOf(gateway: string, count: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  let prev = `sha256:genesis-${gateway}`;
  for (let i = 1; i <= count; i += 1) {
    const event = sealEvent(makeEvent(`${gateway}-${i}`, { gateway }), prev);
    events.push(event);
    prev = event.hash as string;
  }
  return events;
}

/** Holds every write until `release()`; keeps what it was given. */
class HeldSink implements AuditSink {
  readonly name = 'store';
  readonly written: AuditRecord[] = [];
  #pending: (() => void)[] = [];
  held = true;
  write(batch: readonly AuditRecord[]): Promise<void> | void {
    if (!this.held) return void this.written.push(...batch);
    return new Promise<void>((resolve) => this.#pending.push(() => (this.written.push(...batch), resolve())));
  }
  release(): void {
    this.held = false;
    for (const finish of this.#pending.splice(0)) finish();
  }
}

const gapMaker = (runs: AuditChainRun[]) => (sink: string, run: AuditChainRun): AuditRecord => {
  runs.push(run);
  return { record_type: 'audit_checkpoint', kind: 'gap', timestamp: 't', gateway_id: run.gateway_id, head: null, dropped: {}, gap: { sink, reason: 'queue_full', run }, schema_version: 2, key_id: 'k', signature: `gap-${runs.length}` };
};
const names = (records: readonly AuditRecord[]): string[] =>
  records.map((r) => ('record_type' in r ? `gap(${r.gap?.run.events})` : (r as AuditEvent).request_id));

void test('the next record of a gateway after drops comes right behind one gap record for the run', async () => {
  const sink = new HeldSink();
  const runs: AuditChainRun[] = [];
  const queue = new AuditQueue({ sinks: [sink], capacity: 3, batchSize: 10, makeGap: gapMaker(runs) });
  const events = chainOf('gw-a', 7);
  for (const event of events.slice(0, 5)) queue.enqueue(event);
  await nextTurn();
  sink.release();
  await queue.flush();
  for (const event of events.slice(5)) queue.enqueue(event);
  await queue.flush();
  assert.deepEqual(names(sink.written), ['gw-a-1', 'gw-a-2', 'gw-a-3', 'gap(2)', 'gw-a-6', 'gw-a-7']);
  assert.deepEqual(runs, [{ gateway_id: 'gw-a', from_hash: events[2]?.hash, to_hash: events[4]?.hash, events: 2 }]);
  await queue.close();
});

void test('a gap takes a spare slot: the first record that fits after the drops is kept, right behind it', async () => {
  const sink = new HeldSink();
  sink.held = false;
  const runs: AuditChainRun[] = [];
  const queue = new AuditQueue({ sinks: [sink], capacity: 3, batchSize: 1, makeGap: gapMaker(runs) });
  const events = chainOf('gw-a', 6);
  for (const event of events.slice(0, 4)) queue.enqueue(event);
  await nextTurn();
  assert.equal(queue.depth(), 2, 'one batch of one was written: one slot is free');
  assert.equal(queue.enqueue(events[4] as AuditEvent), true);
  assert.equal(queue.depth(), 4, 'the gap went into the spare slot');
  assert.equal(queue.enqueue(events[5] as AuditEvent), false, 'beyond the capacity nothing else is taken');
  await queue.flush();
  assert.deepEqual(names(sink.written), ['gw-a-1', 'gw-a-2', 'gw-a-3', 'gap(1)', 'gw-a-5']);
  await queue.close();
});

void test("one gateway's pending gap does not hold back another gateway's records", async () => {
  const sink = new HeldSink();
  const runs: AuditChainRun[] = [];
  const queue = new AuditQueue({ sinks: [sink], capacity: 2, batchSize: 10, makeGap: gapMaker(runs) });
  const [a, b] = [chainOf('gw-a', 3), chainOf('gw-b', 1)];
  for (const event of a) queue.enqueue(event);
  await nextTurn();
  sink.release();
  await queue.flush();
  queue.enqueue(b[0] as AuditEvent);
  await queue.flush();
  assert.deepEqual(names(sink.written), ['gw-a-1', 'gw-a-2', 'gw-b-1']);
  assert.deepEqual(runs, [], 'gw-a has no record since its drop: its gap waits');
  const lost = await queue.close();
  assert.deepEqual(lost, [{ sink: 'store', reason: 'closed', run: { gateway_id: 'gw-a', from_hash: a[1]?.hash, to_hash: a[2]?.hash, events: 1 } }]);
});

void test('without a gap maker (an unchained queue) drops are only counted', async () => {
  const sink = new HeldSink();
  let dropped = 0;
  const queue = new AuditQueue({ sinks: [sink], capacity: 2, batchSize: 10, onDrop: (_s, _r, n) => (dropped += n) });
  for (const event of chainOf('gw-a', 4)) queue.enqueue(event);
  await nextTurn();
  sink.release();
  await queue.flush();
  queue.enqueue(makeEvent('later'));
  await queue.flush();
  assert.deepEqual([names(sink.written), dropped], [['gw-a-1', 'gw-a-2', 'later'], 2]);
  assert.deepEqual(await queue.close(), []);
});

void test('a ring of one still writes events after drops: the gap uses the spare slot', async () => {
  const sink = new HeldSink();
  const runs: AuditChainRun[] = [];
  const queue = new AuditQueue({ sinks: [sink], capacity: 1, batchSize: 10, makeGap: gapMaker(runs) });
  const events = chainOf('gw-a', 5);
  for (const event of events.slice(0, 3)) queue.enqueue(event);
  await nextTurn();
  sink.release();
  await queue.flush();
  for (const event of events.slice(3)) {
    queue.enqueue(event);
    await queue.flush();
  }
  assert.deepEqual(names(sink.written), ['gw-a-1', 'gap(2)', 'gw-a-4', 'gw-a-5']);
  assert.deepEqual(runs.map((run) => [run.from_hash, run.to_hash, run.events]), [[events[0]?.hash, events[2]?.hash, 2]]);
  await queue.close();
});
