// decision-counts.js is a browser module without dependencies; node runs it as is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countByMinute, mergeEvents, totalCounts } from './decision-counts.js';

const NOW = Date.parse('2026-01-01T10:05:30.000Z');
const event = (id: string, timestamp: string, decision = 'allow') => ({ request_id: id, timestamp, decision });

describe('decision counts', () => {
  it('puts each event in its minute, oldest minute first, the current minute last', () => {
    const buckets = countByMinute(
      [
        event('a', '2026-01-01T10:05:10.000Z'),
        event('b', '2026-01-01T10:05:20.000Z', 'deny'),
        event('c', '2026-01-01T10:03:59.999Z', 'rate_limited'),
        event('d', '2026-01-01T10:01:00.000Z', 'unauthenticated'),
      ],
      { nowMs: NOW, minutes: 3 },
    );
    assert.deepEqual(buckets.map((b) => new Date(b.startMs).toISOString()), [
      '2026-01-01T10:03:00.000Z',
      '2026-01-01T10:04:00.000Z',
      '2026-01-01T10:05:00.000Z',
    ]);
    assert.deepEqual(buckets.map((b) => b.total), [1, 0, 2]);
    assert.deepEqual(buckets[2]!.counts, { allow: 1, deny: 1, rate_limited: 0, unauthenticated: 0 });
    assert.deepEqual(totalCounts(buckets), { allow: 1, deny: 1, rate_limited: 1, unauthenticated: 0 });
  });

  it('ignores events from the future and unknown decisions', () => {
    const buckets = countByMinute([event('a', '2026-01-01T10:06:00.000Z'), event('b', '2026-01-01T10:05:00.000Z', 'odd')], { nowMs: NOW, minutes: 2 });
    assert.deepEqual(buckets.map((b) => b.total), [0, 0]);
  });

  it('merges stream and history newest first, once per request_id, up to the limit', () => {
    const current = [event('b', '2026-01-01T10:00:02.000Z'), event('a', '2026-01-01T10:00:01.000Z')];
    const incoming = [event('c', '2026-01-01T10:00:03.000Z'), event('b', '2026-01-01T10:00:02.000Z')];
    assert.deepEqual(mergeEvents(current, incoming, 10).map((e) => e.request_id), ['c', 'b', 'a']);
    assert.deepEqual(mergeEvents(current, incoming, 2).map((e) => e.request_id), ['c', 'b']);
  });
});
