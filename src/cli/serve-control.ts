// The control side of `serve`: secrets, store, control plane, audit queue and admin app.
// Runs in the single process, or in the cluster primary.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { systemClock } from '../core/index.js';
import type { ChainedAuditQueue } from '../audit/index.js';
import type { Config } from '../config/index.js';
import { createControlPlane, type ControlPlane } from '../control/index.js';
import { openPostgresStore, openSqliteStore, type Store } from '../store/index.js';
import { buildAdminApp } from '../admin/index.js';
import { createHealth, type Logger, type Metrics, type ReadinessCheck } from '../observe/index.js';
import { loadDeploymentSecrets, type DeploymentSecrets } from './secrets.js';
import { createServeAuditLog, type AuditPressure } from './serve-audit.js';

export interface ControlSide {
  readonly secrets: DeploymentSecrets;
  readonly store: Store;
  readonly control: ControlPlane;
  /** Seals every event into the hash chain, then queues it (see serve-audit.ts). */
  readonly audit: ChainedAuditQueue;
  /** Drops at a worker's hand-off, for /readyz (ServeAuditLog.noteWorkerDrops). */
  readonly noteWorkerAuditDrops: (count: number) => void;
  /** How hard-pressed the audit queue is (ServeAuditLog.pressure). */
  readonly auditPressure: () => AuditPressure;
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
  const { secrets, store, control } = await openControl(config, logger);
  const auditLog = createServeAuditLog({ config, metrics, logger, control, signingPrivateKeyPem: secrets.signingPrivateKeyPem });
  const audit = auditLog.queue;
  const checks = [...options.readiness, auditLog.readiness];
  const health = createHealth({ metrics, checks, ...(options.renderMetrics ? { renderMetrics: options.renderMetrics } : {}) });
  const admin = await buildAdminApp({
    control, verifyAdminToken: secrets.verifyAdminToken, bodyLimitBytes: config.adminBodyLimit, logger, health,
    ...(options.proxyAddress ? { uiConfig: { proxyAddress: options.proxyAddress } } : {}),
  });
  await admin.listen({ host: config.adminListen.host, port: config.adminListen.port });
  return { secrets, store, control, audit, noteWorkerAuditDrops: auditLog.noteWorkerDrops, auditPressure: auditLog.pressure, admin };
}

/** The deployment's secrets, its store and the control plane over them (serve and control-plane). */
export async function openControl(config: Config, logger: Logger): Promise<{ secrets: DeploymentSecrets; store: Store; control: ControlPlane }> {
  const secrets = loadDeploymentSecrets(config.dataDir, config.adminToken);
  const store = await openStore(config, logger);
  const control = await createControlPlane({
    store,
    signingPrivateKeyPem: secrets.signingPrivateKeyPem,
    keyHashSecret: secrets.keyHashSecret,
    clock: systemClock,
    onListenerError: (error) => logger.error({ err: error }, 'control plane listener failed'),
  });
  return { secrets, store, control };
}

export async function openStore(config: Config, logger: Logger): Promise<Store> {
  const onAuditWriterStop = (error: Error): void =>
    logger.warn({ err: error }, 'audit store: the writer thread stopped; audit events are now stored from the main thread');
  return config.store === 'sqlite'
    ? openSqliteStore({ path: join(config.dataDir, 'clawgress.db'), onAuditWriterStop })
    : openPostgresStore({ connectionString: config.store });
}

/** Stop in order: admin first (no new changes), then the audit queue, then the store. */
export async function stopControlSide(side: ControlSide, graceMs: number): Promise<void> {
  await side.audit.close(graceMs);
  await side.store.close();
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
