/** Injected wherever time decides an outcome (quotas, token expiry, audit timestamps). */
export interface Clock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** Monotonic milliseconds, for measuring durations. */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
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
