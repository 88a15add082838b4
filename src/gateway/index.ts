// The gateway: the hot path. It imports the pure decision modules (identity, policy, quota),
// audit and observe — never the control plane, store, admin or UI (test/architecture.test.ts).
import type { AddressInfo } from 'node:net';
import type { AuditEvent, Clock } from '../core/index.js';
import type { Logger, Metrics } from '../observe/index.js';
import { AddressGuard, type Lookup } from './address-guard.js';
import { BundleHolder, type ApplyResult } from './bundle-holder.js';
import type { ClientLimits, GatewayContext, GatewayTimeouts } from './context.js';
import { DeadlineSweeper } from './deadlines.js';
import type { QuotaEnforcement } from './pipeline.js';
import { AlertThrottle, type AlertLimit } from '../quota/index.js';
import { ProxyListener } from './server.js';
import { UpstreamPool } from './upstream-pool.js';
import { TargetCache } from './target-cache.js';

export { AddressGuard, type Lookup, type ResolvedAddress } from './address-guard.js';
export { BundleHolder, type ActiveBundle, type ApplyResult } from './bundle-holder.js';
export { REQUEST_ID_HEADER } from './respond.js';

export interface GatewayOptions {
  readonly publicKeyPem: string;
  readonly keyHashSecret: Buffer;
  readonly gatewayId: string;
  readonly allowInternal: readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Where audit events leave the hot path: a bounded, non-blocking queue. */
  readonly enqueueAudit: (event: AuditEvent) => boolean;
  readonly timeouts: GatewayTimeouts;
  readonly client: ClientLimits;
  readonly jwtClockSkewSeconds: number;
  /** Rate limits: the limiter holding the counters, and what to do when it cannot answer. */
  readonly quota: QuotaEnforcement;
  /** Where alert_only lines go; by default this gateway logs them, one per agent per window.
   *  A cluster worker hands them to its primary, so N workers still log one line. */
  readonly reportQuotaAlert?: (agentId: string, limit: AlertLimit, note: string) => void;
  /** Injected in tests to control name resolution; the system resolver otherwise. */
  readonly lookup?: Lookup;
}

export interface Gateway {
  /** Verify a signed bundle and, if it passes, swap it in. A refused bundle is logged and counted. */
  applyBundle(bundle: unknown): ApplyResult;
  readonly holder: BundleHolder;
  /** Listen on handles of one bound socket (cli/listen-handle.ts): a cluster primary's, or,
   *  without workers, the gateway process's own. */
  listenOnHandles(handles: readonly object[]): Promise<AddressInfo>;
  /** Stop accepting, drain in-flight requests within `graceMs`, close pooled upstream sockets. */
  close(graceMs: number): Promise<void>;
  /** Client connections open now. */
  connections(): number;
  /** Close `count` keep-alive connections after their current answer (a rebalance across
   *  workers: their clients reconnect, and another worker may accept them). Replaces any
   *  count still pending. */
  shed(count: number): void;
}

export function createGateway(options: GatewayOptions): Gateway {
  const holder = new BundleHolder({
    publicKeyPem: options.publicKeyPem,
    keyHashSecret: options.keyHashSecret,
    clock: options.clock,
    jwtClockSkewSeconds: options.jwtClockSkewSeconds,
  });
  const now = (): number => options.clock.monotonic();
  const sweeper = new DeadlineSweeper({ tickMs: sweepTickMs(options), now });
  const upstream = new UpstreamPool({ connectTimeoutMs: options.timeouts.upstreamConnectMs, now });
  sweeper.add({ checkDeadlines: (at) => upstream.sweep(at) });
  const ctx: GatewayContext = {
    holder,
    guard: new AddressGuard({ allowInternal: options.allowInternal, ...(options.lookup ? { lookup: options.lookup } : {}) }),
    sinks: { clock: options.clock, gatewayId: options.gatewayId, metrics: options.metrics, enqueue: options.enqueueAudit },
    logger: options.logger,
    metrics: options.metrics,
    timeouts: options.timeouts,
    limits: options.client,
    sweeper,
    quota: options.quota,
    reportQuotaAlert: options.reportQuotaAlert ?? quotaAlertLogger(options.logger, options.clock),
    upstream,
    targets: new TargetCache(),
    tunnels: new Set(),
    draining: false,
    clientConnections: 0,
    shedConnections: 0,
  };
  const listener = new ProxyListener(ctx);
  return {
    holder,
    applyBundle: (bundle) => applyAndReport({ holder, metrics: options.metrics, logger: options.logger }, bundle),
    listenOnHandles: (handles) => listener.listenOnHandles(handles),
    close: (graceMs) => listener.drain(graceMs),
    connections: () => ctx.clientConnections,
    shed: (count) => void (ctx.shedConnections = Math.max(0, Math.floor(count))),
  };
}

/** A quarter of the shortest timeout, within 25..250 ms: a deadline fires at most one tick late. */
function sweepTickMs(options: GatewayOptions): number {
  const shortest = Math.min(options.client.headerTimeoutMs, options.client.idleTimeoutMs, options.timeouts.upstreamResponseMs, options.timeouts.tunnelIdleMs);
  return Math.max(25, Math.min(250, Math.floor(shortest / 4)));
}

/** Verify and swap, then say so: the version gauge, or a refusal counted by reason and logged. */
export function applyAndReport(ctx: { holder: BundleHolder; metrics: Metrics; logger: Logger }, bundle: unknown): ApplyResult {
  const result = ctx.holder.apply(bundle);
  if (result.ok) {
    ctx.metrics.bundleVersion.set(result.version);
    ctx.logger.info({ bundle_version: result.version }, 'policy bundle applied');
  } else {
    ctx.metrics.bundleRejected.inc({ reason: result.code });
    ctx.logger.warn({ code: result.code }, `policy bundle refused: ${result.error}`);
  }
  return result;
}

/** One alert_only line per agent per limit window. */
export function quotaAlertLogger(logger: Logger, clock: Clock): (agentId: string, limit: AlertLimit, note: string) => void {
  const throttle = new AlertThrottle();
  return (agentId, limit, note) => {
    if (throttle.shouldLog(agentId, limit, clock.monotonic())) logger.warn({ agent_id: agentId, limit }, `rate limit alert: ${note}`);
  };
}
export { BundleSync, type BundleSyncOptions } from './bundle-sync.js';
export { readCachedBundle, writeCachedBundle, type CachedBundle } from './bundle-cache.js';
