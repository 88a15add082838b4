// The control side of `serve`: secrets, store, control plane, audit queue and admin app.
// Runs in the single process, or in the cluster primary.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { systemClock, type AuditEvent } from '../core/index.js';
import { AuditQueue, createJsonLinesSink, withLinger, type AuditSink } from '../audit/index.js';
import type { Config } from '../config/index.js';
import { createControlPlane, type ControlPlane } from '../control/index.js';
import { openPostgresStore, openSqliteStore, type Store } from '../store/index.js';
import { buildAdminApp } from '../admin/index.js';
import { createHealth, type Logger, type Metrics, type ReadinessCheck } from '../observe/index.js';
import { loadDeploymentSecrets, type DeploymentSecrets } from './secrets.js';

export interface ControlSide {
  readonly secrets: DeploymentSecrets;
  readonly store: Store;
  readonly control: ControlPlane;
  readonly audit: AuditQueue;
  readonly admin: FastifyInstance;
}

export async function startControlSide(options: {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  readiness: readonly ReadinessCheck[];
  renderMetrics?: () => Promise<{ contentType: string; body: string }>;
  /** The proxy address the UI shows in its HTTPS_PROXY line; known once the gateway listens. */
  proxyAddress?: () => string | undefined;
}): Promise<ControlSide> {
  const { config, logger, metrics } = options;
  const secrets = loadDeploymentSecrets(config.dataDir, config.adminToken);
  const store = await openStore(config);
  const control = await createControlPlane({
    store,
    signingPrivateKeyPem: secrets.signingPrivateKeyPem,
    keyHashSecret: secrets.keyHashSecret,
    clock: systemClock,
    onListenerError: (error) => logger.error({ err: error }, 'control plane listener failed'),
  });
  const audit = createAuditQueue(config, metrics, logger, control);
  const health = createHealth({ metrics, checks: options.readiness, ...(options.renderMetrics ? { renderMetrics: options.renderMetrics } : {}) });
  const admin = await buildAdminApp({
    control, verifyAdminToken: secrets.verifyAdminToken, bodyLimitBytes: config.adminBodyLimit, logger, health,
    ...(options.proxyAddress ? { uiConfig: { proxyAddress: options.proxyAddress } } : {}),
  });
  await admin.listen({ host: config.adminListen.host, port: config.adminListen.port });
  return { secrets, store, control, audit, admin };
}

export async function openStore(config: Config): Promise<Store> {
  return config.store === 'sqlite'
    ? openSqliteStore({ path: join(config.dataDir, 'clawgress.db') })
    : openPostgresStore({ connectionString: config.store });
}

/** Stop in order: admin first (no new changes), then the audit queue, then the store. */
export async function stopControlSide(side: ControlSide, graceMs: number): Promise<void> {
  await side.audit.close(graceMs);
  await side.store.close();
}

const SINK_LINGER_MS = 20;

// A full queue drops on every request; one alert line per sink every 10 s says how many.
const DROP_ALERT_INTERVAL_MS = 10_000;

function dropAlerter(logger: Logger): (sink: string, reason: string, count: number) => void {
  const pending = new Map<string, { count: number; last: number }>();
  return (sink, reason, count) => {
    const key = `${sink}:${reason}`;
    const entry = pending.get(key) ?? { count: 0, last: 0 };
    entry.count += count;
    pending.set(key, entry);
    const now = Date.now();
    if (now - entry.last < DROP_ALERT_INTERVAL_MS) return;
    logger.warn({ sink, reason, dropped: entry.count }, 'audit events dropped: the audit queue is full');
    entry.count = 0;
    entry.last = now;
  };
}

function createAuditQueue(config: Config, metrics: Metrics, logger: Logger, control: ControlPlane): AuditQueue {
  const warnDropped = dropAlerter(logger);
  // Under load, one transaction and one stdout write carry a batch of events (see withLinger).
  const sinks: AuditSink[] = [withLinger({ name: 'store', write: async (batch: readonly AuditEvent[]) => void (await control.appendAudit(batch)) }, SINK_LINGER_MS)];
  if (config.auditStdout) sinks.push(withLinger(createJsonLinesSink(process.stdout, 'stdout'), SINK_LINGER_MS));
  const queue = new AuditQueue({
    sinks,
    capacity: config.auditQueueSize,
    batchSize: config.auditBatchSize,
    onDrop: (sink, reason, count) => {
      metrics.auditDropped.inc({ sink, reason }, count);
      warnDropped(sink, reason, count);
    },
    onWritten: (sink, count) => metrics.auditWritten.inc({ sink }, count),
    onSinkError: (sink, error) => {
      metrics.auditSinkErrors.inc({ sink });
      logger.error({ sink, err: error }, 'audit sink write failed: will retry');
    },
  });
  metrics.setAuditDepthSource(() => queue.depth());
  return queue;
}

export function printBanner(info: { proxy: string; admin: string; newAdminToken: string | null; dataDir: string; workers: number }): void {
  const lines = [
    `clawgress serve is running (${info.workers} gateway worker${info.workers === 1 ? '' : 's'})`,
    `  proxy:       http://${info.proxy}`,
    `  admin:       http://${info.admin}   (API: /api/v1, UI: /)`,
  ];
  if (info.newAdminToken !== null) {
    lines.push(`  admin token: ${info.newAdminToken}`);
    lines.push(`               shown once: only its hash is kept in ${info.dataDir}`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}
