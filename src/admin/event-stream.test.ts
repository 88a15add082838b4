import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it, mock } from 'node:test';
import { EventStream } from './event-stream.js';

/** A reader that takes bytes only when told to, so a test decides when it is "slow". */
function slowReader(highWaterMark: number) {
  const received: string[] = [];
  const held: (() => void)[] = [];
  const output = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      received.push(chunk.toString());
      held.push(callback);
    },
  });
  const drainAll = async (): Promise<void> => {
    while (held.length > 0) {
      held.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { output, received, drainAll };
}

const frames = (received: readonly string[]) => received.join('').split('\n\n').filter((f) => f !== '');

describe('event stream', () => {
  it('opens with a comment and sends each event as one data frame', async () => {
    const reader = slowReader(1 << 20);
    const stream = new EventStream({ output: reader.output as never, heartbeatMs: 60_000, maxBufferedBytes: 1 << 20 });
    stream.send({ request_id: 'r1' });
    stream.send({ request_id: 'r2' });
    await reader.drainAll();
    stream.close({ endOutput: true });
    assert.deepEqual(frames(reader.received), [': stream open', 'data: {"request_id":"r1"}', 'data: {"request_id":"r2"}']);
  });

  it('drops events while the reader is behind and then says how many it missed', async () => {
    const reader = slowReader(16);
    const stream = new EventStream({ output: reader.output as never, heartbeatMs: 60_000, maxBufferedBytes: 40 });
    for (let i = 0; i < 10; i++) stream.send({ n: i });
    // ": stream open" and two 15-byte frames take 45 bytes, past 40: the other eight are dropped.
    assert.equal(stream.missed, 8);
    await reader.drainAll();
    stream.send({ n: 10 });
    await reader.drainAll();
    stream.close({ endOutput: true });
    assert.deepEqual(frames(reader.received), [
      ': stream open',
      'data: {"n":0}',
      'data: {"n":1}',
      'event: missed\ndata: {"missed":8}',
      'data: {"n":10}',
    ]);
  });

  it('sends a heartbeat comment at its interval', async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const reader = slowReader(1 << 20);
      const stream = new EventStream({ output: reader.output as never, heartbeatMs: 15_000, maxBufferedBytes: 1 << 20 });
      mock.timers.tick(30_000);
      stream.close({ endOutput: false });
      mock.timers.tick(15_000);
      await reader.drainAll();
      assert.deepEqual(frames(reader.received), [': stream open', ': heartbeat', ': heartbeat']);
    } finally {
      mock.timers.reset();
    }
  });

  it('sends nothing once closed', async () => {
    const reader = slowReader(1 << 20);
    const stream = new EventStream({ output: reader.output as never, heartbeatMs: 60_000, maxBufferedBytes: 1 << 20 });
    stream.close({ endOutput: false });
    stream.send({ n: 1 });
    await reader.drainAll();
    assert.equal(stream.closed, true);
    assert.deepEqual(frames(reader.received), [': stream open']);
  });
});
