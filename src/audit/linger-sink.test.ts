import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditRecord } from '../core/index.js';
import { withLinger } from './linger-sink.js';

const records = (count: number): AuditRecord[] => Array.from({ length: count }, (_, i) => ({ request_id: `req-${i}` }) as unknown as AuditRecord);

// Real timers, raced: a write that skips the pause settles in microtasks, before any timer
// can fire; one that pauses for 200 ms settles after a 50 ms timer (timers fire in order).
describe('withLinger (linger 200 ms, full batch 3)', () => {
  function write(count: number): { written: () => number; settled: Promise<string> } {
    let written = 0;
    const sink = withLinger({ name: 'memory', write: (batch) => void (written += batch.length) }, 200, 3);
    const done = Promise.resolve(sink.write(records(count))).then(() => 'settled');
    return { written: () => written, settled: done };
  }

  test('a batch short of full is written at once, then the sink pauses before it takes the next', async () => {
    const { written, settled } = write(2);
    assert.equal(written(), 2);
    assert.equal(await Promise.race([settled, sleep(50).then(() => 'pausing')]), 'pausing');
    assert.equal(await settled, 'settled');
  });

  test('a full batch, or more, is followed by no pause: the next one can go at once', async () => {
    for (const count of [3, 4]) {
      const { written, settled } = write(count);
      assert.equal(await Promise.race([settled, sleep(50).then(() => 'pausing')]), 'settled', `a batch of ${count}`);
      assert.equal(written(), count);
    }
  });

  test('a failed write rejects without the pause: the lane retries on its own schedule', async () => {
    const sink = withLinger({ name: 'memory', write: () => Promise.reject(new Error('disk full')) }, 60_000, 3);
    await assert.rejects(async () => sink.write(records(1)), /disk full/);
  });
});
