// A split deployment for tests: a PKI made at run time, `clawgress control-plane` and
// `clawgress gateway` processes on fixed loopback ports (so a restarted process comes back
// where its peers expect it).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate, type KeyPairPem } from '../../src/pki/index.js';
import { spawnClawgress, type ClawgressProcess } from './process.js';
import { adminCall, TEST_ADMIN_TOKEN } from './serve.js';

export { freePort } from './wait.js';

export interface SplitPki {
  readonly dir: string;
  readonly caFile: string;
  readonly ca: KeyPairPem;
  readonly other: KeyPairPem; // a CA the control plane does not trust
  certFiles(name: string): { cert: string; key: string };
}

async function writePair(dir: string, name: string, pair: KeyPairPem): Promise<void> {
  writeFileSync(join(dir, `${name}.pem`), pair.certPem);
  writeFileSync(join(dir, `${name}.key.pem`), pair.keyPem, { mode: 0o600 });
}

export async function makeSplitPki(gateways: readonly string[]): Promise<SplitPki> {
  const dir = mkdtempSync(join(tmpdir(), 'clawgress-pki-'));
  const ca = await createCertificateAuthority({ commonName: 'split test CA', days: 1 });
  const other = await createCertificateAuthority({ commonName: 'untrusted CA', days: 1 });
  writeFileSync(join(dir, 'ca.pem'), ca.certPem);
  await writePair(dir, 'control-plane', await issueCertificate({ ca, commonName: 'control-plane', kind: 'server', ips: ['127.0.0.1'], days: 1 }));
  for (const name of gateways) await writePair(dir, name, await issueCertificate({ ca, commonName: name, kind: 'client', days: 1 }));
  await writePair(dir, 'intruder', await issueCertificate({ ca: other, commonName: gateways[0] ?? 'gw', kind: 'client', days: 1 }));
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    ca,
    other,
    certFiles: (name) => ({ cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key.pem`) }),
  };
}

export interface ControlPlaneProcess extends ClawgressProcess {
  readonly dataDir: string;
  readonly url: string; // the mTLS gateway API
  api(method: string, path: string, body?: unknown): ReturnType<typeof adminCall>;
}

export async function startControlPlane(options: { pki: SplitPki; dataDir: string; adminPort: number; gatewayApiPort: number; args?: readonly string[] }): Promise<ControlPlaneProcess> {
  const { cert, key } = options.pki.certFiles('control-plane');
  const proc = await spawnClawgress({
    command: 'control-plane',
    args: [
      '--data-dir', options.dataDir, '--admin-listen', `127.0.0.1:${options.adminPort}`, '--gateway-api-listen', `127.0.0.1:${options.gatewayApiPort}`,
      '--tls-cert', cert, '--tls-key', key, '--tls-ca', options.pki.caFile, ...(options.args ?? []),
    ],
    env: { CLAWGRESS_ADMIN_TOKEN: TEST_ADMIN_TOKEN },
    banner: /gateway api:\s+https:\/\/127\.0\.0\.1:(\d+)/,
  });
  const adminUrl = `http://127.0.0.1:${options.adminPort}`;
  return { ...proc, dataDir: options.dataDir, url: `https://127.0.0.1:${options.gatewayApiPort}`, api: (method, path, body) => adminCall(adminUrl, TEST_ADMIN_TOKEN, method, path, body) };
}

export interface GatewayProcess extends ClawgressProcess {
  readonly name: string;
  readonly dataDir: string;
  readonly proxyPort: number;
  readonly healthUrl: string;
}

export async function startGateway(options: {
  name: string;
  pki: SplitPki;
  controlPlane: { url: string; dataDir: string };
  dataDir: string;
  proxyPort: number;
  healthPort: number;
  workers?: number;
  certName?: string;
  waitForBanner?: boolean;
}): Promise<GatewayProcess> {
  const { cert, key } = options.pki.certFiles(options.certName ?? options.name);
  const proc = await spawnClawgress({
    command: 'gateway',
    args: [
      '--control-plane', options.controlPlane.url, '--tls-cert', cert, '--tls-key', key, '--tls-ca', options.pki.caFile,
      '--bundle-public-key', join(options.controlPlane.dataDir, 'signing-key.pub.pem'),
      '--key-hash-secret-file', join(options.controlPlane.dataDir, 'key-hash.secret'),
      '--data-dir', options.dataDir, '--gateway-listen', `127.0.0.1:${options.proxyPort}`, '--admin-listen', `127.0.0.1:${options.healthPort}`,
      '--allow-internal', '127.0.0.1/32', '--workers', String(options.workers ?? 1), '--shutdown-grace', '2s',
    ],
    banner: options.waitForBanner === false ? /./ : /proxy:\s+http:\/\/127\.0\.0\.1:(\d+)/,
  });
  return { ...proc, name: options.name, dataDir: options.dataDir, proxyPort: options.proxyPort, healthUrl: `http://127.0.0.1:${options.healthPort}` };
}
