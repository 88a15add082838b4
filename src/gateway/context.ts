import type { Duplex } from 'node:stream';
import type { Logger, Metrics } from '../observe/index.js';
import type { AlertLimit } from '../quota/index.js';
import type { QuotaEnforcement } from './pipeline.js';
import type { AddressGuard } from './address-guard.js';
import type { BundleHolder } from './bundle-holder.js';
import type { DeadlineSweeper } from './deadlines.js';
import type { ExchangeSinks } from './exchange.js';
import type { TargetCache } from './target-cache.js';
import type { UpstreamPool } from './upstream-pool.js';

export interface GatewayTimeouts {
  readonly upstreamConnectMs: number;
  readonly upstreamResponseMs: number;
  readonly tunnelIdleMs: number;
}

/** What the gateway enforces on the agents' side of each connection. */
export interface ClientLimits {
  readonly maxHeaderSize: number;
  readonly headerTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

/** What every handler needs, built once per gateway. */
export interface GatewayContext {
  readonly holder: BundleHolder;
  readonly guard: AddressGuard;
  readonly sinks: ExchangeSinks;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly timeouts: GatewayTimeouts;
  readonly limits: ClientLimits;
  /** Walks every connection's deadlines (deadlines.ts); its `now` is the coarse clock. */
  readonly sweeper: DeadlineSweeper;
  readonly quota: QuotaEnforcement;
  /** Log an alert_only line (throttled to one per agent per window by whoever owns the throttle). */
  readonly reportQuotaAlert: (agentId: string, limit: AlertLimit, note: string) => void;
  /** Pooled keep-alive connections to upstreams, per origin (checked address and port). */
  readonly upstream: UpstreamPool;
  /** Parsed absolute-form request targets, per URL text (target-cache.ts). */
  readonly targets: TargetCache;
  /** Open CONNECT tunnels: shutdown cuts them here once the grace period is over. */
  readonly tunnels: Set<Duplex>;
  /** Set while shutting down: answers carry `Connection: close`. */
  draining: boolean;
  /** Client connections open now. */
  clientConnections: number;
  /** How many more answers carry `Connection: close`, so that many clients reconnect, and
   *  land on a less loaded worker (set by the cluster, see cli/cluster-balance.ts). */
  shedConnections: number;
}
