// One row per run, as written to results.jsonl and shown in the table. Latencies in ms.

import type { Measured } from './measure.js';
import type { OpenLoopResult } from './open-loop-stats.js';
import type { TargetName } from './targets.js';
import type { WrkSummary } from './wrk.js';

export type Mode = 'closed' | 'open';

export interface Row {
  readonly mode: Mode;
  readonly target: TargetName;
  readonly body: string;
  readonly conns: number;
  /** The many-agents level: requests spread over this many agents (direct: the level's baseline);
   *  null: every request from the one bench agent. */
  readonly agents: number | null;
  /** Which of its level's --repeat rounds (1..N) this run was; absent on the soak's row and on
   *  summaries over the rounds (rounds.ts). */
  readonly round?: number;
  /** Offered load in req/s (open loop); null for closed loop. */
  readonly rate: number | null;
  readonly duration_s: number;
  readonly requests: number;
  readonly req_per_s: number;
  readonly p50_ms: number | null;
  readonly p90_ms: number | null;
  readonly p99_ms: number | null;
  readonly p999_ms: number | null;
  readonly max_ms: number | null;
  readonly errors: number;
  readonly error_detail: Readonly<Record<string, number>>;
  readonly cpu_pct: number | null;
  readonly cpu_us_per_req: number | null;
  readonly peak_rss_mib: number | null;
  readonly peak_pss_mib: number | null;
  readonly generator_cpu_pct: number | null;
  readonly listen_overflows: number;
  added_p50_ms: number | null;
  added_p99_ms: number | null;
  /** Open loop only: latency from send time, the generator's own lateness, connections used. */
  readonly open_loop?: {
    readonly service_p50_ms: number | null;
    readonly service_p99_ms: number | null;
    readonly send_lag_p50_ms: number | null;
    readonly send_lag_p99_ms: number | null;
    readonly conns_used: number;
    readonly connect_s: number;
    readonly reconnects: number;
    readonly max_outstanding: number;
    readonly first_error: string | null;
  };
}

export interface RunContext {
  readonly target: TargetName;
  readonly body: string;
  readonly conns: number;
  readonly agents: number | null;
  readonly round?: number;
}

const round = (value: number, places = 3): number => Math.round(value * 10 ** places) / 10 ** places;
const usToMs = (us: number): number => round(us / 1000);
const kibToMib = (kib: number | null): number | null => (kib === null ? null : round(kib / 1024, 1));

function costs(measured: Measured<unknown>, requests: number, seconds: number) {
  const cpu = measured.targetCpuS;
  return {
    cpu_pct: cpu === null || seconds === 0 ? null : round((100 * cpu) / seconds, 1),
    cpu_us_per_req: cpu === null || requests === 0 ? null : round((1e6 * cpu) / requests, 1),
    peak_rss_mib: kibToMib(measured.peakRssKib),
    peak_pss_mib: kibToMib(measured.peakPssKib),
    listen_overflows: measured.listenOverflows,
  };
}

export function rowFromWrk(context: RunContext, measured: Measured<WrkSummary>): Row {
  const w = measured.result;
  const seconds = w.duration_us / 1e6;
  const detail = { status: w.err_status, connect: w.err_connect, read: w.err_read, write: w.err_write, timeout: w.err_timeout };
  return {
    mode: 'closed', ...context, rate: null,
    duration_s: round(seconds), requests: w.requests, req_per_s: round(w.requests / seconds, 1),
    p50_ms: usToMs(w.lat_p50_us), p90_ms: usToMs(w.lat_p90_us), p99_ms: usToMs(w.lat_p99_us),
    p999_ms: usToMs(w.lat_p999_us), max_ms: usToMs(w.lat_max_us),
    errors: Object.values(detail).reduce((sum, count) => sum + count, 0), error_detail: detail,
    ...costs(measured, w.requests, measured.wallS),
    generator_cpu_pct: round((100 * measured.generatorCpuS) / measured.wallS, 1),
    added_p50_ms: null, added_p99_ms: null,
  };
}

const ms = (value: number | null): number | null => (value === null ? null : round(value));

export function rowFromOpenLoop(context: RunContext & { rate: number }, measured: Measured<OpenLoopResult>): Row {
  const r = measured.result;
  return {
    mode: 'open', ...context,
    duration_s: r.duration_s, requests: r.completed, req_per_s: r.achieved_rate,
    p50_ms: ms(r.latency_ms.p50), p90_ms: ms(r.latency_ms.p90), p99_ms: ms(r.latency_ms.p99),
    p999_ms: ms(r.latency_ms.p999), max_ms: ms(r.latency_ms.max),
    errors: r.error_total, error_detail: { ...r.errors },
    ...costs(measured, r.completed, measured.wallS),
    generator_cpu_pct: r.generator_cpu_pct,
    added_p50_ms: null, added_p99_ms: null,
    open_loop: {
      service_p50_ms: ms(r.service_ms.p50), service_p99_ms: ms(r.service_ms.p99),
      send_lag_p50_ms: ms(r.send_lag_ms.p50), send_lag_p99_ms: ms(r.send_lag_ms.p99),
      conns_used: r.conns_used, connect_s: r.connect_s, reconnects: r.reconnects,
      max_outstanding: r.max_outstanding, first_error: r.first_error,
    },
  };
}

/** What makes a level: mode, body, connections, agents and rate (not the target, not the round). */
export const levelKey = (row: Row): string => `${row.mode}|${row.body}|${row.conns}|${row.agents}|${row.rate}`;

/** Added latency: through the proxy minus direct, same level, same round of the same run: a
 *  paired difference, so a slow stretch of machine time that hit the round hits both sides. */
export function addAddedLatency(rows: Row[]): void {
  const key = (row: Row): string => `${levelKey(row)}|${row.round}`;
  const direct = new Map(rows.filter((row) => row.target === 'direct').map((row) => [key(row), row]));
  for (const row of rows) {
    const baseline = direct.get(key(row));
    if (row.target === 'direct' || baseline === undefined) continue;
    row.added_p50_ms = difference(row.p50_ms, baseline.p50_ms);
    row.added_p99_ms = difference(row.p99_ms, baseline.p99_ms);
  }
}

function difference(through: number | null, direct: number | null): number | null {
  return through === null || direct === null ? null : round(through - direct);
}
