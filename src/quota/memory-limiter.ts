// In-process limiter: exact for one process. With several worker processes the state lives
// in the primary and workers reach it through an IpcLimiter, so limits stay exact across them.
//
// Leases (for those workers): a worker may hold a few slots of an agent's limits and admit
// with them locally, sparing a round trip to the primary per request. A leased slot counts
// against both windows from the moment it is granted (`reserved`) until the worker settles it,
// reporting the time each used slot admitted a request (those times then enter the logs, in
// order) and handing back the rest. So at every decision the primary counts every admission
// that can fall in the window ending then, made or still possible: never over the limit.
// The price: while a worker holds unused slots, another may be refused up to a lease's life
// early. Leases are granted only far from the limit (at most an eighth of what is left).
import type { Clock } from '../core/index.js';
import { retryAfterSeconds, WINDOW_MS, WITHIN, type Limiter, type QuotaLimits, type QuotaVerdict } from './limiter.js';
import { SlidingLog } from './sliding-log.js';

interface AgentLogs {
  readonly second: SlidingLog;
  readonly minute: SlidingLog;
  /** Slots leased to workers and not settled yet. */
  reserved: number;
  lastUsed: number;
}

// Agents idle for longer than the longest window hold no state worth keeping.
const SWEEP_INTERVAL_MS = 60_000;
/** A lease takes at most this share of the headroom left in the tighter window... */
const LEASE_SHARE_OF_HEADROOM = 1 / 8;
/** ...and is not worth a lease below this many slots: near the limit every request asks. */
const MIN_LEASE = 2;

export class MemoryLimiter implements Limiter {
  readonly #clock: Clock;
  readonly #agents = new Map<string, AgentLogs>();
  #lastSweep: number;

  constructor(options: { clock: Clock }) {
    this.#clock = options.clock;
    this.#lastSweep = options.clock.monotonic();
  }

  take(agentId: string, limits: QuotaLimits): QuotaVerdict {
    const now = this.#clock.monotonic();
    const logs = this.#windowsAt(agentId, now);
    if (logs.second.size + logs.reserved >= limits.rps) return exceeded('rps_limit', logs.second, limits.rps - logs.reserved, now);
    if (logs.minute.size + logs.reserved >= limits.rpm) return exceeded('rpm_limit', logs.minute, limits.rpm - logs.reserved, now);
    logs.second.push(now);
    logs.minute.push(now);
    return WITHIN;
  }

  /** Lease up to `want` slots to a worker; returns how many (0 near the limit). */
  reserve(agentId: string, limits: QuotaLimits, want: number): number {
    const now = this.#clock.monotonic();
    const logs = this.#windowsAt(agentId, now);
    const headroom = Math.min(limits.rps - logs.second.size, limits.rpm - logs.minute.size) - logs.reserved;
    const granted = Math.min(want, Math.floor(headroom * LEASE_SHARE_OF_HEADROOM));
    if (granted < MIN_LEASE) return 0;
    logs.reserved += granted;
    return granted;
  }

  /** A lease is over: `usedAt` are the times its used slots admitted requests (this clock's
   *  timeline), `unused` slots come back. */
  settle(agentId: string, usedAt: readonly number[], unused: number): void {
    const now = this.#clock.monotonic();
    const logs = this.#logsOf(agentId, now);
    // A time from the future (it cannot be, on one machine's monotonic clock) counts as now.
    logs.second.insertAll(usedAt, now);
    logs.minute.insertAll(usedAt, now);
    logs.reserved = Math.max(0, logs.reserved - usedAt.length - unused);
  }

  /** Agents with state, for tests and metrics. */
  get trackedAgents(): number {
    return this.#agents.size;
  }

  async close(): Promise<void> {
    this.#agents.clear();
  }

  /** The agent's logs holding only the admissions inside the windows that end at `now`. */
  #windowsAt(agentId: string, now: number): AgentLogs {
    const logs = this.#logsOf(agentId, now);
    logs.second.expire(now, WINDOW_MS.rps_limit);
    logs.minute.expire(now, WINDOW_MS.rpm_limit);
    return logs;
  }

  #logsOf(agentId: string, now: number): AgentLogs {
    if (now - this.#lastSweep >= SWEEP_INTERVAL_MS) this.#sweep(now);
    let logs = this.#agents.get(agentId);
    if (logs === undefined) {
      logs = { second: new SlidingLog(), minute: new SlidingLog(), reserved: 0, lastUsed: now };
      this.#agents.set(agentId, logs);
    }
    logs.lastUsed = now;
    return logs;
  }

  #sweep(now: number): void {
    this.#lastSweep = now;
    for (const [agentId, logs] of this.#agents) {
      if (now - logs.lastUsed > WINDOW_MS.rpm_limit && logs.reserved === 0) this.#agents.delete(agentId);
    }
  }
}

/** Refused: Retry-After is when the blocking admission leaves the window. With slots leased
 *  out, `free` (the limit minus them) may leave none to wait for: leases return within their
 *  short life, so the soonest retry (1 s) is right. */
function exceeded(limit: 'rps_limit' | 'rpm_limit', log: SlidingLog, free: number, now: number): QuotaVerdict {
  const wait = free >= 1 && log.size >= free ? log.blockingTime(free) + WINDOW_MS[limit] - now : 0;
  return { kind: 'exceeded', limit, retryAfterSeconds: retryAfterSeconds(wait) };
}
