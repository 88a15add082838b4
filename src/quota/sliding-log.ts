// The timestamps of the requests admitted in the last window, oldest first, in a ring that
// grows only as traffic needs (memory follows admitted traffic, never the configured limit):
//
//        head                    tail
//         v                       v
//   [ .. t3 | t4 | t5 | t6 | .. | .. ]   capacity doubles when full, up to the limit
//
// Admit at `now` iff fewer than `limit` timestamps are newer than `now - window`.
// INVARIANT: every stored timestamp was admitted, so for any window of length `window`
// ending at an admission, at most `limit` admissions fall inside it — exactly, with no
// edge burst (a fixed-window counter lets 2x through across a boundary).
export class SlidingLog {
  #times: Float64Array;
  #head = 0;
  #size = 0;

  constructor(initialCapacity = 4) {
    this.#times = new Float64Array(initialCapacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Drop timestamps that left the window ending at `now`: those at or before `now - windowMs`. */
  expire(now: number, windowMs: number): void {
    const cutoff = now - windowMs;
    while (this.#size > 0 && (this.#times[this.#head] as number) <= cutoff) {
      this.#head = (this.#head + 1) % this.#times.length;
      this.#size--;
    }
  }

  /** The oldest timestamp still held (call expire first); NaN when empty. */
  oldest(): number {
    return this.#size === 0 ? Number.NaN : (this.#times[this.#head] as number);
  }

  /** The timestamp that must leave the window before one more fits under `limit`. */
  blockingTime(limit: number): number {
    // With `size >= limit`, the (size - limit)-th oldest is the one whose expiry frees a slot.
    const index = (this.#head + (this.#size - limit)) % this.#times.length;
    return this.#times[index] as number;
  }

  push(now: number): void {
    if (this.#size === this.#times.length) this.#grow();
    this.#times[(this.#head + this.#size) % this.#times.length] = now;
    this.#size++;
  }

  /** Record admissions made at `times`, which may be older than the newest held (a worker
   *  reports its leased admissions after the fact, in the order it made them), each counted as
   *  no later than `notAfter`; they are placed in order so `expire` and `blockingTime` stay
   *  exact. They are merged in from the back in one pass: placing them one by one shifted, for
   *  each, every newer time held, and two workers' settles interleave, so a settle of 500 times
   *  into a log holding the other worker's last few hundred cost ~10^5 moves (2% of the
   *  primary's samples at 50 connections). */
  insertAll(unordered: readonly number[], notAfter = Number.POSITIVE_INFINITY): void {
    const count = unordered.length;
    if (count === 0) return;
    const times = isAscending(unordered) ? unordered : [...unordered].sort((a, b) => a - b);
    while (this.#size + count > this.#times.length) this.#grow();
    const ring = this.#times;
    const capacity = ring.length;
    const head = this.#head;
    let held = this.#size - 1; // the newest held time not yet moved
    let added = count - 1; // the newest new time not yet placed
    // Every slot from the new end down to the last placement is written exactly once; what is
    // left below it (held times older than every new one) is already in place.
    for (let at = this.#size + count - 1; added >= 0; at--) {
      const time = Math.min(times[added] as number, notAfter);
      const heldTime = held >= 0 ? (ring[(head + held) % capacity] as number) : Number.NEGATIVE_INFINITY;
      if (heldTime > time) {
        ring[(head + at) % capacity] = heldTime;
        held--;
      } else {
        ring[(head + at) % capacity] = time;
        added--;
      }
    }
    this.#size += count;
  }

  #grow(): void {
    const bigger = new Float64Array(this.#times.length * 2);
    for (let i = 0; i < this.#size; i++) bigger[i] = this.#times[(this.#head + i) % this.#times.length] as number;
    this.#times = bigger;
    this.#head = 0;
  }
}

function isAscending(times: readonly number[]): boolean {
  for (let i = 1; i < times.length; i++) if ((times[i] as number) < (times[i - 1] as number)) return false;
  return true;
}
