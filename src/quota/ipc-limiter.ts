// Worker processes of one gateway share one MemoryLimiter that lives in the primary process:
// each worker asks it over the cluster IPC channel, so limits stay exact across workers.
// - Every question raised during one event-loop turn travels in one message and comes back
//   in one (a syscall and a serialisation per turn, not per request), with one timer.
// - Far from its limits an agent gets a lease: a few slots this worker then admits with on
//   its own, synchronously, with no message at all. When half of it is used, more is asked
//   for in the background, so a busy agent rarely waits for the primary. What a lease used is
//   reported (each admission's time) with the next message. A lease in use is renewed once
//   half LEASE_MS old, by a sweep every quarter LEASE_MS that asks for all such renewals in
//   one message; one left unused for LEASE_MS goes back, as does one whose agent's limits
//   changed. Why that stays exact: memory-limiter.ts.
// The channel is injected (process.send / worker.send in the CLI), keeping this module pure.
import type { Clock } from '../core/index.js';
import { WITHIN, type Limiter, type QuotaLimits, type QuotaVerdict } from './limiter.js';

/** One question, admitted or refused by the primary: [id, agent_id, rps, rpm]. */
export type QuotaAsk = readonly [number, string, number, number];
/** More slots wanted for a lease: [agent_id, rps, rpm, slots]. */
export type LeaseRequest = readonly [string, number, number, number];
/** What a lease used since the last report: [agent_id, admission times, slots handed back]. */
export type LeaseSettlement = readonly [string, readonly number[], number];

export interface QuotaRequestMessage {
  readonly type: 'clawgress:quota';
  readonly asks: readonly QuotaAsk[];
  readonly leases: readonly LeaseRequest[];
  readonly settles: readonly LeaseSettlement[];
}

export interface QuotaReplyMessage {
  readonly type: 'clawgress:quota-reply';
  readonly answers: readonly (readonly [number, QuotaVerdict])[];
  /** [agent_id, slots granted] for each lease request, 0 near the limit. */
  readonly leases: readonly (readonly [string, number])[];
}

export interface QuotaChannel {
  send(message: QuotaRequestMessage): void;
  /** Register the listener for replies (every message arrives here; others are ignored). */
  onMessage(listener: (message: unknown) => void): void;
}

/** Slots asked for by a first lease: one message per this many requests of an agent... */
export const LEASE_SIZE = 64;
/** ...doubled while a lease runs out in under half its life, up to this: a busy agent's lease
 *  then lasts several milliseconds, so a primary busy that long does not hold its requests. */
export const MAX_LEASE_SIZE = 1_024;
/** A lease unused for this long goes back, so its slots block no other worker for long; one in
 *  use is renewed every half to three quarters of it. Its length is a trade: an agent whose
 *  requests reach a worker further apart than this gets no use of a lease (each request asks
 *  the primary), and each renewal is work for the primary (reading it, recording the
 *  admissions, granting), though one message carries all of a sweep's renewals.
 *  - 20 ms: agents sending tens of requests a second each cost a lease exchange per request.
 *  - 200 ms (until 2026-12-07): 200 agents sharing 2,000 req/s reach each worker ~5 times a
 *    second, so a lease was often given back just before the agent's next request: 20-30% of
 *    that bench level's requests asked the primary one by one, and waited for it (p99 8-39 ms
 *    while it was busy writing audit events), which made most of that level's tail.
 *  - 1 s: the same level asked for 0-1.5% of its requests, and its +p99 went from 16.2 to
 *    6.9 ms (`npm run bench -- --repeat 3`, before and after, 2026-12-07). The c=50 level
 *    with 200 agents gained in one run and not in the 3-round tables (within its noise).
 *  The price: an idle lease's slots (an eighth of the headroom at most, none near the limit)
 *  are held back from other workers for up to a second. Never an admission over the limit:
 *  leased slots count until they are settled, whatever the lease's age (memory-limiter.ts). */
export const LEASE_MS = 1_000;

interface Pending {
  readonly resolve: (verdict: QuotaVerdict) => void;
}

interface Lease {
  readonly limits: QuotaLimits;
  /** Its last grant: a lease unused since then goes back LEASE_MS later. */
  grantedAt: number;
  remaining: number;
  usedAt: number[];
  /** Slots the next refill asks for. */
  nextSize: number;
}

export class IpcLimiter implements Limiter {
  readonly #channel: QuotaChannel;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #leaseSize: number;
  /** LEASE_MS, or a shorter life in tests; idle leases are looked for four times a life. */
  readonly #leaseMs: number;
  readonly #sweepMs: number;
  readonly #pending = new Map<number, Pending>();
  readonly #leases = new Map<string, Lease>();
  /** Lease requests sent and not answered: at most one per agent, with the limits asked under
   *  (one object per request, so a message's timeout can tell its own request from a later one). */
  readonly #leasing = new Map<string, { readonly limits: QuotaLimits }>();
  #asks: QuotaAsk[] = [];
  #leaseRequests: LeaseRequest[] = [];
  #settles: LeaseSettlement[] = [];
  #flushScheduled = false;
  #sweeper: NodeJS.Timeout | null = null;
  #lastSweepAt = 0;
  #nextId = 0;

