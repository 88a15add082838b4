// What the rate-limit check adds per request, per backend:
//   memory: MemoryLimiter.take in this process (the single-process gateway's cost);
//   ipc:    IpcLimiter to a forked process holding the MemoryLimiter (a cluster worker's cost);
//   redis:  RedisLimiter.take, one Lua round trip (the multi-node cost); skipped without Redis.
// Each: sequential calls (latency per check), and 64 in flight (throughput) in the note. Over
// 1,000 agents with limits high enough that every call admits (the common, costliest path).
// And the primary's side of leases: recording the admissions two busy workers settle.

import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ManualClock, systemClock } from '../../src/core/index.js';
import { IpcLimiter, LEASE_SIZE, MemoryLimiter, RedisLimiter, type Limiter } from '../../src/quota/index.js';
import { median, timeAsync, timeSync, type MicroResult } from './timing.js';

const LIMITS = { rps: 1_000_000, rpm: 60_000_000 };
const AGENTS = Array.from({ length: 1_000 }, (_, i) => `agent-${i}`);
const agentFor = (n: number): string => AGENTS[n % AGENTS.length] as string;
/** A few busy agents: what leases are for (1,000 agents in turn would outlive every lease). */
const busyAgentFor = (n: number): string => AGENTS[n % 4] as string;

async function inFlightRate(limiter: Limiter, count: number, width: number, agent: (n: number) => string): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await limiter.take(agent(next++), LIMITS);
  }));
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function asyncBackend(name: string, limiter: Limiter, note: string, agent = agentFor): Promise<MicroResult> {
  const ns = await timeAsync(5_000, (n) => limiter.take(agent(n), LIMITS));
  const rate = await inFlightRate(limiter, 50_000, 64, agent);
  return { group: 'quota take()', name, ns_per_op: ns, note: `${note}; 64 in flight: ${Math.round(rate).toLocaleString('en')}/s` };
}

function ipcLimiter(leaseSize: number): { limiter: Limiter; stop: () => Promise<void> } {
  const child = fork(new URL('./quota-primary.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'] });
  const limiter = new IpcLimiter({
    clock: systemClock,
    timeoutMs: 1_000,
    leaseSize,
    channel: { send: (message) => void child.send(message, undefined, {}, () => undefined), onMessage: (listener) => child.on('message', listener) },
  });
  return { limiter, stop: async () => {
    await limiter.close(); // hands its leases back, stops its timers
    child.kill();
  } };
}

/** The client connects in the background and refuses commands until then: give it 2 s. */
async function connected(redis: RedisLimiter): Promise<boolean> {
  for (let tries = 0; tries < 20; tries++) {
    if ((await redis.take('probe', LIMITS)).kind !== 'unavailable') return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function redisRow(url: string): Promise<MicroResult> {
  const redis = new RedisLimiter({ url, timeoutMs: 1_000, prefix: `clawgress-bench:${randomUUID()}` });
  try {
    if (!(await connected(redis))) {
      return { group: 'quota take()', name: 'redis', ns_per_op: NaN, note: `skipped: no redis at ${url}` };
    }
    return await asyncBackend('redis', redis, `${url}, one Lua call per check`);
  } finally {
    await redis.close();
  }
}

/**
 * ns per admission the primary records when workers settle their leases: two workers admitting
 * 9 requests a millisecond each for one agent, each settling every 512 (a lease's refill), out
 * of phase, so each settle's times interleave with the other's last one. Simulated time on a
 * ManualClock, 10 s a round after 70 s of warm-up, so the minute window is full (~1.08 million
 * admissions held).
 */
function settleNsPerAdmission(): number {
  const clock = new ManualClock();
  const limiter = new MemoryLimiter({ clock });
  const limits = { rps: 1_000_000, rpm: 60_000_000 };
  const perMs = 9;
  const settleEvery = 512;
  const pending: number[][] = [[], Array.from({ length: settleEvery / 2 }, () => 0)]; // the second worker half a lease ahead
  let at = 0;
  const run = (ms: number): { ns: number; admissions: number } => {
    let ns = 0;
    let admissions = 0;
    for (const end = at + ms; at < end; at++) {
      clock.advance(1);
      for (const [w, times] of pending.entries()) {
        for (let i = 0; i < perMs; i++) times.push(clock.monotonic() - 1 + i / perMs + w / 100);
        if (times.length < settleEvery) continue;
        pending[w] = [];
        const started = process.hrtime.bigint();
        limiter.settle('busy', times, 0);
        limiter.reserve('busy', limits, settleEvery); // what the broker does next: expires the windows
        ns += Number(process.hrtime.bigint() - started);
        admissions += times.length;
      }
    }
    return { ns, admissions };
  };
  run(70_000);
  const rounds = Array.from({ length: 7 }, () => {
    const { ns, admissions } = run(10_000);
    return ns / admissions;
  });
  return median(rounds);
}

export async function quotaBenchmarks(redisUrl: string): Promise<MicroResult[]> {
  const memory = new MemoryLimiter({ clock: systemClock });
  const memoryNs = timeSync(200_000, (n) => memory.take(agentFor(n), LIMITS));
  const results: MicroResult[] = [{ group: 'quota take()', name: 'memory', ns_per_op: memoryNs, note: 'sliding log, in process' }];
  for (const [name, leaseSize, note] of [
    ['ipc (cluster worker), asking every time', 0, 'to a forked MemoryLimiter: what every check costs near an agent\'s limit'],
    ['ipc (cluster worker), leased', LEASE_SIZE, `to a forked MemoryLimiter, 4 busy agents far from their limits: leases of ${LEASE_SIZE} and up`],
  ] as const) {
    const ipc = ipcLimiter(leaseSize);
    try {
      results.push(await asyncBackend(name, ipc.limiter, note, leaseSize > 0 ? busyAgentFor : agentFor));
    } finally {
      await ipc.stop();
    }
  }
  results.push(await redisRow(redisUrl));
  results.push({
    group: 'quota settle()',
    name: 'two workers\' leases, interleaved',
    ns_per_op: settleNsPerAdmission(),
    note: 'per admission; two workers at 9,000/s each settling 512 at a time, interleaved; minute window full',
  });
  return results;
}
