// The primary's side of the IPC limiter: answers each worker's questions from the one
// MemoryLimiter, grants and settles leases, and remembers which worker holds how many slots,
// so a worker that dies does not keep them reserved forever.
import type { QuotaRequestMessage, QuotaReplyMessage } from './ipc-limiter.js';
import type { QuotaVerdict } from './limiter.js';
import type { MemoryLimiter } from './memory-limiter.js';

export class LeaseBroker {
  readonly #limiter: MemoryLimiter;
  readonly #clockNow: () => number;
  /** worker → agent → slots leased and not settled. */
  readonly #held = new Map<number, Map<string, number>>();

  constructor(options: { limiter: MemoryLimiter; now: () => number }) {
    this.#limiter = options.limiter;
    this.#clockNow = options.now;
  }

  /** Settlements first (they free slots), then the questions in the order they were asked,
   *  then lease requests (from what the questions left). */
  answer(worker: number, request: QuotaRequestMessage): QuotaReplyMessage {
    const held = this.#heldBy(worker);
    for (const [agentId, usedAt, unused] of request.settles) {
      this.#limiter.settle(agentId, usedAt, unused);
      const left = (held.get(agentId) ?? 0) - usedAt.length - unused;
      if (left > 0) held.set(agentId, left);
      else held.delete(agentId);
    }
    const answers: (readonly [number, QuotaVerdict])[] = [];
    for (const [id, agentId, rps, rpm] of request.asks) answers.push([id, this.#limiter.take(agentId, { rps, rpm })]);
    const leases: (readonly [string, number])[] = [];
    for (const [agentId, rps, rpm, want] of request.leases) {
      const granted = this.#limiter.reserve(agentId, { rps, rpm }, want);
      if (granted > 0) held.set(agentId, (held.get(agentId) ?? 0) + granted);
      leases.push([agentId, granted]);
    }
    return { type: 'clawgress:quota-reply', answers, leases };
  }

  /** The worker is gone: whatever it held may have admitted requests just before, so every
   *  slot it held counts as used now (never under-counted), and leaves the windows in time. */
  forget(worker: number): void {
    const held = this.#held.get(worker);
    this.#held.delete(worker);
    if (held === undefined) return;
    const now = this.#clockNow();
    for (const [agentId, slots] of held) this.#limiter.settle(agentId, new Array<number>(slots).fill(now), 0);
  }

  #heldBy(worker: number): Map<string, number> {
    let held = this.#held.get(worker);
    if (held === undefined) {
      held = new Map();
      this.#held.set(worker, held);
    }
    return held;
  }
}
