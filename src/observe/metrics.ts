import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { DecisionKind } from '../core/index.js';

/** The product's Prometheus metrics, in a registry of their own (never prom-client's global). */
export interface Metrics {
  readonly registry: Registry;
  readonly requests: Counter<'decision'>;
  /** Counts one decided request in `requests`: the per-request path's increment. */
  countRequest(decision: DecisionKind): void;
  readonly auditDropped: Counter<'sink' | 'reason'>;
  readonly auditWritten: Counter<'sink'>;
  readonly auditSinkErrors: Counter<'sink'>;
  readonly auditQueueDepth: Gauge;
  readonly upstreamErrors: Counter<'reason'>;
  readonly clientErrors: Counter<'reason'>;
  readonly bundleVersion: Gauge;
  readonly bundleRejected: Counter<'reason'>;
  readonly quotaExceeded: Counter<'mode'>;
  readonly activeConnections: Gauge<'kind'>;
  /** Where clawgress_audit_queue_depth reads its value at scrape time. */
  setAuditDepthSource(fn: () => number): void;
}

const DECISIONS: readonly DecisionKind[] = ['allow', 'deny', 'rate_limited', 'unauthenticated'];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let auditDepthSource: () => number = () => 0;
  const metrics: Metrics = {
    registry,
    ...createRequestMetrics(registry),
    ...createAuditMetrics(registry, () => auditDepthSource()),
    ...createBundleMetrics(registry),
    setAuditDepthSource(fn) {
      auditDepthSource = fn;
    },
  };
  // Zero series exist from the start, so rate() and alerts see the first increment.
  for (const decision of DECISIONS) metrics.requests.inc({ decision }, 0);
  for (const kind of ['client', 'tunnel']) metrics.activeConnections.set({ kind }, 0);
  return metrics;
}

function createRequestMetrics(registry: Registry) {
  const registers = [registry];
  // Every request is counted, so its count is a plain increment here and reaches the counter
  // when the counter is read (prom-client calls collect() before every read, a cluster's
  // included). Counter#inc builds and hashes a label key on each call: ~215 ns in a loop.
  const uncounted: Record<DecisionKind, number> = { allow: 0, deny: 0, rate_limited: 0, unauthenticated: 0 };
  return {
    requests: new Counter({
      name: 'clawgress_requests_total',
      help: 'Requests decided by the gateway, by decision',
      labelNames: ['decision'] as const,
      registers,
      collect() {
        for (const decision of DECISIONS) {
          const count = uncounted[decision];
          if (count === 0) continue;
          uncounted[decision] = 0;
          this.inc({ decision }, count);
        }
      },
    }),
    countRequest(decision: DecisionKind): void {
      uncounted[decision] += 1;
    },
    upstreamErrors: new Counter({
      name: 'clawgress_upstream_errors_total',
      help: 'Upstream connections or responses that failed, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    clientErrors: new Counter({
      name: 'clawgress_client_errors_total',
      help: 'Client requests refused before a decision (malformed, too large, too slow), by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    quotaExceeded: new Counter({
      name: 'clawgress_quota_exceeded_total',
      help: 'Requests over their agent quota, by quota mode (alert_only requests still pass)',
      labelNames: ['mode'] as const,
      registers,
    }),
    activeConnections: new Gauge({
      name: 'clawgress_active_connections',
      help: 'Open connections, by kind (client or tunnel)',
      labelNames: ['kind'] as const,
      registers,
    }),
  };
}

function createAuditMetrics(registry: Registry, readDepth: () => number) {
  const registers = [registry];
  return {
    auditDropped: new Counter({
      name: 'clawgress_audit_dropped_total',
      help: 'Audit events that did not reach a sink, by sink and reason',
      labelNames: ['sink', 'reason'] as const,
      registers,
    }),
    auditWritten: new Counter({
      name: 'clawgress_audit_written_total',
      help: 'Audit events written to a sink, by sink',
      labelNames: ['sink'] as const,
      registers,
    }),
    auditSinkErrors: new Counter({
      name: 'clawgress_audit_sink_errors_total',
      help: 'Failed audit sink writes (the batch is retried), by sink',
      labelNames: ['sink'] as const,
      registers,
    }),
    auditQueueDepth: new Gauge({
      name: 'clawgress_audit_queue_depth',
      help: 'Audit events waiting in the fullest sink queue',
      registers,
      collect() {
        this.set(readDepth());
      },
    }),
  };
}

function createBundleMetrics(registry: Registry) {
  const registers = [registry];
  return {
    bundleVersion: new Gauge({
      name: 'clawgress_bundle_version',
      help: 'Version of the policy bundle in force (0 before the first one)',
      // Across worker processes the lowest version is the one every worker enforces.
      aggregator: 'min',
      registers,
    }),
    bundleRejected: new Counter({
      name: 'clawgress_bundle_rejected_total',
      help: 'Policy bundles refused, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
  };
}
