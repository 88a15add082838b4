import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AuditEvent } from '../core/index.js';
import { buildAuditEvent } from './event.js';
import { AuditQueue, type AuditDropReason } from './queue.js';
import type { AuditSink } from './sink.js';

function makeEvent(sequence: number): AuditEvent {
  return buildAuditEvent({
    request_id: `req-${sequence}`,
    timestampMs: Date.UTC(2026, 0, 1) + sequence,
    identity: null,
    destination: { scheme: 'https', host: 'api.example.com', port: 443, method: 'GET', path: '/v1' },
    decision: 'allow',
    policy_id: 'p-1',
    bundle_version: 7,
    reason: 'allowed by policy `p-1`',
    latency_ms: 1.5,
    bytes_in: 10,
    bytes_out: 20,
    status: 200,
    gateway_id: 'gw-1',
  });
}

function ids(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `req-${from + index}`);
}

/** Records every batch; `failures` writes fail first (alternately by throwing and rejecting). */
class RecordingSink implements AuditSink {
  readonly batches: string[][] = [];
  attempts = 0;
  constructor(
    readonly name = 'memory',
    private failures = 0,
  ) {}
  write(batch: readonly AuditEvent[]): void | Promise<void> {
    this.attempts += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      if (this.failures % 2 === 0) throw new Error('sink down');
      return Promise.reject(new Error('sink down'));
    }
    this.batches.push(batch.map((event) => event.request_id));
  }
  get received(): string[] {
    return this.batches.flat();
  }
}

