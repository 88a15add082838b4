import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fifo } from './fifo.js';
import { percentile, summarize } from './percentiles.js';

test('nearest-rank percentiles of 1..100 are the values themselves', () => {
  const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 99), 99);
  assert.equal(percentile(sorted, 99.9), 100);
  assert.equal(percentile(sorted, 0), 1);
});

test('summarize reads only the first count values and sorts them', () => {
  const values = new Float64Array([5, 1, 3, 99, 99]);
  assert.deepEqual(summarize(values, 3), { count: 3, p50: 3, p90: 5, p99: 5, p999: 5, max: 5, mean: 3 });
});

test('an empty summary has no percentiles', () => {
  assert.deepEqual(summarize(new Float64Array(4), 0), { count: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null });
});

test('the fifo keeps order while it grows and wraps', () => {
  const fifo = new Fifo<number>(2);
  const out: number[] = [];
  for (let i = 0; i < 10; i++) {
    fifo.push(i);
    if (i % 3 === 0) out.push(fifo.shift() as number);
  }
  while (fifo.size > 0) out.push(fifo.shift() as number);
  assert.deepEqual(out, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(fifo.shift(), undefined);
});
