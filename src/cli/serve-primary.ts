// The cluster primary of `serve --workers N`: the control side (admin API, store, audit
// queue) and the shared rate-limit counters, with N gateway workers on one port.
import { systemClock } from '../core/index.js';
import { formatHostPort, type Config } from '../config/index.js';
import { quotaAlertLogger } from '../gateway/index.js';
import { createMetrics, type Logger } from '../observe/index.js';
import { startCluster, type ClusterHandle } from './cluster-primary.js';
import { adminPort, onStopSignals } from './serve.js';
import { printBanner, startControlSide, stopControlSide } from './serve-control.js';
import { createLimiter } from './serve-gateway.js';

export async function runPrimary(config: Config, logger: Logger): Promise<void> {
  const metrics = createMetrics();
  let workers: ClusterHandle | null = null;
  // Known once the gateway listens; the admin app reads it for the UI's HTTPS_PROXY line.
  const listening: { address?: string } = {};
  const side = await startControlSide({
    config, logger, metrics,
    proxyAddress: () => listening.address,
    readiness: [{ name: 'gateway_workers', check: () => workers?.readiness() ?? { ok: false, detail: 'starting' } }],
    renderMetrics: () => (workers ? workers.metrics() : Promise.resolve({ contentType: 'text/plain', body: '' })),
  });
  const limiter = createLimiter(config, 'primary');
  // The primary enforces nothing itself; its gauge shows what it publishes, and the minimum
  // over all processes is then the lowest version any worker enforces.
  metrics.bundleVersion.set(side.control.currentBundle().manifest.version);
  const unsubscribe = side.control.onBundle((bundle) => metrics.bundleVersion.set(bundle.manifest.version));
  workers = startCluster({
    config, logger, metrics, limiter,
    hub: {
      currentBundle: () => side.control.currentBundle(),
      onBundle: (listener) => side.control.onBundle(listener),
      enqueueAudit: (event) => side.audit.enqueue(event),
      reportQuotaAlert: quotaAlertLogger(logger.child({ component: 'gateway' }), systemClock),
      noteWorkerAuditDrops: side.noteWorkerAuditDrops,
      auditPressure: side.auditPressure,
    },
  });
  const cluster = workers;
  const proxyPort = await cluster.listening;
  listening.address = formatHostPort({ host: config.gatewayListen.host, port: proxyPort });
  printBanner({
    proxy: listening.address,
    admin: formatHostPort({ host: config.adminListen.host, port: adminPort(side.admin.server.address(), config) }),
    newAdminToken: side.secrets.newAdminToken,
    dataDir: config.dataDir,
    workers: config.workers,
  });
  onStopSignals(logger, async () => {
    unsubscribe();
    await side.admin.close();
    await cluster.stop(config.shutdownGrace);
    await limiter.close();
    await stopControlSide(side, config.shutdownGrace);
  });
}
