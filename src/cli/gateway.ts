// `clawgress gateway --control-plane https://…`: an enforcement node of a split deployment.
// It starts from its last verified bundle on disk (if any), long-polls the control plane over
// mTLS for newer ones, and sends its audit events there in batches (buffered, bounded and
// counted while the control plane is down), and as JSON lines to stdout.
import cluster from 'node:cluster';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';
import { systemClock, type SignedBundle } from '../core/index.js';
import { createHttpSink } from '../audit/index.js';
import { generateSigningKeys } from '../policy/index.js';
import { formatHostPort, type Config } from '../config/index.js';
import { applyAndReport, BundleHolder, BundleSync, quotaAlertLogger, readCachedBundle, writeCachedBundle, type Gateway } from '../gateway/index.js';
import { createHealth, createHealthServer, createLogger, createMetrics, type Logger, type Metrics } from '../observe/index.js';
import { commonNameOf } from '../pki/index.js';
import { startCluster, type ClusterHandle } from './cluster-primary.js';
import { loadConfigOrExit, readPem, requireSettings } from './setting-files.js';
import { onStopSignals } from './serve.js';
import { bindSingleListener } from './listen-handle.js';
import { createLimiter, createServeGateway, type GatewaySecrets } from './serve-gateway.js';
import { runWorker } from './serve-worker.js';
import { createNodeAuditLog, stdoutSink, type ServeAuditLog } from './serve-audit.js';
import { writeFileAtomic } from './secrets.js';

const REQUIRED = {
  controlPlane: '--control-plane', tlsCert: '--tls-cert', tlsKey: '--tls-key', tlsCa: '--tls-ca',
  bundlePublicKey: '--bundle-public-key', keyHashSecretFile: '--key-hash-secret-file',
};

function readSecrets(config: Config): GatewaySecrets {
  return {
    publicKeyPem: readPem(config.bundlePublicKey as string, '--bundle-public-key'),
    keyHashSecret: readFileSync(config.keyHashSecretFile as string),
  };
}

/** Unless --gateway-id was given, a gateway is named by its client certificate's CN, which is
 *  also the only name the control plane accepts audit events under. */
function effectiveConfig(config: Config, sources: Record<string, string>): Config {
  if (sources['gatewayId'] !== 'default') return config;
  const cn = commonNameOf(readPem(config.tlsCert as string, '--tls-cert'));
  return cn === null ? config : { ...config, gatewayId: cn };
}

export async function runGateway(argv: readonly string[]): Promise<void> {
  const loaded = loadConfigOrExit('gateway', argv);
  requireSettings(loaded.config, Object.keys(REQUIRED) as (keyof Config)[], REQUIRED);
  const config = effectiveConfig(loaded.config, loaded.sources);
  const logger = createLogger({ level: config.logLevel, name: 'clawgress' }).child({ gateway_id: config.gatewayId });
  const secrets = readSecrets(config);
  if (cluster.isWorker) return runWorker(config, logger, secrets);
  return runGatewayPrimary(config, logger, secrets);
}

function createDispatcher(config: Config): Agent {
  return new Agent({
    connect: {
      ca: readPem(config.tlsCa as string, '--tls-ca'),
      cert: readPem(config.tlsCert as string, '--tls-cert'),
      key: readPem(config.tlsKey as string, '--tls-key'),
      rejectUnauthorized: true,
    },
    keepAliveTimeout: 30_000,
  });
}

/** A gateway signs its audit checkpoints with a key of its own (it has no bundle signing key):
 *  <data-dir>/audit-signing-key.pem, made on first start; verify with the .pub.pem beside it. */
function loadAuditSigningKey(dataDir: string, logger: Logger): string {
  const privatePath = join(dataDir, 'audit-signing-key.pem');
  if (!existsSync(privatePath)) {
    const keys = generateSigningKeys();
    writeFileAtomic(join(dataDir, 'audit-signing-key.pub.pem'), keys.publicKeyPem, 0o644);
    writeFileAtomic(privatePath, keys.privateKeyPem);
    logger.info({ public_key: join(dataDir, 'audit-signing-key.pub.pem') }, 'created this gateway\'s audit checkpoint signing key');
  }
  return readFileSync(privatePath, 'utf8');
}

// At most one POST of a short batch to the control plane per this many milliseconds (full
// batches go at once): under load each request carries hundreds of events.
const CONTROL_PLANE_LINGER_MS = 50;

function createAuditLog(config: Config, metrics: Metrics, logger: Logger, dispatcher: Agent): ServeAuditLog {
  const toControlPlane = { ...createHttpSink({
    baseUrl: config.controlPlane as string,
    dispatcher,
    timeoutMs: 10_000,
    onRejected: (count, status, message) => {
      metrics.auditDropped.inc({ sink: 'control_plane', reason: 'rejected' }, count);
      logger.error({ count, status }, `audit batch refused by the control plane: ${message}`);
    },
  }), lingerMs: CONTROL_PLANE_LINGER_MS };
  const sinks = config.auditStdout ? [toControlPlane, stdoutSink()] : [toControlPlane];
  return createNodeAuditLog({ config, metrics, logger, sinks, signingPrivateKeyPem: loadAuditSigningKey(config.dataDir, logger) });
}

