/** Injected wherever time decides an outcome (quotas, token expiry, audit timestamps). */
export interface Clock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** Monotonic milliseconds, for measuring durations. */
  monotonic(): number;
}

// performance.now() counts from this process's start; adding the start's CLOCK_MONOTONIC
// reading puts every process on this machine on one timeline, which quota leases rely on
// (a worker's admission times are compared with the primary's).
const MONOTONIC_OFFSET_MS = Number(process.hrtime.bigint()) / 1e6 - performance.now();

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now() + MONOTONIC_OFFSET_MS,
};

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  #now: number;
  #mono = 0;
  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#now = startMs;
  }
  now(): number {
    return this.#now;
  }
  monotonic(): number {
    return this.#mono;
  }
  advance(ms: number): void {
    this.#now += ms;
    this.#mono += ms;
  }
}
