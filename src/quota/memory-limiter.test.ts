import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/index.js';
import { MemoryLimiter } from './memory-limiter.js';
import { SlidingLog } from './sliding-log.js';

/** The property the issue asks for: in any window of `windowMs`, at most `limit` admissions. */
function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] as number) - (times[j] as number) >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('MemoryLimiter', () => {
  it('admits exactly rps_limit of a simultaneous burst and refuses the rest', () => {
    const limiter = new MemoryLimiter({ clock: new ManualClock() });
    const verdicts = Array.from({ length: 200 }, () => limiter.take('a', { rps: 10, rpm: 1000 }));
    assert.equal(verdicts.filter((v) => v.kind === 'within').length, 10);
    assert.deepEqual(verdicts[10], { kind: 'exceeded', limit: 'rps_limit', retryAfterSeconds: 1 });
  });

  it('never admits more than the limit in any window, at a window edge included (random arrivals)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const clock = new ManualClock();
      const limiter = new MemoryLimiter({ clock });
      const random = seededRandom(seed);
      const admitted: number[] = [];
      for (let i = 0; i < 5_000; i++) {
        clock.advance(Math.floor(random() * 60)); // bursts (0 ms gaps) and pauses
        if (limiter.take('a', { rps: 7, rpm: 100 }).kind === 'within') admitted.push(clock.monotonic());
      }
      assert.ok(maxInAnyWindow(admitted, 1_000) <= 7, `seed ${seed}: rps window`);
      assert.ok(maxInAnyWindow(admitted, 60_000) <= 100, `seed ${seed}: rpm window`);
      assert.equal(maxInAnyWindow(admitted, 60_000), 100, `seed ${seed}: the rpm limit is reached, not just respected`);
    }
  });

  it('does not let 2x through across a window boundary (the fixed-window flaw)', () => {
    const clock = new ManualClock();
    const limiter = new MemoryLimiter({ clock });
    clock.advance(990);
    for (let i = 0; i < 10; i++) assert.equal(limiter.take('a', { rps: 10, rpm: 1000 }).kind, 'within');
    clock.advance(20); // a fixed 1-second window would have reset here
    assert.equal(limiter.take('a', { rps: 10, rpm: 1000 }).kind, 'exceeded');
    clock.advance(980); // 1000 ms after the burst: its slots free up
    assert.equal(limiter.take('a', { rps: 10, rpm: 1000 }).kind, 'within');
  });

  it('checks rpm as well, and a request refused by one window uses no slot of the other', () => {
    const clock = new ManualClock();
    const limiter = new MemoryLimiter({ clock });
    let admitted = 0;
    for (let second = 0; second < 60; second++) {
      for (let i = 0; i < 10; i++) if (limiter.take('a', { rps: 10, rpm: 25 }).kind === 'within') admitted++;
      clock.advance(1_000);
    }
    assert.equal(admitted, 25, 'the minute allows 25 whatever the second allows');
    const refused = limiter.take('a', { rps: 10, rpm: 25 });
    assert.equal(refused.kind, 'within', 'the first 25 have just left the 60 s window');
  });

  it('Retry-After is the whole seconds until a slot frees', () => {
    const clock = new ManualClock();
    const limiter = new MemoryLimiter({ clock });
    for (let i = 0; i < 3; i++) limiter.take('a', { rps: 100, rpm: 3 });
    clock.advance(15_500);
    assert.deepEqual(limiter.take('a', { rps: 100, rpm: 3 }), { kind: 'exceeded', limit: 'rpm_limit', retryAfterSeconds: 45 });
  });

  it('keeps agents apart', () => {
    const limiter = new MemoryLimiter({ clock: new ManualClock() });
    for (let i = 0; i < 5; i++) limiter.take('a', { rps: 5, rpm: 100 });
    assert.equal(limiter.take('a', { rps: 5, rpm: 100 }).kind, 'exceeded');
    assert.equal(limiter.take('b', { rps: 5, rpm: 100 }).kind, 'within');
  });

  it('a lowered limit applies at once to what the window already holds', () => {
    const limiter = new MemoryLimiter({ clock: new ManualClock() });
    for (let i = 0; i < 8; i++) limiter.take('a', { rps: 10, rpm: 100 });
    assert.equal(limiter.take('a', { rps: 5, rpm: 100 }).kind, 'exceeded');
  });

  it('forgets agents idle for longer than a minute', () => {
    const clock = new ManualClock();
    const limiter = new MemoryLimiter({ clock });
    limiter.take('a', { rps: 5, rpm: 100 });
    clock.advance(121_000);
    limiter.take('b', { rps: 5, rpm: 100 });
    assert.equal(limiter.trackedAgents, 1);
  });
});

