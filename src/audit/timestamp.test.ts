// formatTimestamp against Date#toISOString itself, including where its cache of the current
// second must not be used (a new second, going back in time, times outside the fixed form).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTimestamp } from './timestamp.js';

function same(ms: number): void {
  assert.equal(formatTimestamp(ms), new Date(ms).toISOString(), `at ${ms}`);
}

void test('every millisecond across second, minute, day and year boundaries', () => {
  for (const edge of [Date.UTC(2026, 11, 31, 23, 59, 59), Date.UTC(2027, 0, 1), Date.UTC(2028, 1, 29, 12), 0, 1_000]) {
    for (let ms = edge - 1_500; ms <= edge + 1_500; ms++) if (ms >= 0) same(ms);
  }
});

void test('times in any order, so the kept second is replaced and never reused for another', () => {
  let state = 12345;
  const next = (): number => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state;
  };
  const now = Date.UTC(2026, 11, 7, 14, 0, 0);
  for (let i = 0; i < 20_000; i++) {
    same(now + (next() % 5_000) - 2_500); // back and forth over a few seconds
    same((next() * 59_000) % 253_402_300_799_999); // anywhere from 1970 to 9999
  }
});

void test('fractional times are cut toward zero, as Date does', () => {
  same(1_765_000_000_123.9);
  assert.equal(formatTimestamp(1_765_000_000_123.9), formatTimestamp(1_765_000_000_123));
  same(-0.5);
});

void test('times before 1970 and from the year 10000 on are written as toISOString writes them', () => {
  for (const ms of [-1, -1_000, -62_198_755_200_000, 253_402_300_799_999, 253_402_300_800_000, 8.64e15, -8.64e15]) same(ms);
});

void test('a time past what Date can hold throws its RangeError', () => {
  assert.throws(() => formatTimestamp(8.64e15 + 1), RangeError);
});
