import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AuditCheckpoint, AuditRecord } from '../core/index.js';
import type { AuditChainState } from './chain.js';
import { ChainedAuditQueue } from './chained-queue.js';
import { isCheckpoint } from './records.js';
import type { AuditSink } from './sink.js';
import { makeEvent, newChain, verify } from './chain-harness.test.js';

/** Keeps what it is given, like a store that outlives the process; `hold()` makes writes hang until `release()`. */
class MemorySink implements AuditSink {
  readonly records: AuditRecord[] = [];
  #held: (() => void)[] = [];
  #holding = false;
  constructor(readonly name: string) {}
  write(batch: readonly AuditRecord[]): void | Promise<void> {
    if (!this.#holding) {
      this.records.push(...batch);
      return;
    }
    return new Promise<void>((resolve) => this.#held.push(() => (this.records.push(...batch), resolve())));
  }
  hold(): void {
    this.#holding = true;
  }
  release(): void {
    this.#holding = false;
    for (const finish of this.#held.splice(0)) finish();
  }
  /** A new process's sink writing into the same storage. */
  reopened(): MemorySink {
    const sink = new MemorySink(this.name);
    sink.records.push(...this.records);
    return sink;
  }
}

function openQueue(options: { sinks: AuditSink[]; restored?: AuditChainState | null; saved?: AuditChainState[]; capacity?: number; segments?: string[] }): ChainedAuditQueue {
  return new ChainedAuditQueue({
    sinks: options.sinks,
    capacity: options.capacity ?? 100,
    batchSize: 50,
    chain: newChain({ every: 4, restored: options.restored ?? null, ...(options.segments ? { segments: options.segments } : {}) }),
    gatewayIds: ['gw-1'],
    checkpointIntervalMs: 60_000,
    saveState: async (state) => void options.saved?.push(state),
  });
}

function enqueue(queue: ChainedAuditQueue, prefix: string, count: number): void {
  for (let i = 1; i <= count; i += 1) queue.enqueue(makeEvent(`${prefix}${i}`));
}

void test('a sink that drops events gets a signed gap in its stream: drops are counted, not deletions', async () => {
  const store = new MemorySink('store');
  const stdout = new MemorySink('stdout');
  const dropped: number[] = [];
  const queue = new ChainedAuditQueue({
    sinks: [store, stdout], capacity: 5, batchSize: 50, chain: newChain({ every: 1000 }), gatewayIds: ['gw-1'],
    checkpointIntervalMs: 60_000, onDrop: (sink, _reason, count) => sink === 'store' && dropped.push(count),
  });
  await queue.flush();
  store.hold();
  // Four per event-loop turn: stdout drains every turn and never fills; the held store does.
  for (const prefix of ['a', 'b', 'c']) {
    enqueue(queue, prefix, 4);
    await nextTurn();
  }
  store.release();
  await queue.flush();
  enqueue(queue, 'd', 3);
  await queue.close();
  const drops = dropped.reduce((a, b) => a + b, 0);
  assert.ok(drops > 0, 'the held store dropped events');
  const gaps = store.records.filter((r) => isCheckpoint(r) && r.kind === 'gap') as AuditCheckpoint[];
  assert.deepEqual(gaps.map((g) => [g.gap?.sink, g.gap?.reason, g.gap?.run.events]), [['store', 'queue_full', drops]]);
  const report = await verify(store.records, { sink: 'store' });
  assert.deepEqual({ ok: report.ok, events: report.events, gaps: report.gaps }, {
    ok: true, events: 15 - drops, gaps: { dropped: drops, lost_at_shutdown: 0, pruned: 0 },
  });
  assert.equal(stdout.records.some((r) => isCheckpoint(r) && r.kind === 'gap'), false, 'a gap goes only to its sink');
  assert.deepEqual({ ok: (await verify(stdout.records, { sink: 'stdout' })).ok, events: (await verify(stdout.records)).events }, { ok: true, events: 15 });
  const withoutGap = store.records.filter((r) => !(isCheckpoint(r) && r.kind === 'gap'));
  assert.equal((await verify(withoutGap, { sink: 'store' })).broken?.kind, 'deleted');
  assert.equal((await verify(store.records, { sink: 'stdout' })).ok, false, "another sink's gap excuses nothing");
});

void test('a clean restart continues the chain in a new, linked segment', async () => {
  const store = new MemorySink('store');
  const saved: AuditChainState[] = [];
  const first = openQueue({ sinks: [store], saved });
  enqueue(first, 'a', 6);
  await first.close();
  const reopened = store.reopened();
  const second = openQueue({ sinks: [reopened], restored: saved.at(-1) ?? null, segments: ['s2'] });
  enqueue(second, 'b', 3);
  await second.close();
  const starts = reopened.records.filter((r) => isCheckpoint(r) && r.kind === 'start') as AuditCheckpoint[];
  assert.deepEqual(starts.map((s) => [s.head?.segment, s.previous?.segment, s.previous?.count, s.previous?.clean]), [
    ['s1', undefined, undefined, undefined],
    ['s2', 's1', 6, true],
  ]);
  const report = await verify(reopened.records);
  assert.deepEqual({ ok: report.ok, events: report.events, segments: report.segments, notices: report.notices }, { ok: true, events: 9, segments: 2, notices: [] });
  const cut = reopened.records.filter((r) => (r as { request_id?: string }).request_id !== 'a6' && !(isCheckpoint(r) && r.kind === 'shutdown' && r.head?.segment === 's1'));
  const broken = await verify(cut);
  assert.deepEqual([broken.broken?.kind, broken.broken?.request_id], ['deleted', 'a5']);
  assert.match(broken.broken?.message ?? '', /segment `s1` stops here at count 5, but the start of segment `s2` \(position \d+\) says it ended cleanly at count 6/);
});

void test('events still queued at shutdown are vouched for as lost by the next start', async () => {
  const store = new MemorySink('store');
  const saved: AuditChainState[] = [];
  const first = openQueue({ sinks: [store], saved });
  enqueue(first, 'a', 2);
  await first.flush();
  store.hold();
  enqueue(first, 'b', 3);
  await first.close(0);
  assert.deepEqual(saved.at(-1)?.gateways['gw-1']?.lost.map((gap) => [gap.sink, gap.reason, gap.run.events]), [['store', 'closed', 3]]);
  const reopened = new MemorySink('store');
  reopened.records.push(...store.records);
  const second = openQueue({ sinks: [reopened], restored: saved.at(-1) ?? null, segments: ['s2'] });
  enqueue(second, 'c', 1);
  await second.close();
  const report = await verify(reopened.records, { sink: 'store' });
  assert.deepEqual({ ok: report.ok, events: report.events, gaps: report.gaps }, {
    ok: true, events: 3, gaps: { dropped: 0, lost_at_shutdown: 3, pruned: 0 },
  });
});

void test('a crash is an unclean stop: noted, not reported as tampering', async () => {
  const store = new MemorySink('store');
  const saved: AuditChainState[] = [];
  const crashed = openQueue({ sinks: [store], saved });
  enqueue(crashed, 'a', 5);
  await crashed.flush();
  // No close(): the process died. The last saved state is the periodic checkpoint at count 4.
  assert.deepEqual([saved.at(-1)?.gateways['gw-1']?.count, saved.at(-1)?.gateways['gw-1']?.clean], [4, false]);
  const reopened = store.reopened();
  const second = openQueue({ sinks: [reopened], restored: saved.at(-1) ?? null, segments: ['s2'] });
  enqueue(second, 'b', 1);
  await second.close();
  await crashed.close(0);
  const report = await verify(reopened.records);
  assert.equal(report.ok, true, report.broken?.message);
  assert.deepEqual(report.notices, ['segment `s1` of gateway `gw-1` stopped without a shutdown checkpoint (a crash or a kill)']);
});

void test('a batch that was being written at shutdown and landed after all is not counted as lost', async () => {
  const store = new MemorySink('store');
  const saved: AuditChainState[] = [];
  const first = openQueue({ sinks: [store], saved });
  await first.flush();
  store.hold();
  enqueue(first, 'a', 2);
  await nextTurn();
  enqueue(first, 'b', 2);
  await first.close(0);
  store.release();
  const lost = saved.at(-1)?.gateways['gw-1']?.lost ?? [];
  assert.deepEqual(lost.map((gap) => gap.run.events), [2, 2], 'the batch in flight is a run of its own');
  const reopened = store.reopened();
  const second = openQueue({ sinks: [reopened], restored: saved.at(-1) ?? null, segments: ['s2'] });
  await second.close();
  const report = await verify(reopened.records, { sink: 'store' });
  assert.deepEqual({ ok: report.ok, events: report.events, gaps: report.gaps }, {
    ok: true, events: 2, gaps: { dropped: 0, lost_at_shutdown: 2, pruned: 0 },
  });
});
