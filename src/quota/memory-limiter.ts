// In-process limiter: exact for one process. With several worker processes the state lives
// in the primary and workers reach it through an IpcLimiter, so limits stay exact across them.
import type { Clock } from '../core/index.js';
import { retryAfterSeconds, WINDOW_MS, WITHIN, type Limiter, type QuotaLimits, type QuotaVerdict } from './limiter.js';
import { SlidingLog } from './sliding-log.js';

interface AgentLogs {
  readonly second: SlidingLog;
  readonly minute: SlidingLog;
  lastUsed: number;
}

// Agents idle for longer than the longest window hold no state worth keeping.
const SWEEP_INTERVAL_MS = 60_000;

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
    const logs = this.#logsOf(agentId, now);
    logs.second.expire(now, WINDOW_MS.rps_limit);
    logs.minute.expire(now, WINDOW_MS.rpm_limit);
    if (logs.second.size >= limits.rps) return exceeded('rps_limit', logs.second.blockingTime(limits.rps), now);
    if (logs.minute.size >= limits.rpm) return exceeded('rpm_limit', logs.minute.blockingTime(limits.rpm), now);
    logs.second.push(now);
    logs.minute.push(now);
    return WITHIN;
  }

  /** Agents with state, for tests and metrics. */
  get trackedAgents(): number {
    return this.#agents.size;
  }

  async close(): Promise<void> {
    this.#agents.clear();
  }

  #logsOf(agentId: string, now: number): AgentLogs {
    if (now - this.#lastSweep >= SWEEP_INTERVAL_MS) this.#sweep(now);
    let logs = this.#agents.get(agentId);
    if (logs === undefined) {
      logs = { second: new SlidingLog(), minute: new SlidingLog(), lastUsed: now };
      this.#agents.set(agentId, logs);
    }
    logs.lastUsed = now;
    return logs;
  }

  #sweep(now: number): void {
    this.#lastSweep = now;
    for (const [agentId, logs] of this.#agents) {
      if (now - logs.lastUsed > WINDOW_MS.rpm_limit) this.#agents.delete(agentId);
    }
  }
}

function exceeded(limit: 'rps_limit' | 'rpm_limit', blockingTime: number, now: number): QuotaVerdict {
  return { kind: 'exceeded', limit, retryAfterSeconds: retryAfterSeconds(blockingTime + WINDOW_MS[limit] - now) };
}
