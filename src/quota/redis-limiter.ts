// Redis limiter shared by every gateway node: the same sliding logs as MemoryLimiter, kept
// as sorted sets and updated by one Lua script, so each decision is one round trip and
// atomic across nodes. The script reads Redis's own clock (TIME), so node clocks may
// disagree without loosening the limit.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { retryAfterSeconds, WITHIN, type Limiter, type QuotaLimits, type QuotaVerdict } from './limiter.js';

// KEYS[1] second log, KEYS[2] minute log; ARGV[1] rps limit, ARGV[2] rpm limit, ARGV[3] member.
// Returns {0} when admitted, {1, ms} / {2, ms} when rps / rpm is full and ms until a slot frees.
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function full(key, window, limit)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count < limit then return nil end
  local blocking = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  return tonumber(blocking[2]) + window - now
end
local wait = full(KEYS[1], 1000, tonumber(ARGV[1]))
if wait then return {1, wait} end
wait = full(KEYS[2], 60000, tonumber(ARGV[2]))
if wait then return {2, wait} end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('ZADD', KEYS[2], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], 1000)
redis.call('PEXPIRE', KEYS[2], 60000)
return {0}
`;

export interface RedisLimiterOptions {
  readonly url: string;
  /** Longest wait for an answer before the verdict is `unavailable`. */
  readonly timeoutMs: number;
  /** Key prefix, so several deployments can share one Redis. */
  readonly prefix?: string;
}

type TakeReply = [number] | [number, number];

interface RedisWithTake extends Redis {
  clawgressTake(secondKey: string, minuteKey: string, rps: number, rpm: number, member: string): Promise<TakeReply>;
}

export class RedisLimiter implements Limiter {
  readonly #redis: RedisWithTake;
  readonly #prefix: string;
  #sequence = 0;
  readonly #instance = randomUUID();

  constructor(options: RedisLimiterOptions) {
    this.#prefix = options.prefix ?? 'clawgress:quota';
    // Loaded when a Redis backend is configured, not with this module: ioredis costs ~25 MB of
    // RSS in every process that imports quota, each `serve` worker included.
    const { Redis: RedisClient } = createRequire(import.meta.url)('ioredis') as { Redis: typeof Redis };
    const redis = new RedisClient(options.url, {
      // Fail fast while disconnected instead of queueing: the caller's fail mode decides.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.timeoutMs,
      connectTimeout: Math.max(options.timeoutMs, 1_000),
      // Keep reconnecting (at most every second) so the gateway recovers without a restart.
      retryStrategy: (attempt: number) => Math.min(100 * attempt, 1_000),
      lazyConnect: false,
    });
    redis.on('error', () => undefined); // reported through verdicts; ioredis would print otherwise
    redis.defineCommand('clawgressTake', { numberOfKeys: 2, lua: TAKE_SCRIPT });
    this.#redis = redis as RedisWithTake;
  }

  take(agentId: string, limits: QuotaLimits): Promise<QuotaVerdict> {
    // `{agent}` is a hash tag: both keys land in one slot, as a Redis Cluster script requires.
    const base = `${this.#prefix}:{${agentId}}`;
    const member = `${this.#instance}:${this.#sequence++}`;
    return this.#redis.clawgressTake(`${base}:s`, `${base}:m`, limits.rps, limits.rpm, member).then(
      (reply) => toVerdict(reply),
      (error: unknown) => ({ kind: 'unavailable' as const, error: error instanceof Error ? error.message : String(error) }),
    );
  }

  /** True once connected; the limiter reconnects by itself after an outage. */
  get connected(): boolean {
    return this.#redis.status === 'ready';
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}

function toVerdict(reply: TakeReply): QuotaVerdict {
  if (reply[0] === 0) return WITHIN;
  const limit = reply[0] === 1 ? 'rps_limit' : 'rpm_limit';
  return { kind: 'exceeded', limit, retryAfterSeconds: retryAfterSeconds(reply[1] ?? 1000) };
}
