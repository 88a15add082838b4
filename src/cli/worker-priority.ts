// The workers' scheduling priority, as the node's audit trail needs it. The primary seals,
// stores and prints every audit event of the node, on the same cores as its workers.
// - While the audit keeps up, workers run at the primary's priority: a worker woken by a
//   request then takes its core like any other process, and is not kept waiting behind the
//   primary's batch. Open loop, 2,000 req/s over 2,000 connections, 2026-12-06: the longest
//   wait of a worker for a core (perf sched, 3 s) 3.8-5.5 ms against 8.3-15.8 ms with workers
//   always 3 nicer, and p99 9.0 against 11.8 ms (median of 6 alternating pairs;
//   docs/performance.md, Why the tail).
// - Once the node's audit queue is a quarter full, or any process dropped an event, the
//   workers yield: they run WORKER_NICENESS nicer, so a saturated node slows down by what its
//   audit costs instead of losing events (at equal priority a 5-minute soak at 2,000
//   connections dropped 37%; with nicer workers none at 8,800 req/s, and 2.1% since workers
//   stopped waiting on quota answers and serve 10,200: docs/performance.md, Cores). The queue
//   must then stay under a twentieth of its capacity for RECOVER_MS before they come back.
// - Coming back is raising a priority, which Linux allows only to a process with CAP_SYS_NICE
//   or a high enough RLIMIT_NICE (systemd: LimitNICE=). Without it the first yield is for good:
//   the node then runs as it did with workers always nicer, and says so once.

import type { Logger } from '../observe/index.js';
import type { AuditPressure } from './serve-audit.js';

/** How much nicer than the primary workers run while the audit catches up. */
export const WORKER_NICENESS = 3;
/** The share of the node's audit queue in use at which workers yield... */
export const YIELD_AT = 0.25;
/** ...and the share under which it must stay for RECOVER_MS before they come back. */
export const RECOVER_BELOW = 0.05;
export const RECOVER_MS = 3_000;
/** How often the primary looks at its queue. At 12,000 events/s over what the primary keeps
 *  up with, a quarter of the default 10,000-event queue is reached in no less than ~200 ms. */
export const CHECK_EVERY_MS = 100;

export interface WorkerPriorityOptions {
  /** The primary's own niceness: workers run at it, or WORKER_NICENESS above it. */
  readonly base: number;
  /** The node's audit queue: the share in use, and what it dropped so far. */
  readonly pressure: () => AuditPressure;
  /** setpriority(2) for a worker's pid; throws as node:os setPriority does. */
  readonly setNiceness: (pid: number, niceness: number) => void;
  readonly now: () => number;
  readonly logger: Logger;
}

export class WorkerPriority {
  readonly #options: WorkerPriorityOptions;
  readonly #pids = new Set<number>();
  #yielding = false;
  /** False once raising a worker's priority was refused: from then on workers stay nicer. */
  #canRecover = true;
  /** When the backlog last was at or over RECOVER_BELOW, or events were dropped. */
  #lastBusy = 0;
  #droppedSeen = 0;

  constructor(options: WorkerPriorityOptions) {
    this.#options = options;
  }

  /** Whether workers run nicer than the primary now. */
  get yielding(): boolean {
    return this.#yielding;
  }

  /** A new worker runs at the priority of the others. */
  add(pid: number): void {
    this.#pids.add(pid);
    if (this.#yielding) this.#apply(pid, this.#nicer());
  }

  remove(pid: number): void {
    this.#pids.delete(pid);
  }

  /** A worker dropped events at its hand-off: yield at once, whatever the queue shows. */
  noteDrops(): void {
    this.#lastBusy = this.#options.now();
    this.#yield();
  }

  /** Called every CHECK_EVERY_MS. */
  check(): void {
    const { backlog, dropped } = this.#options.pressure();
    const now = this.#options.now();
    const droppedSince = dropped > this.#droppedSeen;
    this.#droppedSeen = dropped;
    if (backlog >= RECOVER_BELOW || droppedSince) this.#lastBusy = now;
    if (backlog >= YIELD_AT || droppedSince) this.#yield();
    else if (this.#yielding && this.#canRecover && now - this.#lastBusy >= RECOVER_MS) this.#recover();
  }

  /** The niceness of a yielding worker. */
  #nicer(): number {
    return Math.min(19, this.#options.base + WORKER_NICENESS);
  }

  #yield(): void {
    if (this.#yielding) return;
    this.#yielding = true;
    this.#options.logger.debug('audit backlog: gateway workers run nicer than the primary until it clears');
    for (const pid of this.#pids) this.#apply(pid, this.#nicer());
  }

  #recover(): void {
    for (const pid of this.#pids) {
      if (this.#apply(pid, this.#options.base)) continue;
      // Refused (no CAP_SYS_NICE or RLIMIT_NICE): put back the ones already raised.
      this.#canRecover = false;
      for (const other of this.#pids) this.#apply(other, this.#nicer());
      this.#options.logger.warn('gateway workers cannot be given their priority back (needs CAP_SYS_NICE or RLIMIT_NICE, e.g. systemd LimitNICE=): they stay nicer than the primary, which adds to the tail latency at low load');
      return;
    }
    this.#yielding = false;
    this.#options.logger.debug('audit backlog cleared: gateway workers run at the primary\'s priority again');
  }

  /** False when the system refused; a worker that already exited is not an error. */
  #apply(pid: number, niceness: number): boolean {
    try {
      this.#options.setNiceness(pid, niceness);
      return true;
    } catch (error) {
      const code = systemErrorCode(error);
      return code !== 'EACCES' && code !== 'EPERM';
    }
  }
}

/** node:os throws ERR_SYSTEM_ERROR with the errno's name in `info.code`. */
function systemErrorCode(error: unknown): string | undefined {
  const { code, info } = error as { code?: string; info?: { code?: string } };
  return info?.code ?? code;
}
