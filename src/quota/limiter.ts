// The rate-limit contract shared by every backend (memory, cluster IPC, Redis).
//
// Algorithm: an exact sliding log per agent and window (1 s for rps_limit, 60 s for
// rpm_limit). Chosen over the alternatives on purpose:
// - fixed-window counters let 2x the limit through across a window boundary;
// - token bucket / GCRA allow `burst + rate * window` in a window, so a full bucket plus
//   refill exceeds the limit in some 1-second window; squeezing burst to 1 avoids that but
//   forbids the short bursts agents really make;
// - a sliding log admits a request only if fewer than `limit` requests were admitted in the
//   window ending now, which is exactly "never more than the limit in any window". Its cost is
//   one timestamp per admitted request still inside the window, bounded by the limit.
// Both windows are checked before either is recorded: a request refused by rpm does not use
// an rps slot, and vice versa.

export interface QuotaLimits {
  readonly rps: number;
  readonly rpm: number;
}

export type QuotaVerdict =
  | { readonly kind: 'within' }
  | { readonly kind: 'exceeded'; readonly limit: 'rps_limit' | 'rpm_limit'; readonly retryAfterSeconds: number }
  /** The backend could not answer in time (Redis down): the caller applies its fail mode. */
  | { readonly kind: 'unavailable'; readonly error: string };

export interface Limiter {
  /** Admit one request for the agent if both windows have room, recording it only then.
   *  Synchronous when the state is in this process, a Promise when it is remote. */
  take(agentId: string, limits: QuotaLimits): QuotaVerdict | Promise<QuotaVerdict>;
  close(): Promise<void>;
}

export const WINDOW_MS = { rps_limit: 1_000, rpm_limit: 60_000 } as const;

/** Whole seconds until a slot frees, never 0: Retry-After: 0 invites a retry storm. */
export function retryAfterSeconds(msUntilFree: number): number {
  return Math.max(1, Math.ceil(msUntilFree / 1000));
}

export const WITHIN: QuotaVerdict = Object.freeze({ kind: 'within' });