async function runGatewayPrimary(config: Config, logger: Logger, secrets: GatewaySecrets): Promise<void> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const metrics = createMetrics();
  const dispatcher = createDispatcher(config);
  const auditLog = createAuditLog(config, metrics, logger, dispatcher);
  const audit = auditLog.queue;
  const limiter = createLimiter(config, config.workers > 1 ? 'primary' : 'single');
  const listeners = new Set<(bundle: SignedBundle) => void>();
  let single: Gateway | null = null;
  let workers: ClusterHandle | null = null;
  if (config.workers === 1) {
    single = createServeGateway({ config, logger, metrics, limiter, enqueueAudit: (e) => audit.enqueue(e), secrets });
  }
  const holder = single?.holder ?? new BundleHolder({ ...secrets, clock: systemClock, jwtClockSkewSeconds: Math.round(config.jwtClockSkew / 1000) });
  const apply = (bundle: unknown) => {
    const result = applyAndReport({ holder, metrics, logger }, bundle);
    if (result.ok && holder.current) for (const listener of listeners) listener(holder.current.signed);
    return result;
  };
  const cachePath = join(config.dataDir, 'bundle.json');
  const cached = readCachedBundle(cachePath);
  if (cached.ok) {
    const result = apply(cached.bundle);
    logger.info({ path: cachePath, ok: result.ok }, result.ok ? `enforcing the cached bundle version ${result.version}` : 'cached bundle refused');
  } else if (!cached.missing) {
    metrics.bundleRejected.inc({ reason: 'format' });
    logger.warn(cached.error);
  }
  const sync = new BundleSync({
    baseUrl: config.controlPlane as string,
    dispatcher,
    apply,
    currentVersion: () => holder.current?.version ?? null,
    persist: (bundle) => writeCachedBundle(cachePath, bundle),
    logger,
  });
  const health = createHealth({
    metrics,
    checks: [
      { name: 'policy_bundle', check: () => (holder.current ? { ok: true, detail: `bundle version ${holder.current.version}` } : { ok: false, detail: 'no verified policy bundle yet' }) },
      { name: 'control_plane', check: () => ({ ok: true, detail: sync.reachable ? 'reachable' : 'unreachable: enforcing the last verified bundle' }) },
      auditLog.readiness,
      ...(config.workers > 1 ? [{ name: 'gateway_workers', check: () => workers?.readiness() ?? { ok: false, detail: 'starting' } }] : []),
    ],
    ...(config.workers > 1 ? { renderMetrics: () => (workers ? workers.metrics() : Promise.resolve({ contentType: 'text/plain', body: '' })) } : {}),
  });
  const healthServer = createHealthServer(health);
  await new Promise<void>((resolve) => healthServer.listen(config.adminListen.port, config.adminListen.host, resolve));
  sync.start();
  let proxyPort: number;
  if (single !== null) {
    proxyPort = (await single.listenOnHandles(await bindSingleListener(config.gatewayListen, logger))).port;
  } else {
    workers = startCluster({
      config, logger, metrics, limiter,
      hub: {
        currentBundle: () => holder.current?.signed ?? null,
        onBundle: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
        enqueueAudit: (event) => audit.enqueue(event),
        reportQuotaAlert: quotaAlertLogger(logger, systemClock),
        noteWorkerAuditDrops: auditLog.noteWorkerDrops,
        auditPressure: auditLog.pressure,
      },
    });
    proxyPort = await workers.listening;
  }
  const healthAddress = healthServer.address();
  process.stderr.write([
    `clawgress gateway ${config.gatewayId} is running (${config.workers} worker${config.workers === 1 ? '' : 's'})`,
    `  proxy:       http://${formatHostPort({ host: config.gatewayListen.host, port: proxyPort })}`,
    `  health:      http://${formatHostPort({ host: config.adminListen.host, port: typeof healthAddress === 'object' && healthAddress ? healthAddress.port : 0 })}   (/healthz /readyz /metrics)`,
    `  control:     ${config.controlPlane} (mTLS)`,
  ].join('\n') + '\n');
  const gateway = single;
  const cluster_ = workers;
  onStopSignals(logger, async () => {
    await sync.stop();
    if (gateway !== null) await gateway.close(config.shutdownGrace);
    if (cluster_ !== null) await cluster_.stop(config.shutdownGrace);
    await audit.close(config.shutdownGrace);
    await limiter.close();
    await dispatcher.close();
    healthServer.close();
  });
}
