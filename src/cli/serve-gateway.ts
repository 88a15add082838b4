// The gateway side of `serve`: the same in a single process and in each cluster worker.
import { systemClock, type AuditEvent } from '../core/index.js';
import type { Config } from '../config/index.js';
import { createGateway, type Gateway } from '../gateway/index.js';
import type { Logger, Metrics } from '../observe/index.js';
import { IpcLimiter, MemoryLimiter, RedisLimiter, type AlertLimit, type Limiter } from '../quota/index.js';

export interface GatewaySecrets {
  readonly publicKeyPem: string;
  readonly keyHashSecret: Buffer;
}

export function createServeGateway(options: {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  limiter: Limiter;
  enqueueAudit: (event: AuditEvent) => boolean;
  secrets: GatewaySecrets;
  reportQuotaAlert?: (agentId: string, limit: AlertLimit, note: string) => void;
}): Gateway {
  const { config } = options;
  return createGateway({
    publicKeyPem: options.secrets.publicKeyPem,
    keyHashSecret: options.secrets.keyHashSecret,
    gatewayId: config.gatewayId,
    allowInternal: config.allowInternal,
    clock: systemClock,
    logger: options.logger.child({ component: 'gateway' }),
    metrics: options.metrics,
    enqueueAudit: options.enqueueAudit,
    quota: { limiter: options.limiter, failMode: config.quotaFailMode },
    ...(options.reportQuotaAlert ? { reportQuotaAlert: options.reportQuotaAlert } : {}),
    timeouts: {
      upstreamConnectMs: config.upstreamConnectTimeout,
      upstreamResponseMs: config.upstreamResponseTimeout,
      tunnelIdleMs: config.tunnelIdleTimeout,
    },
    client: {
      maxHeaderSize: config.maxHeaderSize,
      headerTimeoutMs: config.clientHeaderTimeout,
      idleTimeoutMs: config.clientIdleTimeout,
    },
    jwtClockSkewSeconds: Math.round(config.jwtClockSkew / 1000),
  });
}

const IPC_MIN_TIMEOUT_MS = 1_000;

/** Redis when configured (every process talks to it); else in-process memory, which in a
 *  cluster worker means asking the primary, the one holder of the counters. */
export function createLimiter(config: Config, role: 'single' | 'primary' | 'worker'): Limiter {
  if (config.quotaBackend !== 'memory') return new RedisLimiter({ url: config.quotaBackend, timeoutMs: config.quotaTimeout });
  if (role !== 'worker') return new MemoryLimiter({ clock: systemClock });
  return new IpcLimiter({
    clock: systemClock,
    // The primary is on this machine: a slow answer means a busy process, not an outage, so
    // it gets at least a second before the fail mode applies.
    timeoutMs: Math.max(config.quotaTimeout, IPC_MIN_TIMEOUT_MS),
    channel: {
      // A failed send (the primary gone) is not an error here: unanswered questions time out.
      send: (message) => void process.send?.(message, undefined, {}, () => undefined),
      onMessage: (listener) => process.on('message', listener),
    },
  });
}
