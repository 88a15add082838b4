// A throwaway CA and server certificate made at test run time (never checked in), with the
// product's own PKI code (`clawgress pki`).
import { createCertificateAuthority, issueCertificate, type KeyPairPem } from '../../src/pki/index.js';

export interface TestPki {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly ca: KeyPairPem;
}

export async function makeTestPki(options: { dnsNames?: string[]; ips?: string[] } = {}): Promise<TestPki> {
  const ca = await createCertificateAuthority({ commonName: 'clawgress test CA', days: 1 });
  const leaf = await issueCertificate({
    ca,
    commonName: 'localhost',
    kind: 'server',
    dnsNames: options.dnsNames ?? ['localhost'],
    ips: options.ips ?? ['127.0.0.1'],
    days: 1,
  });
  return { caPem: ca.certPem, certPem: leaf.certPem, keyPem: leaf.keyPem, ca };
}
