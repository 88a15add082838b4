// Is the audit trail whole right now? A sink is degraded while its writes fail (the queue
// retries them) and for a while after it dropped events (its queue was full). Readiness shows
// it without taking the gateway out of service: enforcement must not stop because a log sink
// did (SPEC §6), but an operator must see it at a glance.

import type { Clock } from '../core/index.js';

export interface SinkHealth {
  readonly failingSince: number | null;
  readonly droppedRecently: number;
}

export interface AuditHealthStatus {
  readonly degraded: boolean;
  /** `ok`, or `degraded: ` and what is wrong with which sink. */
  readonly detail: string;
  readonly sinks: Readonly<Record<string, SinkHealth>>;
}

interface SinkState {
  failingSince: number | null;
  drops: { at: number; count: number }[];
}

export class AuditHealth {
  #clock: Clock;
  #windowMs: number;
  #sinks = new Map<string, SinkState>();

  /** `windowMs`: how long a drop keeps the sink degraded, e.g. 60_000. */
  constructor(options: { clock: Clock; windowMs: number; sinks: readonly string[] }) {
    this.#clock = options.clock;
    this.#windowMs = options.windowMs;
    for (const sink of options.sinks) this.#state(sink);
  }

  noteWritten(sink: string): void {
    this.#state(sink).failingSince = null;
  }

  noteFailed(sink: string): void {
    const state = this.#state(sink);
    state.failingSince ??= this.#clock.now();
  }

  noteDropped(sink: string, count: number): void {
    this.#state(sink).drops.push({ at: this.#clock.now(), count });
  }

  status(): AuditHealthStatus {
    const now = this.#clock.now();
    const sinks: Record<string, SinkHealth> = {};
    const problems: string[] = [];
    for (const [name, state] of this.#sinks) {
      state.drops = state.drops.filter((drop) => now - drop.at < this.#windowMs);
      const droppedRecently = state.drops.reduce((sum, drop) => sum + drop.count, 0);
      sinks[name] = { failingSince: state.failingSince, droppedRecently };
      if (state.failingSince !== null) problems.push(`sink \`${name}\` failing since ${new Date(state.failingSince).toISOString()}`);
      if (droppedRecently > 0) problems.push(`sink \`${name}\` dropped ${droppedRecently} events in the last ${Math.round(this.#windowMs / 1000)} s`);
    }
    return { degraded: problems.length > 0, detail: problems.length > 0 ? `degraded: ${problems.join('; ')}` : 'ok', sinks };
  }

  #state(sink: string): SinkState {
    let state = this.#sinks.get(sink);
    if (state === undefined) {
      state = { failingSince: null, drops: [] };
      this.#sinks.set(sink, state);
    }
    return state;
  }
}