  /** `leaseSize` 0 asks the primary for every request (benchmarks compare the two); `leaseMs`
   *  replaces LEASE_MS (tests, which would otherwise wait whole lease lives). */
  constructor(options: { channel: QuotaChannel; clock: Clock; timeoutMs: number; leaseSize?: number; leaseMs?: number }) {
    this.#channel = options.channel;
    this.#clock = options.clock;
    this.#timeoutMs = options.timeoutMs;
    this.#leaseSize = options.leaseSize ?? LEASE_SIZE;
    this.#leaseMs = options.leaseMs ?? LEASE_MS;
    this.#sweepMs = this.#leaseMs / 4;
    options.channel.onMessage((message) => this.#onMessage(message));
  }

  take(agentId: string, limits: QuotaLimits): QuotaVerdict | Promise<QuotaVerdict> {
    let lease = this.#leases.get(agentId);
    if (lease !== undefined && !sameLimits(lease.limits, limits)) {
      this.#settle(agentId, lease); // the agent's limits changed since
      lease = undefined;
    }
    // Used whatever its age: the primary keeps leased slots reserved until this worker
    // settles them, not until a clock runs out, so this stays exact. A renewal that is late
    // (a primary busy with an SQLite commit, or not scheduled on a loaded machine) then
    // keeps no request of a busy agent waiting for it.
    if (lease !== undefined && lease.remaining > 0) {
      const now = this.#clock.monotonic();
      lease.remaining--;
      lease.usedAt.push(now);
      if (lease.remaining === 0) this.#runDry(agentId, lease);
      // Renewing here once the lease is half a life old sent each agent's renewal in a message
      // of its own: with 200 agents each at ~5 requests a second to a worker, ~300 messages a
      // second from each worker. The sweep renews by age instead, all due leases at once: the
      // primary's loop then used 9.2-11.8% of a core at 2,000 req/s against 11.7-15.8% (open
      // loop, 200 agents, AMD EPYC, 2026-12-08).
      else if (lease.remaining <= lease.nextSize / 2) this.#topUp(agentId, lease, now);
      return WITHIN;
    }
    // No lease, or a dry one whose refill has not come yet: this request asks.
    const id = this.#nextId++;
    this.#asks.push([id, agentId, limits.rps, limits.rpm]);
    this.#askLease(agentId, limits, lease?.nextSize ?? this.#leaseSize);
    this.#scheduleFlush();
    return new Promise((resolve) => this.#pending.set(id, { resolve }));
  }

  /** Settles every lease (their slots go back) and answers whatever is pending `unavailable`. */
  async close(): Promise<void> {
    for (const [agentId, lease] of this.#leases) this.#settle(agentId, lease);
    if (this.#settles.length > 0) this.#flush();
    this.#failPending([...this.#pending.keys()], 'limiter closed');
    this.#leasing.clear();
    if (this.#sweeper !== null) clearInterval(this.#sweeper);
    this.#sweeper = null;
  }

  #askLease(agentId: string, limits: QuotaLimits, slots: number): void {
    if (slots === 0 || this.#leasing.has(agentId)) return;
    this.#leasing.set(agentId, { limits });
    this.#leaseRequests.push([agentId, limits.rps, limits.rpm, slots]);
    this.#scheduleFlush();
  }

  /** Ask for enough to bring the lease back to its size; a grant also renews its life. */
  #topUp(agentId: string, lease: Lease, now: number): void {
    if (this.#leasing.has(agentId)) return;
    if (lease.remaining <= lease.nextSize / 2 && now - lease.grantedAt < this.#leaseMs / 2) grow(lease);
    this.#askLease(agentId, lease.limits, Math.max(2, lease.nextSize - lease.remaining));
  }

  /**
   * The lease ran out before a refill came: it was too small for this agent's rate and the
   * primary's answer time, so the next one is twice the size. Its admissions are reported now;
   * the empty lease stays, keeping that size, until a refill arrives or it has been unused for
   * a whole life. Dropping it instead made the next lease start again at LEASE_SIZE: at 500
   * connections one busy agent's leases kept running dry, and a quarter of its requests asked
   * the primary one by one, waiting ~17 ms for it at the median (2026-12-07).
   */
  #runDry(agentId: string, lease: Lease): void {
    grow(lease);
    this.#settles.push([agentId, lease.usedAt, 0]);
    lease.usedAt = [];
    this.#scheduleFlush();
    this.#askLease(agentId, lease.limits, lease.nextSize);
  }

  /** The lease is over: report its admissions and hand back what is left. */
  #settle(agentId: string, lease: Lease): void {
    this.#leases.delete(agentId);
    this.#settles.push([agentId, lease.usedAt, lease.remaining]);
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    const asks = this.#asks;
    const leases = this.#leaseRequests;
    const settles = this.#settles;
    if (asks.length === 0 && leases.length === 0 && settles.length === 0) return;
    this.#asks = [];
    this.#leaseRequests = [];
    this.#settles = [];
    this.#channel.send({ type: 'clawgress:quota', asks, leases, settles });
    if (asks.length === 0 && leases.length === 0) return;
    const leasing = leases.map(([agentId]) => [agentId, this.#leasing.get(agentId)] as const);
    // One timer per message, not per request.
    setTimeout(() => {
      this.#failPending(asks.map((ask) => ask[0]), `no answer from the primary process within ${this.#timeoutMs} ms`);
      // This message's lease requests, if still unanswered, may be asked again; a grant that
      // still comes goes back. A later request for the same agent is not this one's to drop.
      for (const [agentId, request] of leasing) if (this.#leasing.get(agentId) === request) this.#leasing.delete(agentId);
    }, this.#timeoutMs);
  }

  #failPending(ids: readonly number[], error: string): void {
    for (const id of ids) {
      const pending = this.#pending.get(id);
      if (pending === undefined) continue; // answered in time
      this.#pending.delete(id);
      pending.resolve({ kind: 'unavailable', error });
    }
  }

  #onMessage(message: unknown): void {
    if (!isReply(message)) return;
    const now = this.#clock.monotonic();
    // Grants first: the callers resolved below may take from them at once.
    for (const [agentId, slots] of message.leases) this.#grant(agentId, slots, now);
    for (const [id, verdict] of message.answers) {
      const pending = this.#pending.get(id);
      if (pending === undefined) continue; // timed out already
      this.#pending.delete(id);
      pending.resolve(verdict);
    }
  }

  #grant(agentId: string, slots: number, now: number): void {
    const limits = this.#leasing.get(agentId)?.limits;
    this.#leasing.delete(agentId);
    if (slots === 0) return;
    if (limits === undefined) {
      // Answered after its timeout (or after close): not ours to use any more.
      this.#settles.push([agentId, [], slots]);
      return this.#scheduleFlush();
    }
    const current = this.#leases.get(agentId);
    if (current !== undefined && sameLimits(current.limits, limits)) {
      // A refill: what was used so far is reported now, so no lease's report grows unbounded.
      if (current.usedAt.length > 0) {
        this.#settles.push([agentId, current.usedAt, 0]);
        this.#scheduleFlush();
      }
      current.usedAt = [];
      current.remaining += slots;
      current.grantedAt = now;
      return;
    }
    if (current !== undefined) this.#settle(agentId, current);
    this.#leases.set(agentId, { limits, grantedAt: now, remaining: slots, usedAt: [], nextSize: this.#leaseSize });
    if (this.#sweeper === null) {
      this.#lastSweepAt = now;
      this.#sweeper = setInterval(() => this.#sweep(), this.#sweepMs).unref();
    }
  }

  /** Leases in use and half a life old are renewed, in one message (a late sweep delays a
   *  renewal, never a request: a lease is used whatever its age); leases unused since their last
   *  grant for a whole life go back, so they block nobody. The primary renews only far from the
   *  limit: near it, leases run out and every request asks. */
  #sweep(): void {
    const now = this.#clock.monotonic();
    // A sweep that runs late follows a stalled event loop (GC, a burst of work, no CPU): the
    // requests that arrived meanwhile are not read yet (timers run before I/O), so a lease
    // looking idle now may be about to be busy. The next sweep on time decides, or, on a loop
    // late every time, the first after a few lives.
    const late = now - this.#lastSweepAt > 2 * this.#sweepMs;
    this.#lastSweepAt = now;
    for (const [agentId, lease] of this.#leases) {
      const age = now - lease.grantedAt;
      if (lease.usedAt.length === 0) {
        if (age >= this.#leaseMs && (!late || age >= 4 * this.#leaseMs)) this.#settle(agentId, lease);
      } else if (age >= this.#leaseMs / 2) this.#topUp(agentId, lease, now);
    }
    if (this.#leases.size === 0 && this.#sweeper !== null) {
      clearInterval(this.#sweeper);
      this.#sweeper = null;
    }
  }
}

/** The next refill of a lease too small for its agent asks for twice as much, up to MAX_LEASE_SIZE. */
function grow(lease: Lease): void {
  lease.nextSize = Math.min(MAX_LEASE_SIZE, lease.nextSize * 2);
}

function sameLimits(a: QuotaLimits, b: QuotaLimits): boolean {
  return a.rps === b.rps && a.rpm === b.rpm;
}

function isReply(message: unknown): message is QuotaReplyMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'clawgress:quota-reply';
}

export function isQuotaRequest(message: unknown): message is QuotaRequestMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'clawgress:quota';
}
