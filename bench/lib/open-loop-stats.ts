// What one phase of an open-loop run recorded (the warm-up phase's numbers are thrown away).

import { summarize, type LatencySummary } from './percentiles.js';

export interface OpenLoopErrors {
  status: number; // responses >= 400
  socket: number; // connection reset or closed with a request outstanding
  protocol: number; // a response the parser could not follow
  timeout: number; // no response within the timeout of the due time
  unfinished: number; // still pending or outstanding when the run ended
}

export interface OpenLoopResult {
  readonly scheduled: number;
  readonly completed: number;
  readonly errors: OpenLoopErrors;
  readonly error_total: number;
  readonly latency_ms: LatencySummary; // from the due time
  readonly service_ms: LatencySummary; // from the time it was written (what wrk measures)
  readonly send_lag_ms: LatencySummary; // how late the generator sent (its own delay)
  readonly duration_s: number;
  readonly achieved_rate: number;
  readonly connect_s: number;
  readonly conns_used: number;
  readonly reconnects: number;
  readonly max_outstanding: number;
  readonly generator_cpu_pct: number;
  readonly first_error: string | null;
}

export class PhaseStats {
  readonly latencies: Float64Array;
  readonly service: Float64Array;
  readonly lags: Float64Array;
  readonly errors: OpenLoopErrors = { status: 0, socket: 0, protocol: 0, timeout: 0, unfinished: 0 };
  completed = 0;
  sent = 0;
  reconnects = 0;
  maxOutstanding = 0;
  firstError: string | null = null;

  constructor(readonly scheduled: number) {
    this.latencies = new Float64Array(scheduled);
    this.service = new Float64Array(scheduled);
    this.lags = new Float64Array(scheduled);
  }

  recordSend(lagMs: number): void {
    if (this.sent < this.lags.length) this.lags[this.sent] = lagMs;
    this.sent += 1;
  }

  /** A request of an earlier phase may still answer in this one: it is not counted. */
  recordResponse(latencyMs: number, serviceMs: number): void {
    if (this.completed >= this.latencies.length) return;
    this.latencies[this.completed] = latencyMs;
    this.service[this.completed] = serviceMs;
    this.completed += 1;
  }

  noteError(kind: keyof OpenLoopErrors, reason: string): void {
    this.errors[kind] += 1;
    this.firstError ??= reason;
  }

  result(measured: { durationS: number; connectS: number; cpuPct: number; connsUsed: number }): OpenLoopResult {
    const round = (value: number, places: number): number => Math.round(value * 10 ** places) / 10 ** places;
    return {
      scheduled: this.scheduled,
      completed: this.completed,
      errors: { ...this.errors },
      error_total: Object.values(this.errors).reduce((sum, count) => sum + count, 0),
      latency_ms: summarize(this.latencies, this.completed),
      service_ms: summarize(this.service, this.completed),
      send_lag_ms: summarize(this.lags, Math.min(this.sent, this.lags.length)),
      duration_s: measured.durationS,
      achieved_rate: round(this.completed / measured.durationS, 1),
      connect_s: round(measured.connectS, 3),
      conns_used: measured.connsUsed,
      reconnects: this.reconnects,
      max_outstanding: this.maxOutstanding,
      generator_cpu_pct: round(measured.cpuPct, 1),
      first_error: this.firstError,
    };
  }
}