/** A sink whose writes stay pending until the test says otherwise. */
class StuckSink implements AuditSink {
  readonly batches: string[][] = [];
  #releases: (() => void)[] = [];
  constructor(readonly name = 'stuck') {}
  write(batch: readonly AuditEvent[]): Promise<void> {
    this.batches.push(batch.map((event) => event.request_id));
    return new Promise<void>((resolve) => this.#releases.push(resolve));
  }
  releaseAll(): void {
    for (const release of this.#releases.splice(0)) release();
  }
}

function dropCounter(): { drops: Map<string, number>; onDrop: (sink: string, reason: AuditDropReason, count: number) => void } {
  const drops = new Map<string, number>();
  const onDrop = (sink: string, reason: AuditDropReason, count: number): void => {
    const key = `${sink}:${reason}`;
    drops.set(key, (drops.get(key) ?? 0) + count);
  };
  return { drops, onDrop };
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000; turn += 1) {
    if (condition()) return;
    await nextTurn();
  }
  throw new Error('condition still false after 10000 event-loop turns');
}

void test('10,000 events reach a memory sink exactly once and in order', async () => {
  const sink = new RecordingSink();
  const { drops, onDrop } = dropCounter();
  const queue = new AuditQueue({ sinks: [sink], capacity: 10_000, batchSize: 500, onDrop });
  for (let chunk = 0; chunk < 10; chunk += 1) {
    for (let i = 0; i < 1_000; i += 1) assert.equal(queue.enqueue(makeEvent(chunk * 1_000 + i)), true);
    await nextTurn();
  }
  await queue.flush();
  assert.deepEqual(sink.received, ids(0, 10_000));
  assert.equal(Math.max(...sink.batches.map((batch) => batch.length)), 500);
  assert.equal(drops.size, 0);
  assert.equal(queue.depth(), 0);
  await queue.close();
});

void test('events queued during one event-loop turn leave in one write', async () => {
  const sink = new RecordingSink();
  const queue = new AuditQueue({ sinks: [sink], capacity: 100, batchSize: 500 });
  for (let i = 0; i < 5; i += 1) queue.enqueue(makeEvent(i));
  assert.equal(sink.attempts, 0, 'nothing is written on the enqueue call itself');
  await queue.flush();
  assert.deepEqual(sink.batches, [ids(0, 5)]);
  await queue.close();
});

void test('a batch never holds more than batchSize events', async () => {
  const sink = new RecordingSink();
  const queue = new AuditQueue({ sinks: [sink], capacity: 100, batchSize: 2 });
  for (let i = 0; i < 5; i += 1) queue.enqueue(makeEvent(i));
  await queue.flush();
  assert.deepEqual(sink.batches, [ids(0, 2), ids(2, 2), ids(4, 1)]);
  await queue.close();
});

void test('a sink that never finishes fills its ring and every later event is dropped and counted', async () => {
  const sink = new StuckSink();
  const { drops, onDrop } = dropCounter();
  const queue = new AuditQueue({ sinks: [sink], capacity: 10, batchSize: 500, onDrop });
  const accepted = Array.from({ length: 25 }, (_, i) => queue.enqueue(makeEvent(i)));
  assert.deepEqual(accepted, [...Array<boolean>(10).fill(true), ...Array<boolean>(15).fill(false)]);
  await waitUntil(() => sink.batches.length === 1);
  for (let i = 25; i < 30; i += 1) assert.equal(queue.enqueue(makeEvent(i)), false);
  assert.deepEqual(sink.batches, [ids(0, 10)]);
  assert.equal(drops.get('stuck:queue_full'), 20);
  assert.equal(queue.depth(), 10);
  assert.equal(queue.depth('stuck'), 10);
  await queue.close(0);
  assert.equal(drops.get('stuck:closed'), 10, 'close counts what was never written');
});

void test('a failing sink gets the same batch again and ends with no loss and no duplicate', async () => {
  const sink = new RecordingSink('flaky', 2);
  const errors: string[] = [];
  const written: number[] = [];
  const queue = new AuditQueue({
    sinks: [sink],
    capacity: 100,
    batchSize: 500,
    retryDelayMs: 0,
    onSinkError: (name, error) => errors.push(`${name}: ${(error as Error).message}`),
    onWritten: (_name, count) => written.push(count),
  });
  for (let i = 0; i < 3; i += 1) queue.enqueue(makeEvent(i));
  await waitUntil(() => sink.attempts === 1);
  for (let i = 3; i < 5; i += 1) queue.enqueue(makeEvent(i));
  await queue.flush();
  assert.deepEqual(sink.batches, [ids(0, 3), ids(3, 2)], 'the retried batch is the failed one, unchanged');
  assert.equal(sink.attempts, 4);
  assert.deepEqual(errors, ['flaky: sink down', 'flaky: sink down']);
  assert.deepEqual(written, [3, 2]);
  await queue.close();
});

void test('one failing sink neither delays nor drops events for another sink', async () => {
  const broken: AuditSink = {
    name: 'broken',
    write: () => Promise.reject(new Error('unreachable')),
  };
  const healthy = new RecordingSink('healthy');
  const { drops, onDrop } = dropCounter();
  const queue = new AuditQueue({ sinks: [broken, healthy], capacity: 5, batchSize: 500, retryDelayMs: 60_000, onDrop });
  for (let i = 0; i < 5; i += 1) assert.equal(queue.enqueue(makeEvent(i)), true);
  await waitUntil(() => queue.depth('healthy') === 0);
  for (let i = 5; i < 10; i += 1) assert.equal(queue.enqueue(makeEvent(i)), false, 'the broken sink drops it');
  await waitUntil(() => queue.depth('healthy') === 0);
  assert.deepEqual(healthy.received, ids(0, 10));
  assert.equal(drops.get('broken:queue_full'), 5);
  assert.equal(drops.get('healthy:queue_full'), undefined);
  assert.equal(queue.depth('broken'), 5);
  assert.equal(queue.depth(), 5);
  await queue.close(0);
});

void test('flush waits until the sink has finished writing what was enqueued before it', async () => {
  const sink = new StuckSink();
  const queue = new AuditQueue({ sinks: [sink], capacity: 100, batchSize: 500 });
  for (let i = 0; i < 3; i += 1) queue.enqueue(makeEvent(i));
  let flushed = false;
  const flushing = queue.flush().then(() => {
    flushed = true;
  });
  await waitUntil(() => sink.batches.length === 1);
  await nextTurn();
  assert.equal(flushed, false);
  sink.releaseAll();
  await flushing;
  assert.equal(flushed, true);
  assert.deepEqual(sink.batches, [ids(0, 3)]);
  await queue.close();
});

void test('flush gives up after its timeout when a sink never finishes', async () => {
  const queue = new AuditQueue({ sinks: [new StuckSink()], capacity: 10, batchSize: 10 });
  queue.enqueue(makeEvent(0));
  await queue.flush(5);
  assert.equal(queue.depth(), 1);
  await queue.close(0);
});

void test('an event enqueued after close is refused and counted as closed', async () => {
  const { drops, onDrop } = dropCounter();
  const queue = new AuditQueue({ sinks: [new RecordingSink()], capacity: 10, batchSize: 10, onDrop });
  await queue.close();
  assert.equal(queue.enqueue(makeEvent(0)), false);
  assert.equal(drops.get('memory:closed'), 1);
});

void test('enqueue does not throw when the drop callback throws', async () => {
  const queue = new AuditQueue({
    sinks: [new StuckSink()],
    capacity: 1,
    batchSize: 1,
    onDrop: () => {
      throw new Error('metrics broke');
    },
  });
  queue.enqueue(makeEvent(0));
  assert.equal(queue.enqueue(makeEvent(1)), false);
  await queue.close(0);
});

void test('the queue refuses two sinks with the same name and a capacity below one', () => {
  const sink = new RecordingSink('stdout');
  assert.throws(() => new AuditQueue({ sinks: [sink, sink], capacity: 1, batchSize: 1 }), {
    message: 'audit queue: sink name `stdout` is used twice',
  });
  assert.throws(() => new AuditQueue({ sinks: [sink], capacity: 0, batchSize: 1 }), {
    message: 'audit queue: capacity: `0` is not a positive integer',
  });
});
