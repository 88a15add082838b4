// `clawgress serve`: gateway + admin API + embedded SQLite store on one machine.
// With --workers 1 everything runs in this process; with more, this process becomes the
// cluster primary (control side) and forks gateway workers that share the proxy port.
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { formatHostPort, type Config } from '../config/index.js';
import { loadConfigOrExit } from './setting-files.js';
import { createLogger, createMetrics, type Logger } from '../observe/index.js';
import { readGatewaySecrets } from './secrets.js';

export async function runServe(argv: readonly string[]): Promise<void> {
  const loaded = loadConfigOrExit('serve', argv);
  const config = loaded.config;
  const logger = createLogger({ level: config.logLevel, name: 'clawgress' });
  // Workers load only the gateway side; the control side (admin API, store) loads where it runs.
  if (cluster.isWorker) return (await import('./serve-worker.js')).runWorker(config, logger, readGatewaySecrets(config.dataDir));
  if (config.workers > 1) return (await import('./serve-primary.js')).runPrimary(config, logger);
  return runSingle(config, logger);
}

async function runSingle(config: Config, logger: Logger): Promise<void> {
  const { printBanner, startControlSide, stopControlSide } = await import('./serve-control.js');
  const { createLimiter, createServeGateway } = await import('./serve-gateway.js');
  const metrics = createMetrics();
  let ready = (): { ok: boolean; detail?: string } => ({ ok: false, detail: 'starting' });
  // Known once the gateway listens; the admin app reads it for the UI's HTTPS_PROXY line.
  const listening: { address?: string } = {};
  const side = await startControlSide({
    config, logger, metrics,
    readiness: [{ name: 'policy_bundle', check: () => ready() }],
    proxyAddress: () => listening.address,
  });
  const limiter = createLimiter(config, 'single');
  const gateway = createServeGateway({
    config, logger, metrics, limiter,
    enqueueAudit: (event) => side.audit.enqueue(event),
    secrets: { publicKeyPem: side.secrets.signingPublicKeyPem, keyHashSecret: side.secrets.keyHashSecret },
  });
  gateway.applyBundle(side.control.currentBundle());
  const unsubscribe = side.control.onBundle((bundle) => gateway.applyBundle(bundle));
  ready = () => {
    const current = gateway.holder.current;
    return current === null ? { ok: false, detail: 'no verified policy bundle' } : { ok: true, detail: `bundle version ${current.version}` };
  };
  const { bindSingleListener } = await import('./listen-handle.js');
  const proxy = await gateway.listenOnHandles(await bindSingleListener(config.gatewayListen, logger));
  listening.address = formatHostPort({ host: config.gatewayListen.host, port: proxy.port });
  printBanner({
    proxy: listening.address,
    admin: formatHostPort({ host: config.adminListen.host, port: adminPort(side.admin.server.address(), config) }),
    newAdminToken: side.secrets.newAdminToken,
    dataDir: config.dataDir,
    workers: 1,
  });
  onStopSignals(logger, async () => {
    unsubscribe();
    await Promise.all([gateway.close(config.shutdownGrace), side.admin.close()]);
    await limiter.close();
    await stopControlSide(side, config.shutdownGrace);
  });
}

export function adminPort(address: string | AddressInfo | null, config: Config): number {
  return typeof address === 'object' && address !== null ? address.port : config.adminListen.port;
}

/** SIGTERM/SIGINT run `stop` once, then exit 0. A repeated SIGTERM must not cut the drain
 *  short (systemd sends SIGKILL after its own timeout); a second Ctrl-C stops at once. */
export function onStopSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      if (signal === 'SIGINT') process.exit(130);
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
