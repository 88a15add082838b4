import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../../test/helpers/wait.js';
import type { AuditRecord } from '../core/index.js';
import { AuditQueue } from './queue.js';
import type { AuditSink } from './sink.js';

const record = (index: number): AuditRecord => ({ request_id: `req-${index}` }) as unknown as AuditRecord;

/** Records each batch's ids; fails its first `failures` writes. */
function recordingSink(lingerMs: number, failures = 0): AuditSink & { batches: string[][]; attempts: number } {
  const sink = {
    name: 'memory',
    lingerMs,
    batches: [] as string[][],
    attempts: 0,
    write(batch: readonly AuditRecord[]): void {
      sink.attempts += 1;
      if (sink.attempts <= failures) throw new Error('disk full');
      sink.batches.push(batch.map((r) => (r as unknown as { request_id: string }).request_id));
    },
  };
  return sink;
}

/** Polls every 5 ms until the sink has written `count` batches. */
const batchesWritten = (sink: { batches: unknown[] }, count: number, timeoutMs = 2_000): Promise<number> =>
  eventually(`${count} batches written`, () => Promise.resolve(sink.batches.length === count), timeoutMs, 5);

// Real timers with a linger far longer than the test's own waits: what is written within
// 50 ms was not held by the linger, and what is not, was.
describe('a sink with a linger (200 ms, batches of 3)', () => {
  test('the first event goes at once; what arrives during the linger leaves together after it', async () => {
    const sink = recordingSink(200);
    const queue = new AuditQueue({ sinks: [sink], capacity: 100, batchSize: 3 });
    queue.enqueue(record(0));
    await batchesWritten(sink, 1);
    queue.enqueue(record(1));
    queue.enqueue(record(2));
    await sleep(50);
    assert.deepEqual(sink.batches, [['req-0']], 'held for the linger');
    await batchesWritten(sink, 2);
    assert.deepEqual(sink.batches, [['req-0'], ['req-1', 'req-2']]);
  });

  test('a full batch is followed by no pause: the rest leaves in the next turn', async () => {
    const sink = recordingSink(200);
    const queue = new AuditQueue({ sinks: [sink], capacity: 100, batchSize: 3 });
    for (let i = 0; i < 7; i += 1) queue.enqueue(record(i));
    await sleep(50);
    assert.deepEqual(sink.batches, [['req-0', 'req-1', 'req-2'], ['req-3', 'req-4', 'req-5'], ['req-6']]);
    // The short batch that ended it starts a linger.
    queue.enqueue(record(7));
    await sleep(50);
    assert.equal(sink.batches.length, 3);
    await batchesWritten(sink, 4);
    assert.deepEqual(sink.batches[3], ['req-7']);
  });

  test('events count as written when the write ends, not when the linger does', async () => {
    const written: number[] = [];
    const sink = recordingSink(60_000);
    const queue = new AuditQueue({ sinks: [sink], capacity: 100, batchSize: 3, onWritten: (_name, count) => written.push(count) });
    queue.enqueue(record(0));
    await batchesWritten(sink, 1);
    assert.deepEqual(written, [1]);
  });

  test('neither flush nor close waits out the linger', async () => {
    const sink = recordingSink(60_000);
    const queue = new AuditQueue({ sinks: [sink], capacity: 100, batchSize: 3 });
    queue.enqueue(record(0));
    await batchesWritten(sink, 1);
    queue.enqueue(record(1));
    const started = Date.now();
    await queue.flush(10_000);
    assert.ok(Date.now() - started < 1_000, 'flushed without the 60 s linger');
    assert.deepEqual(sink.batches, [['req-0'], ['req-1']]);
    // Lingering again after that short write: close does not wait for it either.
    const closing = Date.now();
    assert.deepEqual(await queue.close(), []);
    assert.ok(Date.now() - closing < 1_000);
    assert.equal(queue.enqueue(record(2)), false);
  });

  test('a failed write is retried after the retry delay, not the linger', async () => {
    const sink = recordingSink(60_000, 1);
    const queue = new AuditQueue({ sinks: [sink], capacity: 100, batchSize: 3, retryDelayMs: 20 });
    queue.enqueue(record(0));
    await batchesWritten(sink, 1, 1_000);
    assert.deepEqual(sink.batches, [['req-0']]);
    assert.equal(sink.attempts, 2);
    await queue.close();
  });

  test('the queue refuses a linger that is negative or not a number', () => {
    for (const lingerMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => new AuditQueue({ sinks: [recordingSink(lingerMs)], capacity: 1, batchSize: 1 }), /lingerMs/);
    }
  });
});
