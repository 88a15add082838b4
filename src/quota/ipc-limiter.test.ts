import { describe, it, mock } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/index.js';
import { IpcLimiter, LEASE_SIZE, type QuotaRequestMessage } from './ipc-limiter.js';
import { LeaseBroker } from './lease-broker.js';
import { MemoryLimiter } from './memory-limiter.js';

/** The lease life these tests run with (LEASE_MS is a second: they would wait whole lives). */
const LEASE_MS = 200;

/** Workers wired to one broker (the primary) through in-memory channels. `answer: false`
 *  drops every question; after `hold(true)` messages wait until `deliver()` answers them. */
function cluster(options: { workers?: number; answer?: boolean; clock?: ManualClock; leaseSize?: number; timeoutMs?: number } = {}) {
  const clock = options.clock ?? new ManualClock();
  const memory = new MemoryLimiter({ clock });
  const broker = new LeaseBroker({ limiter: memory, now: () => clock.monotonic() });
  const sent: QuotaRequestMessage[][] = [];
  const listeners: ((message: unknown) => void)[] = [];
  let holding = false;
  const held: (readonly [number, QuotaRequestMessage])[] = [];
  const workers = Array.from({ length: options.workers ?? 1 }, (_, index) => {
    sent[index] = [];
    listeners[index] = () => undefined;
    const limiter = new IpcLimiter({
      clock,
      timeoutMs: options.timeoutMs ?? 50,
      leaseMs: LEASE_MS,
      ...(options.leaseSize !== undefined ? { leaseSize: options.leaseSize } : {}),
      channel: {
        send: (message) => {
          sent[index]?.push(message);
          if (options.answer === false) return;
          if (holding) return void held.push([index, message]);
          const reply = broker.answer(index, message);
          queueMicrotask(() => listeners[index]?.(reply));
        },
        onMessage: (l) => (listeners[index] = l),
      },
    });
    return limiter;
  });
  /** The held messages, answered in the order they were sent (synchronously). */
  const deliver = (): void => {
    for (const [index, message] of held.splice(0)) listeners[index]?.(broker.answer(index, message));
  };
  return { clock, memory, broker, workers, sent, held, hold: (on: boolean) => void (holding = on), deliver };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A whole lease life passes with no request: the sweeper (real timers, unlike the manual
 *  clock) gives back every lease unused since its last grant. */
async function outliveIdleLeases(clock: ManualClock): Promise<void> {
  clock.advance(LEASE_MS);
  await sleep(LEASE_MS);
}

describe('IpcLimiter', () => {
  it('sends the questions of one event-loop turn in one message and routes each answer to its caller', async () => {
    const { workers, sent } = cluster({ leaseSize: 0 });
    const verdicts = await Promise.all(Array.from({ length: 12 }, () => workers[0]!.take('a', { rps: 10, rpm: 100 })));
    assert.equal(sent[0]?.length, 1);
    assert.equal(sent[0]?.[0]?.asks.length, 12);
    assert.equal(verdicts.filter((v) => v.kind === 'within').length, 10);
    assert.deepEqual(verdicts.slice(10).map((v) => v.kind), ['exceeded', 'exceeded'], 'answers come back to the callers in order');
  });

  it('answers `unavailable` when the primary does not answer in time', async () => {
    const { workers } = cluster({ answer: false });
    const verdict = await workers[0]!.take('a', { rps: 1, rpm: 1 });
    assert.deepEqual(verdict, { kind: 'unavailable', error: 'no answer from the primary process within 50 ms' });
  });

  it('far from the limits, admits from a lease without asking again', async () => {
    const { workers, sent } = cluster();
    const limits = { rps: 100_000, rpm: 6_000_000 };
    assert.equal((await workers[0]!.take('a', limits)).kind, 'within');
    const leased = workers[0]!.take('a', limits);
    assert.deepEqual(leased, { kind: 'within' }, 'synchronous: no promise, no message');
    for (let i = 0; i < LEASE_SIZE - 1; i++) assert.equal((workers[0]!.take('a', limits) as { kind: string }).kind, 'within');
    await turn();
    assert.equal(sent[0]?.length, 2, 'the first question, then the used-up lease settled');
    assert.equal(sent[0]?.[1]?.settles[0]?.[1].length, LEASE_SIZE, 'every admission time is reported');
    assert.equal(sent[0]?.[1]?.settles[0]?.[2], 0);
  });

  it('refills a lease before it runs out: a busy agent waits for the primary only once', async () => {
    const { workers } = cluster();
    const limits = { rps: 100_000, rpm: 6_000_000 };
    let waited = 0;
    for (let i = 0; i < 1_000; i++) {
      const verdict = workers[0]!.take('a', limits);
      if (verdict instanceof Promise) waited++;
      assert.equal((await verdict).kind, 'within');
      if (i % 8 === 0) await turn(); // requests arrive over many event-loop turns
    }
    assert.equal(waited, 1);
  });

  it('a lease that runs dry before its refill keeps growing: a slow primary costs a busy agent fewer and fewer asks', async () => {
    // Each turn takes a burst of 40 while the primary answers only between turns (held, then
    // delivered): the first leases run dry within the turn, and each dry spell doubles the next
    // size instead of starting again from LEASE_SIZE, until one turn's burst fits.
    const { workers, sent, hold, deliver, memory } = cluster({ leaseSize: 4 });
    const limits = { rps: 100_000, rpm: 6_000_000 };
    const asksPerTurn: number[] = [];
    let admitted = 0;
    hold(true);
    for (let round = 0; round < 6; round++) {
      const verdicts = Array.from({ length: 40 }, () => workers[0]!.take('a', limits));
      asksPerTurn.push(verdicts.filter((verdict) => verdict instanceof Promise).length);
      await turn();
      deliver();
      for (const verdict of verdicts) if ((await verdict).kind === 'within') admitted++;
    }
    assert.equal(admitted, 240);
    assert.ok(asksPerTurn[0]! > 30, `the first turn asks for nearly all: ${asksPerTurn.join(',')}`);
    assert.equal(asksPerTurn.at(-1), 0, `the last turns ask for none: ${asksPerTurn.join(',')}`);
    for (let i = 1; i < asksPerTurn.length; i++) assert.ok(asksPerTurn[i]! <= asksPerTurn[i - 1]!, `never more asks than the turn before: ${asksPerTurn.join(',')}`);
    const sizes = sent[0]!.flatMap((message) => message.leases.map(([, , , slots]) => slots));
    assert.ok(Math.max(...sizes) >= 32, `lease requests grew: ${sizes.join(',')}`);
    // Exact all along: what was admitted is what the primary counts, plus what is still leased.
    let free = 0;
    while (memory.take('a', limits).kind === 'within' && free < 100_000) free++;
    assert.ok(100_000 - free >= 240, 'every admission is counted');
  });

  it('renews a lease in use before it expires, and lets an idle one go back', async () => {
    const { workers, clock, memory } = cluster();
    const limits = { rps: 100_000, rpm: 6_000_000 };
    await workers[0]!.take('a', limits);
    // Four renewals: the admissions (at half-life steps) and the idle life after them all stay
    // inside the 1-second window counted below.
    for (let step = 0; step < 4; step++) {
      clock.advance(LEASE_MS / 2);
      assert.equal(workers[0]!.take('a', limits) instanceof Promise, false, `step ${step}: still leased`);
      await sleep(LEASE_MS); // the sweeper renews it
    }
    await outliveIdleLeases(clock);
    let free = 0;
    while (memory.take('a', limits).kind === 'within' && free < 100_000) free++;
    assert.equal(free, 100_000 - 5, 'only the 5 admissions stay counted');
  });

  it("a message's timeout does not drop a later lease request for the same agent", async () => {
    // Message 1's timer must fire while message 2's lease request is pending: later than the
    // ~50 ms + LEASE_MS before message 2 is sent, earlier than message 2's own timer.
    const timeoutMs = LEASE_MS + 100;
    const { workers, clock, hold, deliver } = cluster({ timeoutMs });
    const limiter = workers[0]!;
    const limits = { rps: 100_000, rpm: 6_000_000 };
    await limiter.take('a', limits); // message 1: answered at once, with a lease; its timer ends at timeoutMs
    await sleep(50);
    await outliveIdleLeases(clock);
    hold(true);
    const asked = limiter.take('a', limits); // message 2 (at ~50 ms + LEASE_MS), held; its timer ends timeoutMs later
    assert.ok(asked instanceof Promise, 'no lease: asks');
    await turn();
    await sleep(100); // ~LEASE_MS + 150 ms: message 1's timer has fired, message 2's not
    deliver();
    assert.equal((await asked).kind, 'within');
    assert.equal(limiter.take('a', limits) instanceof Promise, false, 'the late-answered lease is in use, not handed back');
  });

  it('a lease in use stays usable while its renewal is late, and goes back once unused for its life', async () => {
    mock.timers.enable({ apis: ['setInterval'] }); // sweeps run when ticked; message timeouts on real timers
    try {
      const { workers, clock, memory, held, hold, deliver } = cluster({ timeoutMs: 60 });
      const limiter = workers[0]!;
      const limits = { rps: 100_000, rpm: 6_000_000 };
      await limiter.take('a', limits);
      hold(true); // the primary is busy from here on
      clock.advance(LEASE_MS / 2);
      assert.equal(limiter.take('a', limits) instanceof Promise, false);
      await turn();
      assert.equal(held.length, 0, 'a take does not renew by age: each renewal would be a message of its own');
      mock.timers.tick(LEASE_MS / 4);
      await turn();
      assert.equal(held.length, 1, 'half its life gone and in use: the sweep asked for a renewal');
      clock.advance(2 * LEASE_MS);
      assert.equal(limiter.take('a', limits) instanceof Promise, false, 'past its life, renewal unanswered: still usable, its slots are still reserved');
      await sleep(80); // the renewal's message times out
      mock.timers.tick(LEASE_MS / 4); // a late sweep
      await turn();
      assert.equal(held.length, 2, 'still in use: the sweep asks for a renewal again');
      hold(false);
      deliver(); // one renews it, the other's grant goes back
      await turn();
      for (let sweep = 0; sweep < 4; sweep++) {
        clock.advance(LEASE_MS / 4);
        mock.timers.tick(LEASE_MS / 4); // sweeps on time; the lease unused since its renewal
      }
      assert.ok(limiter.take('a', limits) instanceof Promise, 'gone back: the next request asks');
      await turn();
      await limiter.close();
      await turn();
      let free = 0;
      while (memory.take('a', limits).kind === 'within' && free < 100_000) free++;
      assert.equal(free, 100_000 - 4, 'the four admissions stay counted, every leased slot went back');
    } finally {
      mock.timers.reset();
    }
  });

  it('renewals that fall due together travel in one message', async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const { workers, clock, sent } = cluster();
      const limits = { rps: 100_000, rpm: 6_000_000 };
      const agents = Array.from({ length: 50 }, (_, i) => `agent-${i}`);
      await Promise.all(agents.map((agent) => workers[0]!.take(agent, limits))); // one message: 50 asks and leases
      await turn();
      clock.advance(LEASE_MS / 2);
      for (const agent of agents) assert.equal(workers[0]!.take(agent, limits) instanceof Promise, false);
      await turn();
      const before = sent[0]!.length;
      mock.timers.tick(LEASE_MS / 4);
      await turn();
      assert.equal(sent[0]!.length, before + 1, 'one message for the sweep');
      const message = sent[0]!.at(-1)!;
      assert.deepEqual([message.leases.length, message.asks.length], [50, 0], 'every due lease renewed in it');
    } finally {
      mock.timers.reset();
    }
  });

  it('a sweep that runs late (a stalled event loop) gives no lease back; the next one on time does', async () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const { workers, clock } = cluster();
      const limits = { rps: 100_000, rpm: 6_000_000 };
      await workers[0]!.take('a', limits); // a lease, and the sweeper (every LEASE_MS / 4)
      clock.advance(3 * LEASE_MS); // the loop stalls; the lease looks idle and expired...
      mock.timers.tick(LEASE_MS / 4); // ...to a sweep that runs late
      assert.equal(workers[0]!.take('a', limits) instanceof Promise, false, 'kept: the requests of the stall come next');
      clock.advance(LEASE_MS / 4);
      mock.timers.tick(LEASE_MS / 4); // on time: in use and past half its life, so renewed
      await turn(); // the renewal is sent...
      await turn(); // ...and granted
      for (let sweep = 0; sweep < 4; sweep++) {
        clock.advance(LEASE_MS / 4);
        mock.timers.tick(LEASE_MS / 4); // sweeps on time; the lease unused since its renewal
      }
      assert.ok(workers[0]!.take('a', limits) instanceof Promise, 'unused for its life: given back, ask');
    } finally {
      mock.timers.reset();
    }
  });

  it('near the limit every request asks: a burst from two workers gets exactly the limit', async () => {
    for (const rps of [10, 40, 200]) {
      const { workers } = cluster({ workers: 2 });
      const limits = { rps, rpm: 100_000 };
      const verdicts = [];
      for (let round = 0; round < 20; round++) {
        const asks = Array.from({ length: rps / 5 }, (_, i) => workers[i % 2]!.take('a', limits));
        verdicts.push(...(await Promise.all(asks)));
      }
      assert.equal(verdicts.filter((v) => v.kind === 'within').length, rps, `rps ${rps}`);
    }
  });

  it('a lease is not used after the agent\'s limits change, nor after it went back unused', async () => {
    const { workers, sent, clock } = cluster();
    await workers[0]!.take('a', { rps: 100_000, rpm: 6_000_000 });
    assert.ok(workers[0]!.take('a', { rps: 50, rpm: 6_000_000 }) instanceof Promise, 'new limits: ask');
    await turn();
    const settled = sent[0]?.find((m) => m.settles.length > 0);
    assert.ok(settled !== undefined, 'the old lease went back');
    await workers[0]!.take('b', { rps: 100_000, rpm: 6_000_000 });
    await outliveIdleLeases(clock);
    assert.ok(workers[0]!.take('b', { rps: 100_000, rpm: 6_000_000 }) instanceof Promise, 'gone back: ask');
  });

  it('a dead worker\'s leased slots stay counted for a whole window', async () => {
    const { workers, broker, memory, clock } = cluster({ workers: 2 });
    const limits = { rps: 1_000, rpm: 6_000_000 };
    await workers[0]!.take('a', limits); // 1 admitted and a lease of 64 (at most an eighth of the 999 left)
    broker.forget(0);
    let admitted = 1;
    while (memory.take('a', limits).kind === 'within') admitted++;
    assert.equal(admitted + 64, 1_000, 'the lease counts as used');
    clock.advance(1_000);
    assert.equal(memory.take('a', limits).kind, 'within', 'and leaves the window like any admission');
  });

  it('never admits more than the limit in any window across workers with leases (random arrivals)', async () => {
    for (const seed of [1, 2, 3]) {
      let state = seed;
      const random = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const { workers, clock } = cluster({ workers: 3 });
      const limits = { rps: 300, rpm: 6_000 };
      const admitted: number[] = [];
      for (let step = 0; step < 1_500; step++) {
        clock.advance(Math.floor(random() * 12));
        const burst = Array.from({ length: 1 + Math.floor(random() * 6) }, () => workers[Math.floor(random() * 3)]!.take('a', limits));
        const at = clock.monotonic();
        for (const verdict of await Promise.all(burst)) if (verdict.kind === 'within') admitted.push(at);
      }
      assert.ok(maxInWindow(admitted, 1_000) <= 300, `seed ${seed}: at most rps_limit in any second`);
      assert.ok(maxInWindow(admitted, 60_000) <= 6_000, `seed ${seed}: at most rpm_limit in any minute`);
      assert.ok(maxInWindow(admitted, 1_000) >= 250, `seed ${seed}: and near it (${maxInWindow(admitted, 1_000)})`);
    }
  });
});

function maxInWindow(times: readonly number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] as number) - (times[j] as number) >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
