// `clawgress control-plane`: admin API + UI for operators, and the mTLS gateway API that
// gateway nodes fetch bundles from and send audit events to. No proxy runs here.
import { formatHostPort } from '../config/index.js';
import { buildAdminApp, buildGatewayApi } from '../admin/index.js';
import { createHealth, createLogger, createMetrics } from '../observe/index.js';
import { adminPort, onStopSignals } from './serve.js';
import { openControl } from './serve-control.js';
import { loadConfigOrExit, readPem, requireSettings } from './setting-files.js';

// Audit batches from gateways are larger than admin requests.
const INTAKE_BODY_LIMIT = 32 * 1024 * 1024; // 32 MiB

export async function runControlPlane(argv: readonly string[]): Promise<void> {
  const loaded = loadConfigOrExit('control-plane', argv);
  const config = loaded.config;
  requireSettings(config, ['tlsCert', 'tlsKey', 'tlsCa'], { tlsCert: '--tls-cert', tlsKey: '--tls-key', tlsCa: '--tls-ca' });
  const tls = {
    certPem: readPem(config.tlsCert as string, '--tls-cert'),
    keyPem: readPem(config.tlsKey as string, '--tls-key'),
    caPem: readPem(config.tlsCa as string, '--tls-ca'),
  };
  const logger = createLogger({ level: config.logLevel, name: 'clawgress' });
  const metrics = createMetrics();
  const { secrets, store, control } = await openControl(config, logger);
  metrics.bundleVersion.set(control.currentBundle().manifest.version);
  const unsubscribe = control.onBundle((bundle) => metrics.bundleVersion.set(bundle.manifest.version));
  const health = createHealth({ metrics, checks: [{ name: 'policy_bundle', check: () => ({ ok: true, detail: `publishing version ${control.currentBundle().manifest.version}` }) }] });
  const admin = await buildAdminApp({ control, verifyAdminToken: secrets.verifyAdminToken, bodyLimitBytes: config.adminBodyLimit, logger, health });
  await admin.listen({ host: config.adminListen.host, port: config.adminListen.port });
  const gatewayApi = await buildGatewayApi({ control, tls, bodyLimitBytes: INTAKE_BODY_LIMIT, logger: logger.child({ component: 'gateway-api' }) });
  await gatewayApi.listen({ host: config.gatewayApiListen.host, port: config.gatewayApiListen.port });
  const lines = [
    'clawgress control-plane is running',
    `  admin:       http://${formatHostPort({ host: config.adminListen.host, port: adminPort(admin.server.address(), config) })}   (API: /api/v1, UI: /)`,
    `  gateway api: https://${formatHostPort({ host: config.gatewayApiListen.host, port: adminPort(gatewayApi.server.address(), config) })}   (mTLS, CA ${config.tlsCa})`,
    `  bundles are signed with ${config.dataDir}/signing-key.pem; gateways need signing-key.pub.pem and key-hash.secret from there`,
  ];
  if (secrets.newAdminToken !== null) lines.push(`  admin token: ${secrets.newAdminToken}`, `               shown once: only its hash is kept in ${config.dataDir}`);
  process.stderr.write(`${lines.join('\n')}\n`);
  onStopSignals(logger, async () => {
    unsubscribe();
    await Promise.all([admin.close(), gatewayApi.close()]);
    await store.close();
  });
}
