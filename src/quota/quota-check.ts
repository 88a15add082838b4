// How a limiter verdict becomes an outcome for one request, given the agent's quota mode
// and the deployment's fail mode. `alert` is its own outcome (Smokescreen's AllowAndReport),
// not a flag tested in many places.
import type { Quota } from '../core/index.js';
import type { QuotaVerdict } from './limiter.js';

export type FailMode = 'fail_open' | 'fail_closed';

export type QuotaOutcome =
  | { readonly kind: 'pass' }
  /** alert_only over its limit, or the backend down with fail_open: passes, marked. */
  | { readonly kind: 'alert'; readonly note: string; readonly limit: 'rps_limit' | 'rpm_limit' | 'backend' }
  | { readonly kind: 'refuse'; readonly reason: string; readonly retryAfterSeconds: number };

export const PASS: QuotaOutcome = Object.freeze({ kind: 'pass' });

export function quotaOutcome(quota: Quota, verdict: QuotaVerdict, failMode: FailMode): QuotaOutcome {
  if (verdict.kind === 'within') return PASS;
  if (verdict.kind === 'unavailable') {
    const note = `rate limit backend unavailable: ${verdict.error}`;
    if (quota.mode === 'alert_only' || failMode === 'fail_open') return { kind: 'alert', note, limit: 'backend' };
    return { kind: 'refuse', reason: `${note} (fail_closed)`, retryAfterSeconds: 1 };
  }
  const value = verdict.limit === 'rps_limit' ? quota.rps_limit : quota.rpm_limit;
  const what = `${verdict.limit} ${value} exceeded for agent \`${quota.agent_id}\``;
  if (quota.mode === 'alert_only') return { kind: 'alert', note: `${what} (alert_only)`, limit: verdict.limit };
  return { kind: 'refuse', reason: `rate limit ${what}`, retryAfterSeconds: verdict.retryAfterSeconds };
}