describe('MemoryLimiter leases', () => {
  it('leases at most an eighth of the headroom, none near the limit, and counts leased slots', () => {
    const clock = new ManualClock();
    const limiter = new MemoryLimiter({ clock });
    const limits = { rps: 100, rpm: 1_000 };
    assert.equal(limiter.reserve('a', limits, 64), 12, 'an eighth of 100');
    for (let i = 0; i < 80; i++) assert.equal(limiter.take('a', limits).kind, 'within');
    assert.equal(limiter.reserve('a', limits, 64), 0, '8 left: not worth a lease');
    for (let i = 0; i < 8; i++) assert.equal(limiter.take('a', limits).kind, 'within');
    assert.deepEqual(limiter.take('a', limits), { kind: 'exceeded', limit: 'rps_limit', retryAfterSeconds: 1 }, 'the 12 leased slots count');
    clock.advance(500);
    limiter.settle('a', [clock.monotonic() - 400, clock.monotonic() - 100], 10);
    for (let i = 0; i < 10; i++) assert.equal(limiter.take('a', limits).kind, 'within', 'ten slots came back');
    assert.equal(limiter.take('a', limits).kind, 'exceeded', 'the two used ones stay in the window');
    clock.advance(501);
    assert.equal(limiter.take('a', limits).kind, 'within', 'the first 88 left the window');
  });
});

describe('SlidingLog', () => {
  it('insertAll places a late-reported time in order, across the wrap-around', () => {
    const log = new SlidingLog(4);
    for (const t of [100, 200, 300]) log.push(t);
    log.expire(150, 50); // drops 100: head moves, the ring wraps on the next pushes
    for (const t of [400, 500]) log.push(t);
    log.insertAll([250]);
    log.insertAll([50]);
    log.insertAll([600]);
    const held: number[] = [];
    while (log.size > 0) {
      held.push(log.oldest());
      log.expire(log.oldest(), 0);
    }
    assert.deepEqual(held, [50, 200, 250, 300, 400, 500, 600]);
  });

  it('grows as needed and keeps order through wrap-around', () => {
    const log = new SlidingLog(2);
    for (let t = 0; t < 10; t++) log.push(t * 100);
    log.expire(1_000, 1_000); // drops t=0
    assert.equal(log.size, 9);
    assert.equal(log.oldest(), 100);
    for (let t = 10; t < 15; t++) log.push(t * 100);
    log.expire(1_450, 1_000);
    assert.equal(log.oldest(), 500);
    assert.equal(log.size, 10);
    // Ten held under a limit of three: eight must leave before one more fits; the eighth oldest is t=1200.
    assert.equal(log.blockingTime(3), 1_200);
  });

  it('insertAll holds every time admitted and not expired, in order: interleaved settles, wrap-around, growth, clamping, and times out of order', () => {
    // A small seeded generator, so a failure reproduces.
    let seed = 7;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    for (let round = 0; round < 300; round++) {
      const log = new SlidingLog(2);
      let expected: number[] = []; // the model: a plain array, sorted when compared
      let now = 0;
      for (let step = 0; step < 12; step++) {
        now += Math.floor(random() * 50);
        // Some admissions of this process, then a lease settled by a worker: its times lie
        // anywhere in the last 100 ms, ascending (or not, one time in ten), a few "from the future".
        for (let i = Math.floor(random() * 4); i > 0; i--) {
          log.push(now);
          expected.push(now);
        }
        const settled = Array.from({ length: Math.floor(random() * 20) }, () => now - 100 + Math.floor(random() * 120));
        if (random() >= 0.1) settled.sort((a, b) => a - b);
        log.insertAll(settled, now);
        expected.push(...settled.map((time) => Math.min(time, now)));
        assert.equal(log.size, expected.length);
        // Expiring moves the head, so the next inserts wrap around the ring.
        const cutoff = now - Math.floor(random() * 150);
        log.expire(cutoff, 0);
        expected = expected.filter((time) => time > cutoff);
      }
      assert.deepEqual(held(log), expected.sort((a, b) => a - b), `round ${round}`);
    }
  });

  it('insertAll of nothing changes nothing, and of times all newer than those held appends them', () => {
    const log = new SlidingLog(4);
    log.push(10);
    log.insertAll([]);
    assert.equal(log.size, 1);
    log.insertAll([20, 20, 30, 40, 50]);
    assert.deepEqual(held(log), [10, 20, 20, 30, 40, 50]);
  });
});

/** Every time held, oldest first: the i-th oldest is the one blocking a limit of size - i. */
function held(log: SlidingLog): number[] {
  return Array.from({ length: log.size }, (_, i) => log.blockingTime(log.size - i));
}
