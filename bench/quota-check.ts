// What the rate-limit check adds per request, per backend (a benchmark, never a test):
//   node --import tsx bench/quota-check.ts [--redis redis://127.0.0.1:6379/0]
// memory: MemoryLimiter.take in this process (the single-process gateway's cost);
// ipc:    IpcLimiter to a forked process holding the MemoryLimiter (a cluster worker's cost);
// redis:  RedisLimiter.take, one Lua round trip (the multi-node cost).
// Each backend: sequential calls (latency) and 64 in flight (throughput), over 1,000 agents
// with limits high enough that every call admits (the common, most expensive path).
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { systemClock } from '../src/core/index.js';
import { answerQuotaRequest, IpcLimiter, isQuotaRequest, MemoryLimiter, RedisLimiter, type Limiter } from '../src/quota/index.js';

const LIMITS = { rps: 1_000_000, rpm: 60_000_000 };
const AGENTS = Array.from({ length: 1_000 }, (_, i) => `agent-${i}`);

async function sequential(limiter: Limiter, count: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await limiter.take(AGENTS[i % AGENTS.length] as string, LIMITS);
  return Number(process.hrtime.bigint() - started) / count / 1_000; // µs per call
}

async function inFlight(limiter: Limiter, count: number, width: number): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await limiter.take(AGENTS[next++ % AGENTS.length] as string, LIMITS);
  }));
  return count / (Number(process.hrtime.bigint() - started) / 1e9); // calls per second
}

async function measure(name: string, limiter: Limiter, count: number): Promise<void> {
  await sequential(limiter, Math.min(count, 5_000)); // warm-up
  const perCall = await sequential(limiter, count);
  const rate = await inFlight(limiter, count, 64);
  console.log(`| ${name.padEnd(6)} | ${perCall.toFixed(2).padStart(8)} µs | ${Math.round(rate).toLocaleString('en').padStart(12)} /s |`);
}

function ipcLimiter(): { limiter: Limiter; stop: () => void } {
  const child = fork(new URL(import.meta.url), ['--primary'], { execArgv: ['--import', 'tsx'] });
  const limiter = new IpcLimiter({
    timeoutMs: 1_000,
    channel: { send: (m) => child.send(m), onMessage: (listener) => child.on('message', listener) },
  });
  return { limiter, stop: () => child.kill() };
}

async function main(): Promise<void> {
  if (process.argv.includes('--primary')) {
    const memory = new MemoryLimiter({ clock: systemClock });
    process.on('message', (m: unknown) => {
      if (isQuotaRequest(m)) void answerQuotaRequest(memory, m).then((reply) => process.send?.(reply));
    });
    return;
  }
  const redisUrl = process.argv[process.argv.indexOf('--redis') + 1] ?? 'redis://127.0.0.1:6379/0';
  console.log(`| backend | sequential | 64 in flight |\n| --- | --- | --- |`);
  await measure('memory', new MemoryLimiter({ clock: systemClock }), 1_000_000);
  const ipc = ipcLimiter();
  await measure('ipc', ipc.limiter, 50_000);
  ipc.stop();
  const redis = new RedisLimiter({ url: redisUrl, timeoutMs: 1_000, prefix: `clawgress-bench:${randomUUID()}` });
  await new Promise((r) => setTimeout(r, 200));
  await measure('redis', redis, 50_000);
  await redis.close();
}

void main();
