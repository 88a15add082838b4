import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AuditEvent } from '../core/index.js';
import { buildAuditEvent } from './event.js';
import { createJsonLinesSink } from './json-lines-sink.js';
import { AuditQueue } from './queue.js';

function makeEvent(sequence: number): AuditEvent {
  return buildAuditEvent({
    request_id: `req-${sequence}`,
    timestampMs: Date.UTC(2026, 0, 1) + sequence,
    identity: null,
    destination: { scheme: 'http', host: 'example.com', port: 80, method: 'GET', path: '/a"b\n' },
    decision: 'deny',
    policy_id: 'default-deny',
    bundle_version: 1,
    reason: 'no policy matched',
    latency_ms: 0.25,
    bytes_in: 0,
    bytes_out: 0,
    status: null,
    gateway_id: 'gw-1',
  });
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1_000; turn += 1) {
    if (condition()) return;
    await nextTurn();
  }
  throw new Error('condition still false after 1000 event-loop turns');
}

/** A stream that keeps each chunk and holds the write callback until `release()`. */
class SlowStream extends Writable {
  readonly chunks: string[] = [];
  #pending: (() => void) | null = null;
  constructor() {
    super({ highWaterMark: 1, decodeStrings: false });
  }
  override _write(chunk: string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    this.#pending = () => callback();
  }
  release(): void {
    this.#pending?.();
    this.#pending = null;
  }
}

void test('a batch is one write call of one valid JSON document per line', async () => {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const sink = createJsonLinesSink(stream);
  const events = [makeEvent(0), makeEvent(1), makeEvent(2)];
  await sink.write(events);
  await nextTurn();
  assert.equal(chunks.length, 1);
  const lines = (chunks[0] ?? '').split('\n');
  assert.equal(lines.pop(), '', 'the last line ends with a newline');
  assert.deepEqual(
    lines.map((line) => JSON.parse(line) as unknown),
    events,
  );
  assert.equal(sink.name, 'stdout');
});

void test('a write over the high-water mark resolves only after drain', async () => {
  const stream = new SlowStream();
  const sink = createJsonLinesSink(stream, 'slow');
  const writing = sink.write([makeEvent(0)]);
  assert.ok(writing instanceof Promise);
  let settled = false;
  void writing.then(() => {
    settled = true;
  });
  await nextTurn();
  assert.equal(settled, false);
  stream.release();
  await writing;
  assert.equal(settled, true);
  assert.equal(stream.chunks.length, 1);
});

void test('a stream that fails while draining fails the write with the sink name', async () => {
  const stream = new SlowStream();
  const sink = createJsonLinesSink(stream, 'slow');
  const writing = sink.write([makeEvent(0)]);
  stream.destroy(new Error('EPIPE'));
  await assert.rejects(Promise.resolve(writing), { message: 'audit sink `slow`: stream failed while draining' });
});

void test('a stream that has ended is refused so the queue retries later', () => {
  const stream = new PassThrough();
  stream.end();
  const sink = createJsonLinesSink(stream, 'gone');
  assert.throws(() => sink.write([makeEvent(0)]), { message: 'audit sink `gone`: stream is not writable' });
});

void test('through the queue, a slow stream gets every event once, in order, one write per batch', async () => {
  const stream = new SlowStream();
  const queue = new AuditQueue({ sinks: [createJsonLinesSink(stream)], capacity: 100, batchSize: 500 });
  for (let i = 0; i < 3; i += 1) queue.enqueue(makeEvent(i));
  await nextTurn();
  for (let i = 3; i < 5; i += 1) queue.enqueue(makeEvent(i));
  await nextTurn();
  assert.equal(stream.chunks.length, 1, 'the second batch waits for drain');
  stream.release();
  await waitUntil(() => stream.chunks.length === 2);
  stream.release();
  await queue.flush();
  const ids = stream.chunks.map((chunk) =>
    chunk
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as AuditEvent).request_id),
  );
  assert.deepEqual(ids, [
    ['req-0', 'req-1', 'req-2'],
    ['req-3', 'req-4'],
  ]);
  await queue.close();
});
