// alert_only: every request over the limit is counted, but the log gets at most one line per
// agent per limit window. In a cluster the primary owns the one throttle, so N workers
// still produce one line.
import { WINDOW_MS } from './limiter.js';

export type AlertLimit = 'rps_limit' | 'rpm_limit' | 'backend';

export class AlertThrottle {
  readonly #lastLogged = new Map<string, number>();

  /** True when this alert should be logged now (monotonic ms); records it if so. */
  shouldLog(agentId: string, limit: AlertLimit, now: number): boolean {
    const key = `${agentId}\u0000${limit}`;
    const window = limit === 'backend' ? WINDOW_MS.rps_limit : WINDOW_MS[limit];
    const last = this.#lastLogged.get(key);
    if (last !== undefined && now - last < window) return false;
    if (this.#lastLogged.size > 100_000) this.#lastLogged.clear(); // bound memory under agent churn
    this.#lastLogged.set(key, now);
    return true;
  }
}
