// `clawgress serve`: gateway + admin API + embedded SQLite store in one process.
// Wiring only: the control plane publishes signed bundles; the in-process gateway verifies
// each one like any remote gateway would before it enforces it.
import { join } from 'node:path';
import type { AuditEvent } from '../core/index.js';
import { systemClock } from '../core/index.js';
import { AuditQueue, createJsonLinesSink, type AuditSink } from '../audit/index.js';
import { loadConfig, formatHostPort, type Config } from '../config/index.js';
import { createControlPlane, type ControlPlane } from '../control/index.js';
import { openSqliteStore } from '../store/index.js';
import { buildAdminApp } from '../admin/index.js';
import { createGateway, type Gateway } from '../gateway/index.js';
import { createHealth, createLogger, createMetrics, type Logger, type Metrics } from '../observe/index.js';
import { loadDeploymentSecrets } from './secrets.js';

export async function runServe(argv: readonly string[]): Promise<void> {
  const loaded = loadConfig({ role: 'serve', argv, env: process.env });
  if (!loaded.ok) {
    process.stderr.write(`clawgress: ${loaded.error}\n`);
    process.exit(2);
  }
  const config = loaded.config;
  const logger = createLogger({ level: config.logLevel, name: 'clawgress' });
  const metrics = createMetrics();
  const secrets = loadDeploymentSecrets(config.dataDir, config.adminToken);
  const store = openSqliteStore({ path: join(config.dataDir, 'clawgress.db') });
  const control = await createControlPlane({
    store,
    signingPrivateKeyPem: secrets.signingPrivateKeyPem,
    keyHashSecret: secrets.keyHashSecret,
    clock: systemClock,
  });
  const audit = createAuditQueue(config, metrics, logger, control);
  const gateway = createServeGateway({ config, logger, metrics, audit, publicKeyPem: secrets.signingPublicKeyPem, keyHashSecret: secrets.keyHashSecret });
  gateway.applyBundle(control.currentBundle());
  const unsubscribe = control.onBundle((bundle) => gateway.applyBundle(bundle));
  const health = createHealth({
    metrics,
    checks: [{ name: 'policy_bundle', check: () => bundleReadiness(gateway) }],
  });
  const admin = await buildAdminApp({
    control,
    verifyAdminToken: secrets.verifyAdminToken,
    bodyLimitBytes: config.adminBodyLimit,
    logger,
    health,
  });
  await admin.listen({ host: config.adminListen.host, port: config.adminListen.port });
  const proxyAddress = await gateway.listen(config.gatewayListen.host, config.gatewayListen.port);
  const adminAddress = admin.server.address();
  const adminPort = typeof adminAddress === 'object' && adminAddress !== null ? adminAddress.port : config.adminListen.port;
  printBanner({
    proxy: formatHostPort({ host: config.gatewayListen.host, port: proxyAddress.port }),
    admin: formatHostPort({ host: config.adminListen.host, port: adminPort }),
    newAdminToken: secrets.newAdminToken,
    dataDir: config.dataDir,
  });
  logger.info({ gateway: proxyAddress, admin: adminAddress, bundle_version: gateway.holder.current?.version }, 'clawgress serve started');

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    unsubscribe();
    await Promise.all([gateway.close(config.shutdownGrace), admin.close()]);
    await audit.close(config.shutdownGrace);
    await store.close();
    logger.info('stopped');
    process.exit(0);
  };
  // A repeated SIGTERM must not cut the drain short (systemd sends SIGKILL after its own
  // timeout); a second Ctrl-C is an operator asking to stop now.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping && signal === 'SIGINT') process.exit(130);
    void shutdown(signal).catch((error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function bundleReadiness(gateway: Gateway): { ok: boolean; detail?: string } {
  const current = gateway.holder.current;
  return current === null ? { ok: false, detail: 'no verified policy bundle' } : { ok: true, detail: `bundle version ${current.version}` };
}

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
  const sinks: AuditSink[] = [{ name: 'store', write: async (batch: readonly AuditEvent[]) => void (await control.appendAudit(batch)) }];
  if (config.auditStdout) sinks.push(createJsonLinesSink(process.stdout, 'stdout'));
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

function createServeGateway(options: {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  audit: AuditQueue;
  publicKeyPem: string;
  keyHashSecret: Buffer;
}): Gateway {
  const { config } = options;
  return createGateway({
    publicKeyPem: options.publicKeyPem,
    keyHashSecret: options.keyHashSecret,
    gatewayId: config.gatewayId,
    allowInternal: config.allowInternal,
    clock: systemClock,
    logger: options.logger.child({ component: 'gateway' }),
    metrics: options.metrics,
    enqueueAudit: (event) => options.audit.enqueue(event),
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

function printBanner(info: { proxy: string; admin: string; newAdminToken: string | null; dataDir: string }): void {
  const lines = [
    'clawgress serve is running',
    `  proxy:       http://${info.proxy}`,
    `  admin:       http://${info.admin}   (API: /api/v1, UI: /)`,
  ];
  if (info.newAdminToken !== null) {
    lines.push(`  admin token: ${info.newAdminToken}`);
    lines.push(`               shown once: only its hash is kept in ${info.dataDir}`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}
