// One behaviour, every backend: the in-process limiter and the Redis limiter (real Redis on
// 127.0.0.1:6379, which CI starts) admit exactly the same requests.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../src/core/index.js';
import { MemoryLimiter, RedisLimiter, type Limiter } from '../../src/quota/index.js';
import { freePort } from '../helpers/wait.js';

const REDIS_URL = process.env['CLAWGRESS_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';
const prefix = `clawgress-test:${randomUUID()}`; // keys of this run only; they expire within 60 s

const opened: Limiter[] = [];
after(async () => {
  await Promise.all(opened.map((l) => l.close()));
});

const backends: [string, () => Limiter][] = [
  ['memory', () => new MemoryLimiter({ clock: systemClock })],
  ['redis', () => new RedisLimiter({ url: REDIS_URL, timeoutMs: 1_000, prefix })],
];

async function takeMany(limiter: Limiter, agent: string, count: number, limits: { rps: number; rpm: number }) {
  return Promise.all(Array.from({ length: count }, () => limiter.take(agent, limits)));
}

async function connected(limiter: Limiter): Promise<void> {
  const redis = limiter as RedisLimiter;
  const deadline = Date.now() + 5_000;
  while ('connected' in redis && !redis.connected) {
    if (Date.now() > deadline) throw new Error(`redis at ${REDIS_URL} is not reachable: CI starts it (see .ci/run)`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const [name, make] of backends) {
  describe(`limiter contract: ${name}`, () => {
    const agent = (label: string) => `${label}-${randomUUID()}`;
    const open = async (): Promise<Limiter> => {
      const limiter = make();
      opened.push(limiter);
      await connected(limiter);
      return limiter;
    };

    it('a simultaneous burst gets exactly rps_limit admissions', async () => {
      const verdicts = await takeMany(await open(), agent('burst'), 40, { rps: 5, rpm: 1000 });
      assert.equal(verdicts.filter((v) => v.kind === 'within').length, 5);
      const refused = verdicts.find((v) => v.kind === 'exceeded');
      assert.deepEqual(refused, { kind: 'exceeded', limit: 'rps_limit', retryAfterSeconds: 1 });
    });

    it('rpm_limit holds under a generous rps_limit', async () => {
      const verdicts = await takeMany(await open(), agent('minute'), 30, { rps: 100, rpm: 7 });
      assert.equal(verdicts.filter((v) => v.kind === 'within').length, 7);
      const refused = verdicts.find((v) => v.kind === 'exceeded');
      assert.equal(refused?.kind === 'exceeded' && refused.limit, 'rpm_limit');
      assert.ok(refused?.kind === 'exceeded' && refused.retryAfterSeconds >= 59 && refused.retryAfterSeconds <= 60);
    });

    it('the window slides: slots free one second after they were used', async () => {
      const limiter = await open();
      const id = agent('slide');
      await takeMany(limiter, id, 5, { rps: 5, rpm: 1000 });
      assert.equal((await limiter.take(id, { rps: 5, rpm: 1000 })).kind, 'exceeded');
      await new Promise((r) => setTimeout(r, 1_050));
      const again = await takeMany(limiter, id, 10, { rps: 5, rpm: 1000 });
      assert.equal(again.filter((v) => v.kind === 'within').length, 5);
    });

    it('agents do not share counters', async () => {
      const limiter = await open();
      await takeMany(limiter, agent('x'), 10, { rps: 2, rpm: 100 });
      const other = await takeMany(limiter, agent('y'), 2, { rps: 2, rpm: 100 });
      assert.ok(other.every((v) => v.kind === 'within'));
    });
  });
}

describe('limiter: redis specifics', () => {
  it('two limiters on one Redis (two gateway nodes) share one limit', async () => {
    const [a, b] = [backends[1]![1](), backends[1]![1]()];
    opened.push(a, b);
    await Promise.all([connected(a), connected(b)]);
    const id = `shared-${randomUUID()}`;
    const verdicts = await Promise.all([takeMany(a, id, 20, { rps: 6, rpm: 100 }), takeMany(b, id, 20, { rps: 6, rpm: 100 })]);
    assert.equal(verdicts.flat().filter((v) => v.kind === 'within').length, 6);
  });

  it('an unreachable Redis answers `unavailable` within the timeout, not an exception', async () => {
    const port = await freePort();
    const limiter = new RedisLimiter({ url: `redis://127.0.0.1:${port}`, timeoutMs: 100, prefix });
    opened.push(limiter);
    const started = Date.now();
    const verdict = await limiter.take('nobody', { rps: 1, rpm: 1 });
    assert.equal(verdict.kind, 'unavailable');
    assert.ok(Date.now() - started < 2_000);
  });
});
