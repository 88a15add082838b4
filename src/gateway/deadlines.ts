// Timeouts for thousands of connections without a timer each: every connection notes its
// deadline as a number, and one interval walks them. A request then costs no timer
// (re)arming at all; a deadline fires up to one tick late, which is fine for timeouts of a
// second and more (node:http checks its header timeout the same way).

export interface Expiring {
  /** Called on every tick with the current time (ms, monotonic); acts on its own deadlines. */
  checkDeadlines(now: number): void;
}

export class DeadlineSweeper {
  readonly #members = new Set<Expiring>();
  readonly #timer: NodeJS.Timeout;
  readonly #clock: () => number;
  readonly tickMs: number;
  /** The time of the last tick (monotonic ms): a coarse clock for stamping activity without
   *  reading the system clock on every event. A deadline set from it should add `tickMs`. */
  now: number;

  constructor(options: { tickMs: number; now: () => number }) {
    this.#clock = options.now;
    this.tickMs = options.tickMs;
    this.now = options.now();
    this.#timer = setInterval(() => this.sweep(), options.tickMs);
    this.#timer.unref();
  }

  add(member: Expiring): void {
    this.#members.add(member);
  }

  delete(member: Expiring): void {
    this.#members.delete(member);
  }

  /** What a tick does (public for tests). */
  sweep(): void {
    const now = this.#clock();
    this.now = now;
    for (const member of this.#members) member.checkDeadlines(now);
  }

  get size(): number {
    return this.#members.size;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
